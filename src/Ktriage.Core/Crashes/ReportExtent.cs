namespace Ktriage.Core.Crashes;

/// <summary>Where a report's text ends: the next crash, "---[ end trace", or where the console output stops.</summary>
internal static class ReportExtent
{
    static int MaxLines => InputLimits.Current.ReportLines;

    public static int End(List<LogLine> lines, SyzParse p, int blockEnd)
    {
        int start = p.HeaderLine;
        int limit = Math.Min(p.SecondReportLine > start ? p.SecondReportLine : blockEnd, start + MaxLines);
        bool prefixed = lines[start].HasConsolePrefix;
        int last = start, gap = 0;
        for (int i = start + 1; i < limit; i++)
        {
            var l = lines[i];
            var t = l.Text;
            bool blank = string.IsNullOrWhiteSpace(t);
            if (prefixed)
            {
                if (l.HasConsolePrefix)
                {
                    gap = 0;
                    if (l.Context != p.Context) continue;
                    last = i;
                }
                else if (!blank && ++gap >= 4) break;
            }
            else
            {
                if (blank)
                {
                    if (++gap >= 2) break;
                    continue;
                }
                gap = 0;
                last = i;
            }
            if (t.Contains("---[ end ", StringComparison.Ordinal) && (t.Contains("---[ end trace", StringComparison.Ordinal) || t.Contains("---[ end Kernel panic", StringComparison.Ordinal)))
                break;
        }
        return last;
    }
}
