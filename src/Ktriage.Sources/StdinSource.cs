using System.IO.Compression;
using System.Runtime.CompilerServices;
using Ktriage.Core.Mail;
using Ktriage.Sources.Mbox;

namespace Ktriage.Sources;

/// <summary>"-": standard input, sniffed when read: an mbox when it starts with "From ", else one message.
/// gzip data is decompressed first. Origin is "-" and there is no checkpoint (a pipe cannot be re-read).</summary>
public sealed class StdinSource(Func<Stream>? open = null, MboxVariant variant = MboxVariant.Auto) : IMessageSource
{
    readonly Func<Stream> _open = open ?? Console.OpenStandardInput;

    public string Origin => "-";
    public string DefaultList => "stdin";

    public async IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var input = _open();
        var head = await ReadHeadAsync(input, 2, ct);
        if (head is [0x1f, 0x8b])
        {
            input = new GuardedGzipStream(new PrefixedStream(head, input));
            head = await ReadHeadAsync(input, 5, ct);
        }
        else head = [.. head, .. await ReadHeadAsync(input, 3, ct)];

        var stream = new PrefixedStream(head, input);
        if (head.AsSpan().SequenceEqual("From "u8))
        {
            await foreach (var m in new MboxSource("-", DefaultList, () => stream, variant).ReadAsync(null, ct))
                yield return m;
            yield break;
        }
        // One message: read at most one byte past the limit, so an endless pipe cannot fill memory.
        var all = new MemoryStream();
        var buffer = new byte[1 << 16];
        int n;
        while (all.Length <= SourceLimits.MessageBytes && (n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, SourceLimits.MessageBytes + 1 - all.Length)), ct)) > 0)
            all.Write(buffer, 0, n);
        if (all.Length > SourceLimits.MessageBytes)
            yield return RawMessage.Failure(new SourceLocator("-"), SourceLimits.MessageOverLimit("the message on standard input"));
        else if (all.Length > 0) yield return RawMessage.Of(all.ToArray(), new SourceLocator("-"));
    }

    static async Task<byte[]> ReadHeadAsync(Stream s, int count, CancellationToken ct)
    {
        var buf = new byte[count];
        var n = await s.ReadAtLeastAsync(buf, count, throwOnEndOfStream: false, ct);
        return buf[..n];
    }

    /// <summary>Puts back the bytes read for sniffing, since a pipe cannot seek.</summary>
    sealed class PrefixedStream(byte[] prefix, Stream inner) : ReadOnlyStream(inner)
    {
        int _pos;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_pos < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _pos);
                prefix.AsSpan(_pos, n).CopyTo(buffer);
                _pos += n;
                return n;
            }
            return Inner.Read(buffer);
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_pos < prefix.Length) return Read(buffer.Span);
            return await Inner.ReadAsync(buffer, ct);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    }
}
