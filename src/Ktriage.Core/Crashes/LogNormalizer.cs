using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>A logical kernel log line recovered from mail/syslog/flattened text.</summary>
/// <remarks>PrefixLength/Context: the console prefix of Text ("[ 1.2][ T12] "), see <see cref="ConsolePrefix"/>.
/// Header: the crash kind whose header Text carries (<see cref="SyzReportParser.MatchHeader"/>), found once here
/// because the report scan, the next-report search and the mail-mention checks all ask it for the same lines.</remarks>
internal readonly record struct LogLine(string Text, int SourceLine, int QuoteDepth, bool HasConsolePrefix, int PrefixLength, int Context, OopsKind? Header)
{
    /// <param name="mayHaveHeader">False when the source line is known to hold no crash header (no search then).</param>
    public LogLine(string text, int sourceLine, int quoteDepth, bool hasConsolePrefix, bool mayHaveHeader = true)
        : this(text, sourceLine, quoteDepth, hasConsolePrefix, ConsolePrefix.Parse(text, out int context), context,
            mayHaveHeader ? SyzReportParser.MatchHeader(text) : null) { }

    /// <summary>The line without its console prefix.</summary>
    public ReadOnlySpan<char> Message => Text.AsSpan(PrefixLength);
}

/// <summary>
/// Turns arbitrary text into console-log lines: strips mail quotes ("&gt; ", "&gt;&gt; ") and syslog/journal
/// prefixes, re-splits logs flattened into one long line, and re-joins lines a mail client wrapped.
/// </summary>
internal static partial class LogNormalizer
{
    static readonly Regex Quote = QuoteRegex();
    [GeneratedRegex(@"^(?:[ \t]{0,3}>)+[ \t]?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex QuoteRegex();
    // "Jul  3 09:10:39 host kernel: ", journalctl "Jul 03 …", ISO "2024-01-02T03:04:05+00:00 host kernel: ".
    const string SyslogPat = @"(?:[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+\-]\d\d:?\d\d)?) (?:[\w.\-]+ )?kernel: ";
    static readonly Regex Syslog = new("^" + SyslogPat, RegexOptions.Compiled, SafeRegex.Timeout);
    // Split points inside flattened text: a syslog prefix or a printk timestamp, with quote marks before it (at most
    // 16: an unbounded run would be rescanned from every space in it, quadratic on a line of "> > > …").
    static readonly Regex FlatSplit = new(@"(?:(?<=\s)|^)(?:> ?){0,16}(?:" + SyslogPat + @"|\[ *\d+\.\d+\] )", RegexOptions.Compiled, SafeRegex.Timeout);
    const int FlattenedLength = 400;
    const int MaxLineLength = 4096;
    const int MaxJoinedLength = 1024 + 64;
    // A flattened web page of a thread is tens of KiB per line; beyond this a line is garbage, not worth splitting.
    const int MaxRawLineLength = 1 << 20;

    public static List<LogLine> Normalize(string text)
    {
        var raw = text.Split('\n');
        var lines = new List<LogLine>(raw.Length);
        // Crash headers are rare: one search over the whole text finds the lines that hold one, and every other line
        // (and whatever is cut from it) skips the per-line header search.
        int lineStart = 0, nextHeader = SyzReportParser.NextHeader(text, 0);
        for (int n = 0; n < raw.Length; n++)
        {
            var line = raw[n];
            int lineEnd = lineStart + line.Length;
            if (nextHeader >= 0 && nextHeader < lineStart) nextHeader = SyzReportParser.NextHeader(text, lineStart);
            bool mayHaveHeader = nextHeader >= 0 && nextHeader < lineEnd;
            lineStart = lineEnd + 1;
            if (line.EndsWith('\r')) line = line[..^1];
            if (line.Length > MaxRawLineLength) line = line[..MaxRawLineLength];
            if (line.Length > FlattenedLength && FlatSplit.Count(line) >= 3)
                SplitFlattened(line, n + 1, lines, mayHaveHeader);
            else
                lines.Add(Clean(line, n + 1, 0, mayHaveHeader));
        }
        return Rejoin(lines);
    }

    static LogLine Clean(string line, int source, int depth, bool mayHaveHeader)
    {
        // printk lines are < 1 KiB and flattened pages were split above: anything longer is not log text, and
        // cutting it keeps every per-line regex (some scan a line once per header occurrence) cheap.
        if (line.Length > MaxLineLength) line = line[..MaxLineLength];
        var q = MayBeQuoted(line) ? Quote.Match(line) : Match.Empty;
        if (q.Success)
        {
            depth += q.Value.Count(c => c == '>');
            line = line[q.Length..];
        }
        bool prefix = false;
        var s = line.Length > 0 && (char.IsAsciiLetterUpper(line[0]) || char.IsDigit(line[0])) ? Syslog.Match(line) : Match.Empty;
        if (s.Success)
        {
            line = line[s.Length..];
            prefix = true;
        }
        else if (ConsolePrefix.HasTimestamp(line)) prefix = true;
        return new LogLine(line, source, depth, prefix, mayHaveHeader);
    }

    // Quote needs '>' after at most 3 blanks; most lines are not quoted and skip the regex.
    static bool MayBeQuoted(string line)
    {
        for (int i = 0; i < line.Length && i <= 3; i++)
        {
            if (line[i] == '>') return true;
            if (line[i] is not (' ' or '\t')) return false;
        }
        return false;
    }

    static void SplitFlattened(string line, int source, List<LogLine> into, bool mayHaveHeader)
    {
        // Quote marks of joined lines pile up ("> > > CPU: 1" for a blank quote line plus a quoted one), so
        // depth means nothing here: copies are told apart by their headers instead.
        int last = 0;
        foreach (Match m in FlatSplit.Matches(line))
        {
            if (m.Index > last) into.Add(Clean(line[last..m.Index].TrimEnd(), source, 0, mayHaveHeader) with { QuoteDepth = 0 });
            last = m.Index;
        }
        into.Add(Clean(line[last..], source, 0, mayHaveHeader) with { QuoteDepth = 0 });
    }

    /// <summary>
    /// Mail clients without format=flowed wrap long lines: they break at the last space before the width and drop
    /// that space. A wrapped tail is re-joined to the line above when
    /// <list type="bullet">
    /// <item>the line above is a console line (printk prefix, or a crash header after "syzkaller login: " and the
    /// like) and a short run of prefix-less lines follows it in a log that was clearly wrapped (quoted, or no
    /// prefixed line longer than 100 columns): up to the next prefixed line, or up to the end of the block when the
    /// first word of the run could not have fitted on the line above (so a line of prose after the log stays);</item>
    /// <item>or, in any text, the two lines have the shape of one kernel line cut in two (<see cref="WrapShapes"/>).</item>
    /// </list>
    /// Raw console logs are left alone: their prefix-less lines are other programs' output.
    /// </summary>
    static List<LogLine> Rejoin(List<LogLine> lines)
    {
        // The wrap width, as seen on the longest prefixed line (the head of a wrapped line ends near the width).
        bool wrappedLog = true;
        int width = 0;
        foreach (var l in lines)
        {
            if (!l.HasConsolePrefix) continue;
            if (l.Text.Length > 100) { wrappedLog = false; break; }
            width = Math.Max(width, l.Text.Length);
        }
        var result = new List<LogLine>(lines.Count);
        // Length of the last physical line of result[^1] (a joined line ends with the tail that was joined last).
        int lastLength = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            var cur = lines[i];
            // A joined line stays within a printk line (1 KiB) and its prefix: past that it is not a wrapped console
            // line, and joining on (thousands of "Code:"-like lines) would copy the growing line once per line.
            if (result.Count > 0 && !cur.HasConsolePrefix && cur.Header is null && !string.IsNullOrWhiteSpace(cur.Text)
                && result[^1].Text.Length + cur.Text.Length < MaxJoinedLength
                && (result[^1].QuoteDepth == cur.QuoteDepth || RewrappedQuote(lines, i, result[^1].QuoteDepth)))
            {
                var prev = result[^1];
                bool join = false;
                bool forced = width > 0 && lastLength + 1 + FirstWordLength(cur.Text) > width;
                if (prev.QuoteDepth != cur.QuoteDepth)
                    join = (prev.HasConsolePrefix || prev.Header is not null) && (forced || BeforeQuotedPrefixed(lines, i, prev.QuoteDepth, 4));
                else if ((prev.HasConsolePrefix || prev.Header is not null) && (cur.QuoteDepth > 0 || wrappedLog))
                {
                    var (tail, length) = TailRun(lines, i, cur.QuoteDepth, 64);
                    join = (tail == Tail.BeforePrefixed && length <= 4) || (tail != Tail.TooLong && forced);
                }
                if (join || WrapShapes.Continues(prev, cur.Text))
                {
                    result[^1] = new LogLine(Joined(prev, cur.Text), prev.SourceLine, prev.QuoteDepth, prev.HasConsolePrefix);
                    lastLength = cur.Text.Length;
                    continue;
                }
            }
            result.Add(cur);
            lastLength = cur.Text.Length;
        }
        return result;
    }

    /// <summary>A client that re-wraps quoted text leaves the tail of a quoted line unquoted ("&gt; [ 1.2] general
    /// protection fault, probably for" / "non-canonical address …" / "&gt; [ 1.2] CPU: 0 …"): a line quoted less deeply
    /// than the one above, followed (after at most 8 such lines) by that deeper level again or the end of the block.</summary>
    static bool RewrappedQuote(List<LogLine> lines, int i, int prevDepth)
    {
        int depth = lines[i].QuoteDepth;
        if (depth >= prevDepth) return false;
        for (int j = i + 1; j <= i + 8; j++)
        {
            if (j == lines.Count || lines[j].QuoteDepth == prevDepth || string.IsNullOrWhiteSpace(lines[j].Text)) return true;
            if (lines[j].QuoteDepth != depth || lines[j].HasConsolePrefix) return false;
        }
        return false;
    }

    // The run of less quoted lines at i ends within max lines at a prefixed line of the quote level above it.
    static bool BeforeQuotedPrefixed(List<LogLine> lines, int i, int prevDepth, int max)
    {
        for (int j = i + 1; j < lines.Count && j <= i + max; j++)
            if (lines[j].QuoteDepth == prevDepth) return lines[j].HasConsolePrefix;
            else if (lines[j].QuoteDepth != lines[i].QuoteDepth || lines[j].HasConsolePrefix) return false;
        return false;
    }

    enum Tail { TooLong, BeforePrefixed, AtEnd }

    /// <summary>Where the run of prefix-less lines starting at <paramref name="i"/> ends, if within <paramref name="max"/>
    /// lines (and how many lines it has): at a prefixed line of the same quote level, or at the end of the block (a blank
    /// line, another quote level, the end). A long run is joined only line by line where each break was forced.</summary>
    static (Tail, int) TailRun(List<LogLine> lines, int i, int depth, int max)
    {
        for (int j = i + 1; j <= i + max; j++)
        {
            if (j == lines.Count || lines[j].QuoteDepth != depth || string.IsNullOrWhiteSpace(lines[j].Text)) return (Tail.AtEnd, j - i);
            if (lines[j].HasConsolePrefix) return (Tail.BeforePrefixed, j - i);
        }
        return (Tail.TooLong, max);
    }

    /// <summary>The line and its wrapped tail as one. A break right after the console prefix leaves the prefix alone on
    /// the head: the message was then indented (a stack frame), which the space left on the head shows, or, once quoting
    /// trimmed it, the frame shape of the tail.</summary>
    static string Joined(in LogLine prev, string tail)
    {
        var head = prev.Text.TrimEnd();
        var sep = " ";
        if (prev.HasConsolePrefix && (prev.Text.EndsWith(' ') || WrapShapes.IsFrame(tail))
            && ConsolePrefix.Parse(head + " ", out _) == head.Length + 1)
            sep = "  ";
        return string.Concat(head, sep, tail.Trim());
    }

    static int FirstWordLength(string s)
    {
        var t = s.AsSpan().TrimStart();
        int sp = t.IndexOf(' ');
        return sp < 0 ? t.Length : sp;
    }
}
