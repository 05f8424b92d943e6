using System.Text;

namespace Ktriage.Sources.PublicInbox;

/// <summary>Buffered reader for git's batch protocol: ASCII header lines followed by exact-length payloads.
/// Synchronous on purpose: it runs on a dedicated thread, and blocking pipe reads measured ~35% faster than
/// ReadAsync on .NET 10/Linux for 256 MiB of blobs (bench/RESULTS.md).</summary>
internal sealed class BatchReader(Stream stream, int bufferSize = 1 << 16)
{
    readonly byte[] _buf = new byte[bufferSize];
    int _pos, _len;

    /// <summary>Reads up to '\n' (excluded); null at end of stream.</summary>
    public string? ReadLine()
    {
        StringBuilder? sb = null;
        while (true)
        {
            if (_pos == _len && !Fill())
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
    public bool ReadExact(Span<byte> dest)
    {
        var fromBuf = Math.Min(dest.Length, _len - _pos);
        _buf.AsSpan(_pos, fromBuf).CopyTo(dest);
        _pos += fromBuf;
        var done = fromBuf;
        // Large remainders go straight into the destination: no second copy.
        while (done < dest.Length)
        {
            var n = stream.Read(dest[done..]);
            if (n == 0) return false;
            done += n;
        }
        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes; false when the stream ends first.</summary>
    public bool Skip(long count)
    {
        while (count > 0)
        {
            if (_pos == _len && !Fill()) return false;
            var n = (int)Math.Min(count, _len - _pos);
            _pos += n;
            count -= n;
        }
        return true;
    }

    bool Fill()
    {
        _pos = 0;
        _len = stream.Read(_buf);
        return _len > 0;
    }
}
