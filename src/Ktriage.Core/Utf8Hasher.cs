using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Ktriage.Core;

/// <summary>
/// An <see cref="IncrementalHash"/> fed UTF-8 text through a pooled 16 KiB buffer: many small appends (a line at a time)
/// become few calls into the native hash. Each <see cref="Append(ReadOnlySpan{char})"/> is encoded on its own, exactly
/// as <c>Encoding.UTF8.GetBytes</c> of that piece would be (a lone surrogate at a piece's edge is U+FFFD), so the hash
/// equals hashing the pieces' bytes one by one.
/// </summary>
internal sealed class Utf8Hasher : IDisposable
{
    const int Size = 16 * 1024;
    readonly IncrementalHash hash;
    byte[] buffer = ArrayPool<byte>.Shared.Rent(Size);
    int used;

    public Utf8Hasher(HashAlgorithmName algorithm) => hash = IncrementalHash.CreateHash(algorithm);

    public void Append(ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (used + max > buffer.Length)
        {
            Drain();
            if (max > buffer.Length)
            {
                // Longer than the buffer: encode into a rented array of its own.
                var big = SmallPool<byte>.Rent(max);
                hash.AppendData(big, 0, Encoding.UTF8.GetBytes(text, big));
                SmallPool<byte>.Return(big);
                return;
            }
        }
        used += Encoding.UTF8.GetBytes(text, buffer.AsSpan(used));
    }

    public void Append(byte b)
    {
        if (used == buffer.Length) Drain();
        buffer[used++] = b;
    }

    /// <summary>The hash of everything appended since the last call; starts over.</summary>
    public void GetHashAndReset(Span<byte> destination)
    {
        Drain();
        hash.GetHashAndReset(destination);
    }

    void Drain()
    {
        if (used > 0) hash.AppendData(buffer, 0, used);
        used = 0;
    }

    public void Dispose()
    {
        hash.Dispose();
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }
}
