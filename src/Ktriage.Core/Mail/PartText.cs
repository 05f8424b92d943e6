using System.Collections.Concurrent;
using System.Text;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace Ktriage.Core.Mail;

/// <summary>The text of a MIME part. The content is read straight from the message's bytes and put through MimeKit's
/// own transfer decoder (<see cref="DecoderFilter.Create(ContentEncoding)"/>, what <see cref="MimeContent.DecodeTo"/>
/// runs) in one call: no stream copy, no growing MemoryStream, no ToArray (those allocations and the GC work behind
/// them were most of the decode cost in the ingest profile). 7bit/8bit/binary content is not copied at all.</summary>
internal static class PartText
{
    /// <summary>The part's content bytes decoded with its declared charset; unknown, missing or invalid charsets fall
    /// back to UTF-8, and to Latin-1 when the bytes are not valid UTF-8. "" when the transfer encoding cannot be undone.</summary>
    public static string Of(byte[] message, MimePart part, string? charset)
    {
        try
        {
            return Decoded(message, part, static (bytes, charset) => Text(bytes, charset), charset);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A part whose transfer encoding cannot be undone yields no text; the message itself is kept.
            return "";
        }
    }

    /// <summary>Same as <see cref="Of(byte[], MimePart, string?)"/> for content already located in the message's bytes.</summary>
    public static string Of(byte[] message, int start, int length, ContentEncoding encoding, string? charset)
    {
        try { return Text(Undo(encoding, message, start, length), charset); }
        catch (Exception e) when (e is not OutOfMemoryException) { return ""; }
    }

    public delegate T SpanReader<T>(ReadOnlySpan<byte> bytes, string? state);

    /// <summary>Runs <paramref name="read"/> on the part's decoded content. A part parsed from <paramref name="message"/>
    /// with a persistent MimeParser is a <see cref="BoundStream"/> over it, read in place; anything else (a part built in
    /// memory) goes through <see cref="MimeContent.DecodeTo"/>.</summary>
    public static T Decoded<T>(byte[] message, MimePart part, SpanReader<T> read, string? state)
    {
        if (part.Content is not { } content) return read([], state);
        if (content.Stream is BoundStream { BaseStream: MessageBytes view } bound && ReferenceEquals(view.Bytes, message)
            && bound.EndBoundary <= message.Length && bound.StartBoundary <= bound.EndBoundary)
            return read(Undo(content.Encoding, message, (int)bound.StartBoundary, (int)(bound.EndBoundary - bound.StartBoundary)), state);
        using var ms = new MemoryStream();
        content.DecodeTo(ms);
        return read(ms.GetBuffer().AsSpan(0, (int)ms.Length), state);
    }

    static ReadOnlySpan<byte> Undo(ContentEncoding encoding, byte[] bytes, int start, int length)
    {
        var filter = DecoderFilter.Create(encoding);
        var output = filter.Flush(bytes, start, length, out var index, out var count);
        return output.AsSpan(index, count);
    }

    /// <summary>Bytes → text with the declared charset and the fallbacks of <see cref="Of(byte[], MimePart, string?)"/>.</summary>
    public static string Text(ReadOnlySpan<byte> content, string? charset)
    {
        var declared = EncodingOf(charset);
        if (declared is not null && declared.CodePage != Encoding.UTF8.CodePage && declared.CodePage != 20127 /* us-ascii */)
            return declared.GetString(content);
        // Validate first rather than catch the strict decoder's exception: a Latin-1 body then costs no throw.
        return System.Text.Unicode.Utf8.IsValid(content) ? Encoding.UTF8.GetString(content) : Encoding.Latin1.GetString(content);
    }

    // Encoding.GetEncoding takes a lock and walks the code page tables on every call: the few charset names real mail
    // uses are looked up once. Bounded, since the names come from the input.
    static readonly ConcurrentDictionary<string, Encoding?> Encodings = new(StringComparer.Ordinal);
    const int MaxCachedEncodings = 256;

    static Encoding? EncodingOf(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return null;
        if (Encodings.TryGetValue(charset, out var cached)) return cached;
        Encoding? declared = null;
        try { declared = Encoding.GetEncoding(charset.Trim().Trim('"')); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { }
        if (Encodings.Count < MaxCachedEncodings) Encodings.TryAdd(charset, declared);
        return declared;
    }

    /// <summary>A read-only stream over a message's bytes that remembers the array, so that the parts MimeKit's persistent
    /// parser bounds over it can be read in place.</summary>
    public sealed class MessageBytes(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public byte[] Bytes { get; } = bytes;
    }
}
