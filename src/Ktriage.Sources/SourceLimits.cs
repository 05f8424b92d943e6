using Ktriage.Core;

namespace Ktriage.Sources;

/// <summary>The <see cref="InputLimits"/> sources enforce while reading, with the messages that report them.</summary>
internal static class SourceLimits
{
    public static long MessageBytes => InputLimits.Current.MessageBytes;

    /// <summary>Null when <paramref name="size"/> is within the message size limit, else why the message is skipped.</summary>
    public static string? MessageTooBig(long size, string what) =>
        size <= MessageBytes ? null
        : $"{what} is {size:N0} bytes, over the limit of {MessageBytes:N0} (KTRIAGE_MAX_MESSAGE_BYTES); skipped";

    /// <summary>Why a message of unknown total size (still being read) is skipped.</summary>
    public static string MessageOverLimit(string what) =>
        $"{what} is over the limit of {MessageBytes:N0} bytes (KTRIAGE_MAX_MESSAGE_BYTES); skipped";
}

/// <summary>Stops gzip bombs: fails once the decompressed data is both past a floor and more than the allowed
/// ratio of the compressed bytes read so far (mail compresses 3-10×; a bomb of zeros 1000×).</summary>
internal sealed class GzipRatioGuard(Func<long> compressedSoFar)
{
    long _out;

    public int Count(int n)
    {
        _out += n;
        var limits = InputLimits.Current;
        if (n > 0 && _out > limits.GzipRatioFloorBytes)
        {
            var compressed = Math.Max(1, compressedSoFar());
            if (_out / compressed > limits.GzipRatio)
                throw new InvalidDataException($"gzip data expands more than {limits.GzipRatio}× ({_out:N0} bytes from {compressed:N0}): " +
                    "refusing to decompress further (a gzip bomb? limits: KTRIAGE_MAX_GZIP_RATIO, KTRIAGE_GZIP_RATIO_FLOOR_BYTES)");
        }
        return n;
    }
}

/// <summary>Counts the bytes read through it (the compressed side of a gzip stream on a pipe).</summary>
internal sealed class CountingStream(Stream inner) : ReadOnlyStream(inner)
{
    public long BytesRead { get; private set; }
    public override int Read(byte[] buffer, int offset, int count) => Add(Inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Add(Inner.Read(buffer));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Add(await Inner.ReadAsync(buffer, ct));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    int Add(int n) { BytesRead += n; return n; }
}

/// <summary>Decompressed gzip data under a <see cref="GzipRatioGuard"/>.</summary>
internal sealed class GuardedGzipStream : ReadOnlyStream
{
    readonly GzipRatioGuard _guard;

    public GuardedGzipStream(Stream compressed) : this(new CountingStream(compressed)) { }
    GuardedGzipStream(CountingStream counted) : base(new System.IO.Compression.GZipStream(counted, System.IO.Compression.CompressionMode.Decompress)) =>
        _guard = new GzipRatioGuard(() => counted.BytesRead);

    public override int Read(byte[] buffer, int offset, int count) => _guard.Count(Inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => _guard.Count(Inner.Read(buffer));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => _guard.Count(await Inner.ReadAsync(buffer, ct));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
}
