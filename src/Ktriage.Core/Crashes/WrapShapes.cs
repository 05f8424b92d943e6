using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// Kernel lines a mail client cut in two (at a space, dropping it), recognised from the kernel's own shapes, with or
/// without console prefixes: each rule pairs a head that the kernel never ends a line with and a tail that fits it.
/// </summary>
internal static partial class WrapShapes
{
    /// <summary>True when <paramref name="tail"/> (a prefix-less line) is the rest of <paramref name="head"/>.</summary>
    public static bool Continues(in LogLine head, string tail)
    {
        // The break drops one space, so a tail starts at column 0; an indented line is one the kernel indented (a frame).
        if (tail.Length == 0 || char.IsWhiteSpace(tail[0])) return false;
        var h = head.Message.TrimEnd();
        var t = tail.AsSpan().TrimEnd();
        if (h.Length == 0 || t.Length == 0) return false;
        int sp = t.IndexOf(' ');
        var first = sp < 0 ? t : t[..sp];
        // A client wrapping at 60 columns or more cut only a line that its next word would have pushed past the width
        // (a few columns less once a quote mark was stripped).
        if (head.Text.TrimEnd().Length + 1 + first.Length < MinWidth) return false;
        int hs = h.LastIndexOf(' ');
        var last = h[(hs + 1)..];

        // An ARM backtrace line "[<8015df40>] (f) from [<801559ec>]" / "(g+0x4c/0xf8)", or any "(…" closed by the
        // tail: "(show_stack+0x18/0x1c" / "arch/arm/kernel/traps.c:256)", "(__dump_stack lib/dump_stack.c:88" / "[inline])".
        // Likewise "[ INFO: possible circular locking dependency" / "detected ]", "[last unloaded:" / "foo]".
        if (Closes(t, '(', ')') && Unclosed(h, '(', ')')) return true;
        if (Closes(t, '[', ']') && Unclosed(h, '[', ']')) return true;
        if (t[0] == '(' && last.StartsWith("[<") && h.EndsWith(">]") && h.Contains(") from [<", StringComparison.Ordinal)) return true;
        if (t.StartsWith("[<") && h.EndsWith(") from", StringComparison.Ordinal)) return true;

        // A symbolized frame cut before its source position: "f+0x1/0x2" / "fs/x.c:12 [inline]", "f" / "[inline]".
        if ((t[^1] is ']' or ')' || char.IsAsciiDigit(t[^1])) && SourceTail().IsMatch(t) && IsFunction(last)) return true;

        // A function cut from what names its place: "WARNING: … at fs/x.c:12" / "f+0x1/0x2", "RIP: 0010:" / "f+0x1/0x2",
        // "[<ffffffff81234567>]" / "f+0x1/0x2", "… in" / "f+0x1/0x2", lockdep's "(&sb->s_type->i_mutex_key#8){+.+.}, at:".
        if (first.Contains("+0x", StringComparison.Ordinal) && FuncOffset().IsMatch(first)
            && (PlaceHead().IsMatch(last) || (last[^1] == ':' && h.Contains("IP: ", StringComparison.Ordinal)) || h.EndsWith("}, at:", StringComparison.Ordinal)
                || (head.Header is not null && SourcePosition().IsMatch(last)))) return true;

        // A crash header cut after a word it cannot end with: "BUG: KASAN: slab-use-after-free in" / "f+0x2a/0x80",
        // "WARNING: CPU: 1 PID: 123 at" / "fs/io_uring.c:1234 f+0x1/0x2".
        if (head.Header is not null && DanglingWord().IsMatch(last) && !LineStart().IsMatch(tail)) return true;

        // A crash header that no title format of its kind matches until the tail is added back:
        // "INFO: task syz-executor.0:10324 blocked for more than 122" / "seconds.".
        if (head.Header is { } kind && !LineStart().IsMatch(tail) && !Titled(kind, h) && Titled(kind, string.Concat(h, " ", t))) return true;

        // A header listing key=value pairs: "INFO: Slab 0x… objects=34 used=1" / "fp=0x… flags=0x4080".
        if (head.Header is not null && KeyValue().IsMatch(last) && KeyValue().IsMatch(first) && !LineStart().IsMatch(tail)) return true;

        // "Code: 48 89 e5 … <0f>" / "0b 48 8b …", a register dump "RCX:" / "ffffffff81234567".
        if (h.StartsWith("Code:", StringComparison.Ordinal) && CodeBytes().IsMatch(t)) return true;
        if (last.Length is >= 3 and <= 5 && last[^1] == ':' && RegisterName().IsMatch(last) && HexWord().IsMatch(first)) return true;
        return false;
    }

    /// <summary>A stack frame's text: "f+0x1/0x2 …", "? f+0x1/0x2", "[&lt;ffffffff81234567&gt;] …".</summary>
    public static bool IsFrame(string line)
    {
        var t = line.AsSpan().Trim();
        if (t.StartsWith("? ") || t.StartsWith("[<")) return true;
        int sp = t.IndexOf(' ');
        var first = sp < 0 ? t : t[..sp];
        return first.Contains("+0x", StringComparison.Ordinal) && FuncOffset().IsMatch(first);
    }

    static bool Titled(OopsKind kind, ReadOnlySpan<char> line)
    {
        foreach (var f in kind.Formats)
            if ((f.TitleLiteral.Length == 0 || line.Contains(f.TitleLiteral, StringComparison.Ordinal)) && f.TitleToMatch.IsMatch(line)) return true;
        return false;
    }

    static bool Unclosed(ReadOnlySpan<char> s, char open, char close)
    {
        int depth = 0;
        foreach (var c in s)
            if (c == open) depth++;
            else if (c == close && depth > 0) depth--;
        return depth > 0;
    }

    // The tail closes a bracket it did not open.
    static bool Closes(ReadOnlySpan<char> tail, char open, char close)
    {
        int at = tail.IndexOf(close);
        return at >= 0 && tail[..at].IndexOf(open) < 0;
    }

    // The head's last token names a function (a symbolized frame puts its source position after it).
    static bool IsFunction(ReadOnlySpan<char> token) => token.Length > 0 && (FuncOffset().IsMatch(token) || Identifier().IsMatch(token));

    const int MinWidth = 50;

    const RegexOptions Opts = RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^(?:[\w/.\-]+\.(?:c|h|S|rs):\d+(?::\d+)?(?: \[inline\])?|\[inline\])\)?$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex SourceTail();

    [GeneratedRegex(@"[\w/.\-]+\.(?:c|h|S|rs):\d+$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex SourcePosition();

    [GeneratedRegex(@"^\(?\.?[A-Za-z_$][\w.$]*\+0x[0-9a-f]+(?:/0x[0-9a-f]+)?", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex FuncOffset();

    [GeneratedRegex(@"^[A-Za-z_][\w.]*$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex Identifier();

    // "[<ffffffff81234567>]", "?", "at"/"in"/"from" ("PC is at"). Not "at:": KASAN and KMSAN end "… at:" lines
    // themselves ("Uninit was stored to memory at:"), and the frames under them lose their indent when quoted with "&gt;".
    [GeneratedRegex(@"^(?:\[<[0-9a-f]{8,16}>\]|\?|at|in|from)$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex PlaceHead();

    [GeneratedRegex(@"^(?:in|at|for|from|to|of|on|by|with|and)$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DanglingWord();

    // What starts a line of its own: "CPU:", "Call Trace:", "<TASK>", "=====", "---[ end trace", a mail header "Message-ID:".
    [GeneratedRegex(@"^(?:[A-Z][\w .\-]{0,30}:(?: |$)|<|=|-|\s)", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex LineStart();

    [GeneratedRegex(@"^(?:[<(]?[0-9a-f]{2,8}[>)]? ?)+$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex CodeBytes();

    [GeneratedRegex(@"^[a-z_]+=[\w.:/\-]+$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"^[A-Z][A-Z0-9]{1,3}:$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex RegisterName();

    [GeneratedRegex(@"^(?:0x)?[0-9a-f]{8,16}$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex HexWord();
}
