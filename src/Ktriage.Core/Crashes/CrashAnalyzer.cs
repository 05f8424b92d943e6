using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// Finds every Linux kernel crash report in a text (console log, dmesg, syslog, mail body with quotes or
/// wrapping, flattened web page) and explains it. Pure, fast on crash-free text, never throws.
/// </summary>
public static partial class CrashAnalyzer
{
    /// <summary>All reports in log order; quoted/repeated copies folded into one with Occurrences.</summary>
    public static IReadOnlyList<CrashReport> Analyze(string? text)
    {
        if (string.IsNullOrEmpty(text) || !SyzReportParser.MayContainCrash(text)) return [];
        try
        {
            return AnalyzeCore(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Ingest calls this on every message: a parser bug must cost one message's crashes, not the ingest (running
            // out of memory is not a parser bug: ingest retries that message alone).
            return [];
        }
    }

    /// <summary>Only the first report's syzkaller title, as syzkaller's Parse would give it (null: no crash).</summary>
    public static string? FirstTitle(string text) => Analyze(text) is [var first, ..] ? first.Title : null;

    // Subject lines, thread overviews, syzbot commands ("#syz dup: <title>") and prose that merely mention a crash header.
    static readonly Regex MailMention = MailMentionRegex();
    [GeneratedRegex(@"^\s*(?:\*\s|Re:|Fwd?:|Subject:|#syz\s|\[PATCH|\[RFC|\d{4}-\d\d-\d\d\s+\d|.*\bsyzbot\b.*\bfound\b)|Thread overview:|messages in thread|permalink raw reply", RegexOptions.IgnoreCase, SafeRegex.TimeoutMs)] private static partial Regex MailMentionRegex();

    // A header quoted inside a sentence ("fixes the \"BUG: …\" we saw") is a mention, not a report.
    static bool InProse(string line, OopsKind? kind)
    {
        if (kind is null) return false;
        int at = line.IndexOf(kind.Header, StringComparison.Ordinal);
        var before = line[..at].TrimEnd();
        if (before.Length == 0) return false;
        return before[^1] is '"' or '\'' or '(' or '`' or '\u201c';
    }

    /// <summary>
    /// A header no title format of its kind matches, outside any console log, with nothing a kernel prints in or
    /// around a crash: no CPU/PID, source position or func+off/size on the header line, and no frames, crash site,
    /// registers, modules or "Call Trace" after it. That is a build, lint or docs tool's message sharing the kernel's
    /// "WARNING:"/"BUG:"/"INFO:" prefix (docutils/kernel-doc, modpost, Kconfig, checkpatch, coccinelle, LTP's TINFO),
    /// prose ending in one ("reported the following BUG:") or a crash title quoted in a list. syzkaller only reads
    /// console output, where it titles such a line by itself; in mail it is not a crash.
    /// </summary>
    static bool IsToolMessage(SyzParse p, List<LogLine> lines, int end, CrashReport r)
    {
        if (p.Format is not null || p.CorruptedReason == SyzReportParser.TitleButNoReport || lines[p.HeaderLine].HasConsolePrefix) return false;
        if (r.Frames.Count > 0 || r.CrashSite is not null || r.Cpu is not null || r.Pid is not null || r.Modules.Count > 0 || r.Registers.Count > 0) return false;
        var header = lines[p.HeaderLine].Text;
        int at = header.IndexOf(p.Kind.Header, StringComparison.Ordinal);
        if (at >= 0 && KernelDetail.IsMatch(header.AsSpan(at + p.Kind.Header.Length))) return false;
        for (int i = p.HeaderLine + 1; i <= end && i < lines.Count; i++)
        {
            var t = lines[i].Text.AsSpan().Trim();
            if (t.StartsWith("Call Trace", StringComparison.OrdinalIgnoreCase) || t.SequenceEqual("<TASK>") || SymbolizedFrame.IsMatch(t)) return false;
        }
        return true;
    }

    // What a kernel puts on a crash header line: "CPU: 1 PID: 2", "CPU#0", "at fs/x.c:12", "f+0x1/0x2", a kernel
    // pointer (SLUB debug's "INFO: 0xffff…-0xffff… First byte 0x6a instead of 0x6b").
    static readonly Regex KernelDetail = KernelDetailRegex();
    [GeneratedRegex(@"CPU: \d+ PID: -?\d+|CPU#\d+|[\w/.\-]+\.(?:c|h|S|rs):\d+|\w\+0x[0-9a-f]+/0x[0-9a-f]+|0x[0-9a-f]{8,}", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)] private static partial Regex KernelDetailRegex();
    // A symbolized frame without offsets (syzbot): " io_req_cqe_overflow io_uring/io_uring.c:810 [inline]".
    static readonly Regex SymbolizedFrame = SymbolizedFrameRegex();
    [GeneratedRegex(@"^[A-Za-z_.][\w.]*\s+[\w/.\-]+\.(?:c|h|S|rs):\d+(?:\s+\[inline\])?$", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)] private static partial Regex SymbolizedFrameRegex();

    // A log with thousands of crash headers is a flood (or an attack): the first ones tell the story, and
    // past this every further header would only cost time.
    static int MaxReports => InputLimits.Current.CrashReports;

    /// <summary>Analyze without its catch-all: what the fuzzer and the property tests call, so that bugs show.</summary>
    internal static List<CrashReport> AnalyzeCore(string text)
    {
        var lines = LogNormalizer.Normalize(text);
        var texts = lines.Select(l => l.Text).ToList();
        bool Accept(int i) => lines[i].HasConsolePrefix || (!MailMention.IsMatch(texts[i]) && !InProse(texts[i], lines[i].Header));

        var reports = new List<CrashReport>();
        foreach (var (from, to) in Blocks(lines))
        {
            int pos = from;
            while (pos < to && reports.Count < MaxReports)
            {
                var p = SyzReportParser.Parse(lines, pos, to, Accept);
                if (p is null) break;
                int end = ReportExtent.End(lines, p, to);
                var report = ReportBuilder.Build(p, lines, end);
                if (!IsToolMessage(p, lines, end, report))
                {
                    if (end - p.HeaderLine + 1 >= InputLimits.Current.ReportLines)
                        report.Hints.Add(new Hint("limit", $"report cut at {InputLimits.Current.ReportLines} lines (KTRIAGE_MAX_REPORT_LINES)"));
                    reports.Add(report);
                }
                pos = p.SecondReportLine > p.HeaderLine ? p.SecondReportLine : Math.Max(end + 1, p.HeaderLine + 1);
            }
        }
        var folded = Fold(reports);
        if (reports.Count >= MaxReports)
            folded[^1].Hints.Add(new Hint("limit", $"analysis stopped after {MaxReports} crash reports (KTRIAGE_MAX_CRASH_REPORTS); later ones were not read"));
        return folded;
    }

    /// <summary>Runs of lines at one quote level (a quoted copy is analysed on its own).</summary>
    static List<(int From, int To)> Blocks(List<LogLine> lines)
    {
        var blocks = new List<(int From, int To)>();
        int start = 0;
        for (int i = 1; i <= lines.Count; i++)
        {
            if (i == lines.Count || (lines[i].QuoteDepth != lines[i - 1].QuoteDepth && !IsBlankQuote(lines[i]) && !IsBlankQuote(lines[i - 1])))
            {
                // A one-line run is a quoting accident ("> " joined to "> Jul 3 …" in flattened text), not a copy.
                if (blocks.Count > 0 && blocks[^1].To - blocks[^1].From <= 1) blocks[^1] = (blocks[^1].From, i);
                else blocks.Add((start, i));
                start = i;
            }
        }
        return blocks;
    }

    static bool IsBlankQuote(LogLine l) => l.QuoteDepth > 0 && string.IsNullOrWhiteSpace(l.Text);

    /// <summary>Copies of one report (quoted in replies, the same mail shown twice) become one with a count.</summary>
    static List<CrashReport> Fold(List<CrashReport> reports)
    {
        var result = new List<CrashReport>();
        foreach (var r in reports)
        {
            var same = result.FirstOrDefault(o => SameCrash(o, r));
            if (same is null) result.Add(r);
            else same.Occurrences++;
        }
        return result;
    }

    static bool SameCrash(CrashReport a, CrashReport b)
    {
        if (a.Title != b.Title) return false;
        if (a.CrashSite is not null && b.CrashSite is not null && a.CrashSite.Function != b.CrashSite.Function) return false;
        if (a.FaultAddress is not null && b.FaultAddress is not null && a.FaultAddress != b.FaultAddress) return false;
        if (a.KernelVersion is not null && b.KernelVersion is not null && a.KernelVersion != b.KernelVersion) return false;
        return true;
    }
}
