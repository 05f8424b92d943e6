using System.Text;

namespace Ktriage.Sources.PublicInbox;

/// <summary>Minimal buffered reader for git's batch protocol: ASCII header lines followed by exact-length payloads.
/// (StreamReader would decode payload bytes as text; BufferedStream has no async line read.)</summary>
internal sealed class AsyncByteReader(Stream stream, int bufferSize = 1 << 16)
{
    readonly byte[] _buf = new byte[bufferSize];
    int _pos, _len;

    /// <summary>Reads up to '\n' (excluded); null at end of stream.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        StringBuilder? sb = null;
        while (true)
        {
            if (_pos == _len && !await FillAsync(ct))
                return sb?.ToString();
            var nl = Array.IndexOf(_buf, (byte)'\n', _pos, _len - _pos);
            if (nl >= 0)
            {
                var s = Encoding.ASCII.GetString(_buf, _pos, nl - _pos);
                _pos = nl + 1;
                return sb is null ? s : sb.Append(s).ToString();
            }
            (sb ??= new StringBuilder()).Append(Encoding.ASCII.GetString(_buf, _pos, _len - _pos));
            _pos = _len;
        }
    }

    /// <summary>Fills <paramref name="dest"/> completely; false when the stream ends first.</summary>
    public async ValueTask<bool> ReadExactAsync(Memory<byte> dest, CancellationToken ct)
    {
        var fromBuf = Math.Min(dest.Length, _len - _pos);
        _buf.AsMemory(_pos, fromBuf).CopyTo(dest);
        _pos += fromBuf;
        var done = fromBuf;
        // Large remainders go straight into the destination: no second copy.
        while (done < dest.Length)
        {
            var n = await stream.ReadAsync(dest[done..], ct);
            if (n == 0) return false;
            done += n;
        }
        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes; false when the stream ends first.</summary>
    public async ValueTask<bool> SkipAsync(long count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_pos == _len && !await FillAsync(ct)) return false;
            var n = (int)Math.Min(count, _len - _pos);
            _pos += n;
            count -= n;
        }
        return true;
    }

    async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        _pos = 0;
        _len = await stream.ReadAsync(_buf, ct);
        return _len > 0;
    }
}
