using Ktriage.Core;
using System.Text.RegularExpressions;

namespace Ktriage.Sources.Mbox;

/// <summary>How "From " lines inside bodies were escaped when the mbox was written.</summary>
public enum MboxVariant
{
    /// <summary>Best effort: mboxrd, which is what lore and public-inbox serve (the variants cannot be told apart
    /// from content alone: they differ only on lines that were already "&gt;From ").</summary>
    Auto,
    /// <summary>mboxrd: every <c>&gt;*From </c> body line got one more <c>&gt;</c>; reading strips one from <c>&gt;+From </c>.</summary>
    Rd,
    /// <summary>mboxo: only <c>From </c> got a <c>&gt;</c>; reading turns <c>&gt;From </c> back into <c>From </c>
    /// (a body line that really was <c>&gt;From </c> cannot be recovered: that is mboxo's flaw).</summary>
    O,
}

/// <summary>Line-level rules of the mbox format. Hand-written rather than MimeKit's MimeParser(MimeFormat.Mbox):
/// we must yield each message's exact bytes with its offset, and unescape per variant, without parsing MIME.</summary>
internal static partial class MboxSplitter
{
    /// <summary>Is this line (without its line ending) the "From " separator that starts a message?
    /// A separator follows a blank line (or starts the file). Unescaped mboxo/naive writers leave body lines
    /// like "From the report above..." after a blank line, so we also want the envelope's shape: a sender
    /// token and a ctime-like date (lore: "From mboxrd@z Thu Jan  1 00:00:00 1970"; git: "From &lt;sha&gt; Mon Sep 17 00:00:00 2001").</summary>
    public static bool IsSeparator(ReadOnlySpan<byte> line, bool previousBlank, bool atStart)
    {
        if (!line.StartsWith("From "u8)) return false;
        if (atStart) return true;
        if (!previousBlank) return false;
        var text = System.Text.Encoding.Latin1.GetString(line);
        return EnvelopeDate().IsMatch(text) || text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 2;
    }

    [GeneratedRegex(@"^From \S+ .*\b\d{1,2}:\d{2}(:\d{2})?\b", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex EnvelopeDate();

    /// <summary>Number of leading bytes to drop to unescape a body line: 1 for an escaped From line, else 0.</summary>
    public static int EscapeToStrip(ReadOnlySpan<byte> line, MboxVariant variant)
    {
        if (line.Length < 6 || line[0] != (byte)'>') return 0;
        if (variant == MboxVariant.O) return line[1..].StartsWith("From "u8) ? 1 : 0;
        var i = 0;
        while (i < line.Length && line[i] == (byte)'>') i++;
        return line[i..].StartsWith("From "u8) ? 1 : 0;
    }

    public static bool IsBlank(ReadOnlySpan<byte> line) => line.Length == 0 || (line.Length == 1 && line[0] == (byte)'\r');
}
