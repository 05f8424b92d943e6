using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>A crash kind: a literal header that announces it, the formats that title it, and look-alikes to ignore.</summary>
internal sealed class OopsKind(string header, OopsFormat[] formats, Regex[]? suppressions = null)
{
    public string Header { get; } = header;
    public OopsFormat[] Formats { get; } = formats;
    public Regex[] Suppressions { get; } = suppressions ?? [];
}

/// <summary>
/// One way of titling a crash kind, as in syzkaller's oopsFormat: Title finds the report, Report (optional)
/// captures arguments, Stack picks the function; Fmt uses Go-style %[N]v placeholders (captures, then frames).
/// </summary>
internal sealed class OopsFormat
{
    public required Regex Title { get; init; }

    /// <summary>Text every Title match starts with ("" when the pattern starts with anything but a literal).</summary>
    public string TitleLiteral => titleLiteral ??= Rx.LeadingLiteral(Title);
    string? titleLiteral;
    public Regex? Report { get; init; }

    /// <summary>Title and Report as matched: compiled once they have been used often (see <see cref="HotRegex"/>).</summary>
    public Regex TitleToMatch => (hotTitle ??= new HotRegex(Title)).Next();
    public Regex? ReportToMatch => Report is null ? null : (hotReport ??= new HotRegex(Report)).Next();
    HotRegex? hotTitle, hotReport;
    public required string Fmt { get; init; }
    public string[] Alt { get; init; } = [];
    public StackFormat? Stack { get; init; }
    public bool NoStackTrace { get; init; }
    /// <summary>The format only matches truncated reports, so whatever it yields is corrupted.</summary>
    public bool Corrupted { get; init; }
}

/// <summary>
/// A regex interpreted until it has been used <see cref="Threshold"/> times, then replaced by a compiled copy (same
/// pattern, options and timeout, so the same matches). The crash tables hold hundreds of title regexes: compiling
/// them all would cost a one-shot `ktriage oops` about a second, while interpreting the few dozen that every report
/// runs was the largest single cost of a long analysis (ingest, benches).
/// </summary>
internal sealed class HotRegex(Regex interpreted)
{
    const int Threshold = 32;
    int uses;
    Regex current = interpreted;

    public Regex Next()
    {
        // Races only cost a duplicate compilation; every copy matches the same.
        if (uses < Threshold && ++uses == Threshold)
            Volatile.Write(ref current, new Regex(interpreted.ToString(), interpreted.Options | RegexOptions.Compiled, interpreted.MatchTimeout));
        return Volatile.Read(ref current);
    }
}

/// <summary>Where to find the guilty frame: a sequence of line regexes, <see cref="Rx.ParseStackTrace"/> marking a trace.</summary>
internal sealed class StackFormat
{
    public required Regex[] Parts { get; init; }
    /// <summary>Tried when Parts yield no frame (e.g. a stall without a RIP line).</summary>
    public Regex[]? Parts2 { get; init; }
    public string[] Skip { get; init; } = [];
    public Func<List<string>, int>? Extractor { get; init; }
}

/// <summary>Regex construction with syzkaller's {{PC}}/{{FUNC}}/{{SRC}}/{{ADDR}} placeholders.</summary>
internal static class Rx
{
    public const string Pc = @"\[\<?(?:0x)?[0-9a-f]+\>?\]";
    public const string Func = @"([a-zA-Z0-9_]+)(?:\.|\+)";
    public const string Src = @"([a-zA-Z0-9_/.\-]+\.[a-z]+:[0-9]+)";

    public static Regex C(string re, RegexOptions extra = RegexOptions.None) => new(
        re.Replace("{{ADDR}}", "0x[0-9a-f]+").Replace("{{PC}}", Pc).Replace("{{FUNC}}", Func).Replace("{{SRC}}", Src),
        RegexOptions.CultureInvariant | extra, SafeRegex.Timeout);

    /// <summary>
    /// The literal text every match of the regex starts with: characters up to the first metacharacter, without a
    /// last one that a quantifier makes optional. Empty for case-insensitive patterns or ones starting with a construct.
    /// </summary>
    public static string LeadingLiteral(Regex re)
    {
        if ((re.Options & RegexOptions.IgnoreCase) != 0) return "";
        var p = re.ToString();
        if (HasTopLevelAlternation(p)) return "";
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            int next = i + 1;
            if (c == '\\')
            {
                // Only escaped punctuation is a literal; \d, \s, \b… are classes or assertions.
                if (next >= p.Length || char.IsLetterOrDigit(p[next])) break;
                c = p[next];
                next++;
            }
            else if ("^$.*+?()[]{}|#".Contains(c) || char.IsWhiteSpace(c) && (re.Options & RegexOptions.IgnorePatternWhitespace) != 0)
                break;
            if (next < p.Length && p[next] is '*' or '?' or '{') break;
            sb.Append(c);
            if (next < p.Length && p[next] == '+') break;
            i = next - 1;
        }
        return sb.ToString();
    }

    static bool HasTopLevelAlternation(string p)
    {
        int depth = 0;
        bool inClass = false;
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') inClass = true;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0) return true;
        }
        return false;
    }

    /// <summary>Sentinel part: "parse stack frames here".</summary>
    public static readonly Regex ParseStackTrace = new("\0\0PARSE-STACK\0\0", RegexOptions.None, SafeRegex.Timeout);

    // x86 RIP/EIP/IP, ppc NIP, arm "PC is at", arm64 "pc : ", plus old i386 "EIP is at" (syzkaller lacks it).
    public static readonly Regex RipFrame = C(@"(?:IP|NIP|pc |PC is at|IP is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))", RegexOptions.Compiled);
    public static readonly Regex CallTrace = C(@"(?:Call (?:T|t)race:)|(?:Backtrace:)", RegexOptions.Compiled);
}
