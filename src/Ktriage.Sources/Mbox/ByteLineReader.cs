namespace Ktriage.Sources.Mbox;

/// <summary>Reads a byte stream line by line (lines keep their '\n'), tracking each line's offset.
/// Only the current line is buffered, so memory follows the longest line, not the file; a line longer than
/// <paramref name="maxLine"/> comes in pieces of that size (<see cref="Partial"/>), so even that is bounded.</summary>
internal sealed class ByteLineReader(Stream stream, long startOffset = 0, int maxLine = int.MaxValue)
{
    byte[] _buf = new byte[1 << 16];
    int _start, _end;
    bool _eof;

    /// <summary>Offset of the line returned by the last <see cref="ReadLineAsync"/>.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The last piece returned ends without '\n' before the end of the stream: the line goes on.</summary>
    public bool Partial { get; private set; }

    /// <summary>Offset just past everything returned so far.</summary>
    public long Position { get; private set; } = startOffset;

    /// <summary>Next line including its '\n' (the last line may lack it); empty at end of stream.
    /// The memory is valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken ct)
    {
        var scanFrom = _start;
        while (true)
        {
            var nl = Array.IndexOf(_buf, (byte)'\n', scanFrom, _end - scanFrom);
            if (nl >= 0 && nl + 1 - _start <= maxLine) return Take(nl + 1);
            if (nl >= 0 || _end - _start >= maxLine) return TakePiece(_start + maxLine);
            if (_eof) return Take(_end);
            scanFrom = _end;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                scanFrom -= _start; _end -= _start; _start = 0;
            }
            if (_end == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
            var n = await stream.ReadAsync(_buf.AsMemory(_end), ct);
            if (n == 0) _eof = true;
            _end += n;
        }
    }

    ReadOnlyMemory<byte> TakePiece(int until)
    {
        var piece = Take(until);
        Partial = true;
        return piece;
    }

    ReadOnlyMemory<byte> Take(int until)
    {
        Partial = false;
        var line = _buf.AsMemory(_start, until - _start);
        LineOffset = Position;
        Position += line.Length;
        _start = until;
        return line;
    }
}
