using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// Finds every Linux kernel crash report in a text (console log, dmesg, syslog, mail body with quotes or
/// wrapping, flattened web page) and explains it. Pure, fast on crash-free text, never throws.
/// </summary>
public static class CrashAnalyzer
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

    // Subject lines, thread overviews and prose that merely mention a crash header.
    static readonly Regex MailMention = new(@"^\s*(?:\*\s|Re:|Fwd?:|Subject:|\[PATCH|\[RFC|\d{4}-\d\d-\d\d\s+\d|.*\bsyzbot\b.*\bfound\b)|Thread overview:|messages in thread|permalink raw reply", RegexOptions.Compiled | RegexOptions.IgnoreCase);

    // A header quoted inside a sentence ("fixes the \"BUG: …\" we saw") is a mention, not a report.
    static bool InProse(string line)
    {
        var kind = SyzReportParser.MatchHeader(line);
        if (kind is null) return false;
        int at = line.IndexOf(kind.Header, StringComparison.Ordinal);
        var before = line[..at].TrimEnd();
        if (before.Length == 0) return false;
        return before[^1] is '"' or '\'' or '(' or '`' or '\u201c';
    }

    // A log with thousands of crash headers is a flood (or an attack): the first ones tell the story, and
    // past this every further header would only cost time.
    const int MaxReports = 500;

    static List<CrashReport> AnalyzeCore(string text)
    {
        var lines = LogNormalizer.Normalize(text);
        var texts = lines.Select(l => l.Text).ToList();
        bool Accept(int i) => lines[i].HasConsolePrefix || (!MailMention.IsMatch(texts[i]) && !InProse(texts[i]));

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
                reports.Add(report);
                pos = p.SecondReportLine > p.HeaderLine ? p.SecondReportLine : Math.Max(end + 1, p.HeaderLine + 1);
            }
        }
        return Fold(reports);
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
