using System.Text;

namespace Ktriage.Core.Mail;

/// <summary>Writes messages as mboxrd, the format of lore's t.mbox.gz: a fixed "From mboxrd@z" separator and every
/// line matching ^>*From  gets one more '>' so that readers can undo it exactly.</summary>
public static class MboxWriter
{
    static readonly byte[] Separator = Encoding.ASCII.GetBytes("From mboxrd@z Thu Jan  1 00:00:00 1970\n");

    public static void Write(Stream output, byte[] message)
    {
        output.Write(Separator);
        var start = 0;
        while (start < message.Length)
        {
            var end = Array.IndexOf(message, (byte)'\n', start);
            var lineEnd = end < 0 ? message.Length : end;
            var len = lineEnd - start;
            if (len > 0 && message[lineEnd - 1] == '\r') len--; // mbox lines end in LF
            var line = message.AsSpan(start, len);
            if (IsQuotedFrom(line)) output.WriteByte((byte)'>');
            output.Write(line);
            output.WriteByte((byte)'\n');
            start = lineEnd + 1;
        }
        output.WriteByte((byte)'\n');
    }

    static bool IsQuotedFrom(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (i < line.Length && line[i] == '>') i++;
        return line[i..].StartsWith("From "u8);
    }
}
