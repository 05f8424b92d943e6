using System.Globalization;
using System.Runtime.CompilerServices;
using Ktriage.Core.Mail;

namespace Ktriage.Sources.Mbox;

/// <summary>An mbox (mboxrd or mboxo), plain or gzip-compressed, or an mbox on stdin. Streams one message at a time.
/// Checkpoint = byte offset (in the uncompressed data) where the next message starts, so an mbox that only grows
/// can be read incrementally.</summary>
public sealed class MboxSource : IMessageSource
{
    readonly Func<Stream> _open;
    readonly MboxVariant _variant;

    /// <param name="origin">file path (absolute) or "-".</param>
    /// <param name="open">opens the raw (already decompressed) byte stream; called once per read.</param>
    public MboxSource(string origin, string defaultList, Func<Stream> open, MboxVariant variant = MboxVariant.Auto)
    {
        Origin = origin;
        DefaultList = defaultList;
        _open = open;
        _variant = variant == MboxVariant.Auto ? MboxVariant.Rd : variant;
    }

    /// <summary>An mbox file, gzip-compressed when <paramref name="gzip"/>.</summary>
    public static MboxSource ForFile(string path, bool gzip, MboxVariant variant = MboxVariant.Auto)
    {
        var full = Path.GetFullPath(path);
        return new MboxSource(full, SourceFactory.ListNameFromFile(full), () =>
        {
            var s = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            return gzip ? new GzipCheckedStream(s) : s;
        }, variant);
    }

    public string Origin { get; }
    public string DefaultList { get; }

    public async IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        long start = 0;
        if (resumeAfter is not null && !long.TryParse(resumeAfter, NumberStyles.None, CultureInfo.InvariantCulture, out start))
        {
            yield return RawMessage.Failure(new SourceLocator(Origin), $"checkpoint '{resumeAfter}' is not an mbox offset; reading the whole mbox again");
            start = 0;
        }

        var stream = Open();
        var mismatch = (string?)null;
        try
        {
            if (start > 0) mismatch = await SkipAsync(stream, start, ct);
            // A line longer than the message limit makes its message too big anyway: it is read in pieces.
            var reader = new ByteLineReader(stream, start, (int)Math.Min(SourceLimits.MessageBytes + 1, 1 << 30));
            var message = new MemoryStream();
            long messageAt = -1;
            var previousBlank = false;
            var continuation = false; // this piece of a long line continues the previous one
            var oversize = false;     // the current message went over the size limit: its bytes are dropped
            var endsWithNewline = true;
            var atStart = start == 0;
            string? error = null;
            void Append(ReadOnlySpan<byte> bytes)
            {
                if (oversize) return;
                if (message.Length + bytes.Length > SourceLimits.MessageBytes)
                {
                    oversize = true;
                    message.SetLength(0);
                    message.Capacity = 0;
                    return;
                }
                message.Write(bytes);
            }

            while (mismatch is null)
            {
                ReadOnlyMemory<byte> line;
                try { line = await reader.ReadLineAsync(ct); }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    // Truncated or corrupt .gz, unreadable disk: report, keep what was complete.
                    error = e.Message;
                    break;
                }
                if (line.IsEmpty) break;
                endsWithNewline = line.Span[^1] == (byte)'\n';
                var pieceOfLine = continuation;
                continuation = reader.Partial;
                if (pieceOfLine)
                {
                    Append(line.Span);
                    continue;
                }

                var content = TrimEol(line.Span);
                if (atStart && content.IsEmpty) continue; // blank lines before the first envelope
                if (start > 0 && reader.LineOffset == start && !content.StartsWith("From "u8))
                {
                    mismatch = "the mbox changed (rewritten?)";
                    break;
                }
                if (MboxSplitter.IsSeparator(content, previousBlank, atStart || reader.LineOffset == start))
                {
                    if (oversize)
                        yield return RawMessage.Failure(new SourceLocator(Origin, Offset: messageAt), SourceLimits.MessageOverLimit($"{Origin}: the message at byte {messageAt}"), Checkpoint(reader.LineOffset));
                    else if (messageAt >= 0 && Finish(message) is { } bytes)
                        yield return RawMessage.Of(bytes, new SourceLocator(Origin, Offset: messageAt), checkpoint: Checkpoint(reader.LineOffset));
                    message.SetLength(0);
                    oversize = false;
                    messageAt = reader.LineOffset;
                    previousBlank = false;
                    atStart = false;
                    continue;
                }
                atStart = false;
                if (messageAt < 0) messageAt = reader.LineOffset; // data without an envelope line (stdin)
                var strip = MboxSplitter.EscapeToStrip(content, _variant);
                Append(line.Span[strip..]);
                previousBlank = MboxSplitter.IsBlank(content);
            }

            if (mismatch is not null) { }
            else if (error is null)
            {
                if (oversize)
                    yield return RawMessage.Failure(new SourceLocator(Origin, Offset: messageAt), SourceLimits.MessageOverLimit($"{Origin}: the message at byte {messageAt}"), Checkpoint(reader.Position));
                else if (messageAt > 0 && !endsWithNewline && Finish(message) is not null)
                    // An mbox of several messages cut in the middle of a line (an unfinished download or copy): storing
                    // the last message would keep half of it for good. Checkpoint at its start, so a run on the
                    // completed file reads it whole. (A lone message without a final newline is just a saved mail.)
                    yield return RawMessage.Failure(new SourceLocator(Origin, Offset: messageAt),
                        $"{Origin}: ends in the middle of a line (cut short?); the message at byte {messageAt} may be incomplete and was skipped: it is read when the file is complete", Checkpoint(messageAt));
                else if (messageAt >= 0 && Finish(message) is { } last)
                    yield return RawMessage.Of(last, new SourceLocator(Origin, Offset: messageAt), checkpoint: Checkpoint(reader.Position));
            }
            else
            {
                // The message being read when the data broke off is incomplete: report it, never store half a message.
                yield return RawMessage.Failure(new SourceLocator(Origin, Offset: messageAt >= 0 ? messageAt : reader.Position),
                    $"{Origin}: data breaks off after byte {reader.Position} ({error}); the message there is incomplete and was skipped");
            }
        }
        finally
        {
            await stream.DisposeAsync();
        }

        if (mismatch is not null)
        {
            yield return RawMessage.Failure(new SourceLocator(Origin, Offset: start), $"no message starts at the checkpoint (byte {start}): {mismatch}; reading the whole mbox again");
            await foreach (var item in ReadAsync(null, ct)) yield return item;
        }
    }

    Stream Open()
    {
        try { return _open(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SourceException($"{Origin}: {e.Message}", e);
        }
    }

    string? Checkpoint(long offset) => Origin == "-" ? null : offset.ToString(CultureInfo.InvariantCulture);

    /// <summary>Moves to <paramref name="offset"/>; returns why that failed, or null.</summary>
    static async Task<string?> SkipAsync(Stream stream, long offset, CancellationToken ct)
    {
        try
        {
            if (stream.CanSeek)
            {
                if (offset > stream.Length) return "the mbox is shorter than that (rewritten?)";
                stream.Seek(offset, SeekOrigin.Begin);
                return null;
            }
            var skip = new byte[1 << 16];
            for (var left = offset; left > 0;)
            {
                var n = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(left, skip.Length)), ct);
                if (n == 0) return "the mbox is shorter than that (rewritten?)";
                left -= n;
            }
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return e.Message;
        }
    }

    /// <summary>The message bytes without the blank line the mbox writer put before the next separator.</summary>
    static byte[]? Finish(MemoryStream message)
    {
        var buf = message.GetBuffer().AsSpan(0, (int)message.Length);
        if (buf.EndsWith("\r\n\r\n"u8)) buf = buf[..^2];
        else if (buf.EndsWith("\n\n"u8)) buf = buf[..^1];
        return buf.IsEmpty || buf.IndexOfAnyExcept("\r\n"u8) < 0 ? null : buf.ToArray();
    }

    static ReadOnlySpan<byte> TrimEol(ReadOnlySpan<byte> line) =>
        line.EndsWith("\r\n"u8) ? line[..^2] : line.EndsWith("\n"u8) ? line[..^1] : line;
}
