using System.Buffers.Binary;
using System.IO.Compression;

namespace Ktriage.Sources.Mbox;

/// <summary>Decompresses a .gz file and notices when it was cut short. .NET's GZipStream ends silently on truncated
/// input (checked on .NET 10: half a file reads as a shorter, "valid" stream), so at the end we compare the byte
/// count with the trailer's ISIZE (uncompressed size mod 2^32, the file's last 4 bytes). A concatenated multi-member
/// .gz also fails this check (its trailer counts only the last member); that is rare for mboxes and is reported, not fatal.</summary>
internal sealed class GzipCheckedStream : ReadOnlyStream
{
    readonly uint _expected;
    readonly bool _hasTrailer;
    readonly GzipRatioGuard _ratio;
    long _count;

    // GZipStream reads nothing when constructed, so the trailer can be read from the file afterwards.
    public GzipCheckedStream(FileStream file) : base(new GZipStream(file, CompressionMode.Decompress))
    {
        _ratio = new GzipRatioGuard(() => file.Position);
        if (file.Length >= 18)
        {
            Span<byte> trailer = stackalloc byte[4];
            file.Seek(-4, SeekOrigin.End);
            file.ReadExactly(trailer);
            file.Seek(0, SeekOrigin.Begin);
            _expected = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            _hasTrailer = true;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Check(Inner.Read(buffer, offset, count), count);
    public override int Read(Span<byte> buffer) => Check(Inner.Read(buffer), buffer.Length);
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Check(await Inner.ReadAsync(buffer, ct), buffer.Length);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    int Check(int n, int requested)
    {
        // A read of 0 requested bytes is not the end of the stream.
        if (n > 0 || requested == 0) { _count += n; return _ratio.Count(n); }
        if (!_hasTrailer) throw new InvalidDataException("gzip data too short to be complete");
        var got = (uint)_count;
        if (got != _expected)
            throw new InvalidDataException($"gzip data ends early or is damaged: the trailer says {_expected} bytes, {got} were decompressed");
        return 0;
    }
}
