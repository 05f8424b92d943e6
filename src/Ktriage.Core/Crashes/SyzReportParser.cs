using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>What syzkaller's report parser concludes about one crash in a console log.</summary>
internal sealed class SyzParse
{
    public required string Title;
    public List<string> AltTitles = [];
    public bool Corrupted;
    public string? CorruptedReason;
    public OopsFormat? Format;
    public required OopsKind Kind;
    public int HeaderLine;
    /// <summary>Line where the next crash header starts (the report ends before it), or -1.</summary>
    public int SecondReportLine = -1;
    /// <summary>The header line's console context (<see cref="ConsolePrefix"/>): the report keeps to it.</summary>
    public required int Context;
}

/// <summary>
/// Port of syzkaller's Linux report parsing (findFirstOops / findReport / extractDescription /
/// extractStackFrame / isCorrupted) over already-normalized lines. Title compatibility is the point.
/// </summary>
internal static partial class SyzReportParser
{
    static readonly SearchValues<string> Headers =
        SearchValues.Create(LinuxOopses.All.Select(k => k.Header).Distinct().ToArray(), StringComparison.Ordinal);

    static readonly Regex QuestionableFrame = QuestionableFrameRegex();
    [GeneratedRegex(@"(\[\<[0-9a-f]+\>\])? \? |\(unreliable\)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex QuestionableFrameRegex();
    static readonly Regex CorruptedTitle = CorruptedTitleRegex();
    [GeneratedRegex(@"\[ *[0-9]+\.[0-9]+\]", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex CorruptedTitleRegex();

    /// <summary>True when the text holds any crash header at all: the cheap gate before any regex.</summary>
    public static bool MayContainCrash(ReadOnlySpan<char> text) => text.IndexOfAny(Headers) >= 0;

    /// <summary>Index of the first crash header literal in text at or after from, or -1.</summary>
    public static int NextHeader(string text, int from)
    {
        int i = text.AsSpan(from).IndexOfAny(Headers);
        return i < 0 ? -1 : from + i;
    }

    /// <summary>The crash kind whose header this line carries (and is not a known look-alike), else null.</summary>
    public static OopsKind? MatchHeader(string line)
    {
        if (line.AsSpan().IndexOfAny(Headers) < 0) return null;
        foreach (var kind in LinuxOopses.All)
        {
            if (!line.Contains(kind.Header, StringComparison.Ordinal)) continue;
            if (kind.Suppressions.Any(s => s.IsMatch(line))) continue;
            return kind;
        }
        return null;
    }

    public static int FindFirstOops(List<LogLine> lines, int from, int to, Func<int, bool>? accept, out OopsKind? kind)
    {
        for (int i = from; i < to; i++)
        {
            var k = lines[i].Header;
            if (k is null || (accept is not null && !accept(i))) continue;
            kind = k;
            return i;
        }
        kind = null;
        return -1;
    }

    public static SyzParse? Parse(List<LogLine> lines, int from, int to, Func<int, bool>? accept = null)
    {
        int start = FindFirstOops(lines, from, to, accept, out var oops);
        if (start < 0 || oops is null) return null;
        var context = lines[start].Context;
        for (bool questionable = false; ; questionable = true)
        {
            var (text, second) = FindReport(lines, start, to, oops, context, questionable, accept);
            var d = ExtractDescription(text, oops);
            if (d.Title == "")
            {
                // The header line was filtered out of the report (other context): use raw lines.
                var raw = string.Join('\n', lines.Skip(start).Take(to - start).Select(l => l.Text));
                d = ExtractDescription(raw, oops);
                text = raw;
            }
            var p = new SyzParse
            {
                Title = d.Title, AltTitles = d.Alt, Kind = oops, Format = d.Format, HeaderLine = start,
                SecondReportLine = second, Context = context,
                Corrupted = d.Corrupted != null, CorruptedReason = d.Corrupted,
            };
            if (!p.Corrupted)
            {
                var reason = IsCorrupted(p.Title, text, d.Format);
                p.Corrupted = reason != null;
                p.CorruptedReason = reason;
            }
            // Retry with "?" frames when nothing else was trustworthy.
            if (p.CorruptedReason == NoFrames && context != ConsolePrefix.Console && !questionable) continue;
            return p;
        }
    }

    const string NoFrames = "extracted no stack frame";
    /// <summary>Corrupted reason when a title format matched but its report regex did not (a known but cut-short header).</summary>
    public const string TitleButNoReport = "matched title but not report regexp";

    [ThreadStatic] static StringBuilder? reportBuilder;

    /// <summary>The report's text (its context's lines, console prefixes removed) and the line of the next crash.</summary>
    static (string Report, int Second) FindReport(List<LogLine> lines, int start, int to,
        OopsKind oops, int context, bool useQuestionable, Func<int, bool>? accept)
    {
        // One builder per thread: reports are kilobytes and a fresh builder regrew its chunks for every one.
        var sb = reportBuilder ??= new StringBuilder(1 << 14);
        sb.Clear();
        int reportEnd = 0, second = -1, textLines = 0;
        bool skipText = false;
        bool taskContext = context != ConsolePrefix.Console;
        for (int i = start; i < to; i++)
        {
            var line = lines[i].Text;
            if (i > start && second < 0)
            {
                var k = lines[i].Header;
                if (k is not null && (accept is null || accept(i)) && !LinuxOopses.ReportStartIgnores.Any(r => r.IsMatch(line))
                    && !RepeatedHeader(lines[start], lines[i], i - start))
                    second = i;
            }
            // After the next crash only the task's own lines still extend the report, and not forever:
            // without this bound every report of a long log would scan to its end (quadratic).
            if (second >= 0 && (!taskContext || i - second > TaskContextTail)) break;
            var (context1, prefixLength) = (lines[i].Context, lines[i].PrefixLength);
            bool skipLine = skipText;
            // One search rules out the three line checks for most lines.
            bool marked = line.AsSpan().IndexOfAny(ReportLineMarks) >= 0;
            if (marked && line.Contains("Disabling lock debugging due to kernel taint", StringComparison.Ordinal))
                skipLine = true;
            else if (marked && textLines > 25 && line.Contains("Kernel panic - not syncing", StringComparison.Ordinal))
            {
                // panic_on_warn repeats the stack of the report: keep the report's own.
                skipText = true;
                skipLine = true;
            }
            if (skipLine || context1 != context || (marked && !useQuestionable && IsQuestionable(line))) continue;
            int len = line.Length - prefixLength;
            if (line.EndsWith('\r')) len--;
            sb.Append(line, prefixLength, Math.Max(0, len)).Append('\n');
            textLines++;
            if (second < 0 || taskContext) reportEnd = sb.Length;
        }
        var report = sb.ToString(0, reportEnd);
        if (sb.Capacity > 1 << 20) reportBuilder = null; // do not keep a huge one alive
        return (report, second);
    }

    const int TaskContextTail = 1000;

    static readonly SearchValues<string> ReportLineMarks = SearchValues.Create(
        ["Disabling lock debugging due to kernel taint", "Kernel panic - not syncing", " ? ", "(unreliable)"], StringComparison.Ordinal);

    static bool IsQuestionable(string line) =>
        (line.Contains(" ? ", StringComparison.Ordinal) || line.Contains("(unreliable)", StringComparison.Ordinal)) && QuestionableFrame.IsMatch(line);

    // Symbolizers print an inlined WARNING site as a second header line right below the first.
    static bool RepeatedHeader(LogLine first, LogLine line, int distance)
    {
        if (distance > 2) return false;
        var a = first.Message;
        var b = line.Message;
        int n = Math.Min(40, Math.Min(a.Length, b.Length));
        return n >= 20 && a[..n].SequenceEqual(b[..n]);
    }

    sealed record Description(string Title, List<string> Alt, string? Corrupted, OopsFormat? Format);

    static Description ExtractDescription(string output, OopsKind oops)
    {
        int startPos = output.Length;
        string desc = "";
        string? corrupted = null;
        OopsFormat? format = null;
        bool matchedTitle = false;
        var alt = new List<string>();
        foreach (var f in oops.Formats)
        {
            // A format wins only with a match starting at or before the best one so far, and its matches start with
            // its literal: most of a kind's dozens of formats are ruled out by a search over the first line or so.
            var literal = f.TitleLiteral;
            if (literal.Length > 0 && output.AsSpan(0, Math.Min(output.Length, startPos + literal.Length)).IndexOf(literal, StringComparison.Ordinal) < 0)
                continue;
            var m = f.TitleToMatch.Match(output);
            if (!m.Success || m.Index > startPos) continue;
            if (m.Index == startPos && desc != "") continue;
            if (m.Index < startPos)
            {
                desc = "";
                format = null;
                alt = [];
                startPos = m.Index;
            }
            matchedTitle = true;
            if (f.ReportToMatch is { } report)
            {
                m = report.Match(output);
                if (!m.Success) continue;
            }
            var args = new List<string>();
            for (int g = 1; g < m.Groups.Count; g++) args.Add(m.Groups[g].Success ? m.Groups[g].Value : "");
            corrupted = null;
            if (f.Stack is not null)
            {
                var (frames, ok) = ExtractStackFrame(f.Stack, output, m.Index);
                if (!ok) corrupted = NoFrames;
                args.AddRange(frames);
            }
            desc = GoFormat(f.Fmt, args);
            alt = f.Alt.Select(a => GoFormat(a, args)).Distinct().ToList();
            format = f;
        }
        if (desc == "")
        {
            if (matchedTitle) corrupted = TitleButNoReport;
            int pos = output.IndexOf(oops.Header, StringComparison.Ordinal);
            if (pos < 0) return new("", alt, corrupted, null);
            int end = output.IndexOf('\n', pos);
            desc = end < 0 ? output[pos..] : output[pos..end];
        }
        if (corrupted is null && format is { Corrupted: true }) corrupted = "report format is marked as corrupted";
        return new(desc, alt, corrupted, format);
    }

    static readonly Regex GoArg = GoArgRegex();
    [GeneratedRegex(@"%\[(\d+)\][vs]", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex GoArgRegex();

    static string GoFormat(string fmt, List<string> args) =>
        GoArg.Replace(fmt, m =>
        {
            int i = int.Parse(m.Groups[1].Value) - 1;
            return i < args.Count ? args[i] : "%!v(BADINDEX)";
        });

    /// <summary>
    /// syzkaller skips a frame matching its common skip list or the format's own. The common list is one regex
    /// shared by all formats (one compilation, one JIT) with a memo, since the same function names recur in
    /// every report; a format's few extra patterns get a small regex of their own.
    /// </summary>
    sealed class Skipper(Regex? extra)
    {
        public bool IsMatch(string frame) => LinuxStackParams.IsCommonSkip(frame) || (extra is not null && extra.IsMatch(frame));
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StackFormat, Skipper> Skippers = [];

    static Skipper SkipRe(StackFormat stack) => Skippers.GetValue(stack, s => new Skipper(
        s.Skip.Length == 0 ? null : new Regex(string.Join("|", s.Skip), RegexOptions.CultureInvariant, SafeRegex.Timeout)));

    static (List<string> Frames, bool Ok) ExtractStackFrame(StackFormat stack, string output, int from)
    {
        var skip = SkipRe(stack);
        var r = ExtractStackFrameImpl(output, from, skip, stack.Parts, stack.Extractor);
        if (r.Ok || stack.Parts2 is null) return r;
        var r2 = ExtractStackFrameImpl(output, from, skip, stack.Parts2, stack.Extractor);
        return r2.Ok ? r2 : r;
    }

    /// <summary>Line cursor over a text without splitting it: lines are (start, length) ranges.</summary>
    struct LineCursor(string text, int pos)
    {
        int _pos = pos;
        public int Start, Length;

        public bool Next()
        {
            if (_pos > text.Length) return false;
            Start = _pos;
            int nl = text.IndexOf('\n', _pos);
            int end = nl < 0 ? text.Length : nl;
            Length = end - Start;
            _pos = end + 1;
            return true;
        }
    }

    static (List<string> Frames, bool Ok) ExtractStackFrameImpl(string output, int from, Skipper skip, Regex[] parts, Func<List<string>, int>? extractor)
    {
        var cur = new LineCursor(output, from);
        var frames = new List<string>();
        var results = new List<string>();
        bool ok = true;
        int numStackTraces = 0;
        for (int partIdx = 0; ; partIdx++)
        {
            if (partIdx == parts.Length || (parts[partIdx] == Rx.ParseStackTrace && numStackTraces > 0))
            {
                int idx = frames.Count == 0 ? -1 : extractor is null ? 0 : extractor(frames);
                var key = idx >= 0 ? frames[idx] : "";
                if (key == "") { key = "corrupted"; ok = false; }
                results.Add(key);
                frames = [];
                if (partIdx == parts.Length) break;
            }
            bool next = false;
            if (parts[partIdx] == Rx.ParseStackTrace)
            {
                numStackTraces++;
                while (cur.Next())
                {
                    var ln = output.AsSpan(cur.Start, cur.Length);
                    if (LinuxStackParams.IsCorruptedLine(ln)) { ok = false; next = true; break; }
                    if (LinuxStackParams.IsStackStart(ln)) { next = true; break; }
                    if (partIdx != parts.Length - 1)
                    {
                        var m1 = parts[partIdx + 1].Match(output, cur.Start, cur.Length);
                        if (m1.Success)
                        {
                            AppendFrame(frames, m1, skip);
                            partIdx++;
                            next = true;
                            break;
                        }
                    }
                    // Without an extractor only the first frame counts: later ones cannot change the result,
                    // so the rest of the trace is only watched for its end (this keeps long logs linear).
                    if (extractor is null && frames.Count > 0) continue;
                    if (!LinuxStackParams.MayBeFrame(ln)) continue;
                    foreach (var re in LinuxStackParams.FrameRes)
                    {
                        var m = re.Match(output, cur.Start, cur.Length);
                        if (m.Success) { AppendFrame(frames, m, skip); break; }
                    }
                }
            }
            else
            {
                while (cur.Next())
                {
                    if (LinuxStackParams.IsCorruptedLine(output.AsSpan(cur.Start, cur.Length))) { ok = false; next = true; break; }
                    var m = parts[partIdx].Match(output, cur.Start, cur.Length);
                    if (!m.Success) continue;
                    AppendFrame(frames, m, skip);
                    next = true;
                    break;
                }
            }
            if (next) continue;
            // Input exhausted: whatever frames were collected so far still decide.
            {
                int idx = frames.Count == 0 ? -1 : extractor is null ? 0 : extractor(frames);
                var key = idx >= 0 ? frames[idx] : "";
                if (key == "") { key = "corrupted"; ok = false; }
                results.Add(key);
            }
            break;
        }
        return (results, ok && results.Count > 0);
    }

    static void AppendFrame(List<string> frames, Match m, Skipper skip)
    {
        for (int g = 1; g < m.Groups.Count; g++)
        {
            if (!m.Groups[g].Success) continue;
            var frame = LinuxStackParams.StripPrefixes(m.Groups[g].Value);
            if (frame.StartsWith("_R", StringComparison.Ordinal)) frame = RustDemangler.Demangle(frame);
            if (frame != "" && !skip.IsMatch(frame)) frames.Add(frame);
        }
    }

    static string? IsCorrupted(string title, string report, OopsFormat? format)
    {
        if (CorruptedTitle.IsMatch(title)) return "title matches corrupted regexp";
        if (format is null || format.NoStackTrace) return null;
        bool hasStackTrace = false;
        Span<(int Start, int Length)> frames = stackalloc (int, int)[16];
        int from = LinuxStackParams.FirstStackStartCandidate(report);
        if (from < 0) return "no stack trace in report";
        for (int key = 0; key < LinuxStackParams.StackStartRes.Length; key++)
        {
            var m = LinuxStackParams.MatchStackStart(key, report, from);
            if (!m.Success) continue;
            // Only the 16 lines after the trace start are looked at: never split the rest of the report.
            int n = 0;
            var cur = new LineCursor(report, m.Index);
            while (n < frames.Length && cur.Next()) frames[n++] = (cur.Start, cur.Length);
            if (n < 4) return "call trace is missed";
            bool corrupted = true;
            for (int i = 1; i < n; i++)
            {
                var line = report.AsSpan(frames[i].Start, frames[i].Length);
                if (LinuxStackParams.IsStackStart(line)) break;
                if (line.Contains("(stack is not available)", StringComparison.Ordinal) ||
                    LinuxStackParams.IsFrame(line))
                {
                    corrupted = false;
                    break;
                }
            }
            if (corrupted) return "no frames in a stack trace";
            hasStackTrace = true;
        }
        return hasStackTrace ? null : "no stack trace in report";
    }
}
