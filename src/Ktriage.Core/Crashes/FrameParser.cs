using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>Parses one stack-trace line in any of the forms the kernel has printed over the years.</summary>
internal static partial class FrameParser
{
    // [<ffffffff8174b53c>] ? ret_from_fork+0x7c/0xb0 [mod] / ppc "[c0..] [c0..] .foo+0x7c/0x1c0 (unreliable)"
    // s390 "([<000…>] foo+0xa2/0x128)" / new " foo+0x12/0x34 arch/x86/x.c:12" / arm64 " foo+0x1/0x2 (T)"
    // Rust "<a::B as c::D>::mmap+0x1/0x2".
    static readonly Regex Frame = FrameRegex();
    [GeneratedRegex(@"^\s*\(?(?:\[\s*<?(?<addr>(?:0x)?[0-9a-fA-F]{4,16})>?\]\s*)*(?<q>\?\s*)?\(?(?<func>(?:<[^<>\n]{1,200}>)?[A-Za-z_.$][\w.$:]*)\+(?<off>0x[0-9a-fA-F]+)(?:/(?<size>0x[0-9a-fA-F]+))?\)?(?:\s+\[(?<mod>[\w\-]+)\])?(?<rest>.*)$", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)] private static partial Regex FrameRegex();
    static readonly Regex Source = SourceRegex();
    [GeneratedRegex(@"(?<![\w/.\-])(?<src>[\w/.\-]+\.(?:c|h|S|rs|s|cc):\d+)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex SourceRegex();
    static readonly int FrameFunc = Frame.GroupNumberFromName("func"), FrameRest = Frame.GroupNumberFromName("rest"),
        FrameOff = Frame.GroupNumberFromName("off"), FrameSize = Frame.GroupNumberFromName("size"),
        FrameMod = Frame.GroupNumberFromName("mod"), FrameAddr = Frame.GroupNumberFromName("addr"),
        FrameQ = Frame.GroupNumberFromName("q"), SourceSrc = Source.GroupNumberFromName("src");
    // ARM: "[<c0011f64>] (unwind_backtrace+0x0/0xf8) from [<c000e9e8>] (show_stack+0x10/0x14)"
    static readonly Regex ArmFrom = ArmFromRegex();
    [GeneratedRegex(@"^\s*\[<(?<addr>[0-9a-f]+)>\]\s+\((?<func>[\w.]+)\+(?<off>0x[0-9a-f]+)/(?<size>0x[0-9a-f]+)(?:\s+\[(?<mod>[\w\-]+)\])?\)\s+from", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex ArmFromRegex();

    public static StackFrame? Parse(string line, string section)
    {
        // Both forms need "+0x": prose and register lines skip the regexes.
        if (!line.Contains("+0x", StringComparison.Ordinal)) return null;
        // ARM's form always has ") from [<".
        var a = line.Contains(" from", StringComparison.Ordinal) ? ArmFrom.Match(line) : Match.Empty;
        if (a.Success)
            return new StackFrame
            {
                Function = a.Groups["func"].Value, Offset = a.Groups["off"].Value, Size = a.Groups["size"].Value,
                Module = NullIfEmpty(a.Groups["mod"].Value), Address = a.Groups["addr"].Value, Section = section,
            };
        if (TryParseFast(line, section, out var fast)) return fast;
        return ParseWithRegex(line, section);
    }

    /// <summary>The regex form: the reference, and the fallback for lines the fast path does not take.</summary>
    internal static StackFrame? ParseWithRegex(string line, string section)
    {
        var m = Frame.Match(line);
        if (!m.Success) return null;
        // Groups by number: by name each lookup hashes the name (it showed in profiles).
        var g = m.Groups;
        var funcGroup = g[FrameFunc];
        var func = funcGroup.ValueSpan;
        // "RIP: 0010:foo+0x…" and register dumps are not frames; neither is prose like "x+0x1".
        if (func.EndsWith(':') || func.Contains("::", StringComparison.Ordinal) && !func.StartsWith('<')) return null;
        var restGroup = g[FrameRest];
        var rest = restGroup.ValueSpan;
        // Source runs on the rest of the line only (its look-behind sees nothing before it, as on a substring).
        var src = rest.Contains(':') ? Source.Match(line, restGroup.Index, restGroup.Length) : Match.Empty;
        return new StackFrame
        {
            Function = funcGroup.Value,
            Offset = g[FrameOff].Value,
            Size = NullIfEmpty(g[FrameSize].Value),
            Module = NullIfEmpty(g[FrameMod].Value),
            Address = NullIfEmpty(g[FrameAddr].Value),
            Reliable = !g[FrameQ].Success && !rest.Contains("(unreliable)", StringComparison.Ordinal),
            Section = section,
            Source = src.Success ? src.Groups[SourceSrc].Value : null,
        };
    }

    /// <summary>
    /// The Frame regex walked by hand for ASCII lines: frames are most of a report's lines, and the regex's Match
    /// and groups cost ~1 KiB of garbage per frame. Every construct of the regex is deterministic here (each optional
    /// part starts with a character nothing else can start with, and "rest" takes whatever follows), so this gives the
    /// regex's result; anything outside ASCII goes to the regex (\w and \s are Unicode there). A test checks both
    /// agree on every line of the corpora.
    /// </summary>
    internal static bool TryParseFast(string line, string section, out StackFrame? frame)
    {
        frame = null;
        if (!Ascii.IsValid(line)) return false;
        int n = line.Length, i = 0;
        while (i < n && IsSpace(line[i])) i++;
        if (i < n && line[i] == '(') i++;
        i = SkipAddresses(line, i, out int addrStart, out int addrEnd);
        bool q = false;
        if (i < n && line[i] == '?')
        {
            q = true;
            i++;
            while (i < n && IsSpace(line[i])) i++;
        }
        if (i < n && line[i] == '(') i++;
        // func: (?:<[^<>\n]{1,200}>)?[A-Za-z_.$][\w.$:]*
        int funcStart = i;
        if (i < n && line[i] == '<')
        {
            int j = i + 1;
            while (j < n && line[j] is not ('<' or '>' or '\n')) j++;
            if (j < n && line[j] == '>' && j - i - 1 is >= 1 and <= 200 && j + 1 < n && IsFuncStart(line[j + 1])) i = j + 1;
            else return Fallback(out frame);
        }
        if (i >= n || !IsFuncStart(line[i])) return Fallback(out frame);
        i++;
        while (i < n && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or '.' or '$' or ':')) i++;
        int funcEnd = i;
        if (i >= n || line[i] != '+') return Fallback(out frame);
        i++;
        // off: 0x[0-9a-fA-F]+
        if (i + 2 >= n || line[i] != '0' || line[i + 1] != 'x' || !char.IsAsciiHexDigit(line[i + 2])) return Fallback(out frame);
        int offStart = i;
        i += 2;
        while (i < n && char.IsAsciiHexDigit(line[i])) i++;
        int offEnd = i;
        int sizeStart = -1, sizeEnd = -1;
        if (i + 3 < n && line[i] == '/' && line[i + 1] == '0' && line[i + 2] == 'x' && char.IsAsciiHexDigit(line[i + 3]))
        {
            sizeStart = i + 1;
            i += 3;
            while (i < n && char.IsAsciiHexDigit(line[i])) i++;
            sizeEnd = i;
        }
        if (i < n && line[i] == ')') i++;
        int modStart = -1, modEnd = -1;
        {
            int j = i;
            while (j < n && IsSpace(line[j])) j++;
            if (j > i && j < n && line[j] == '[')
            {
                int m = j + 1;
                while (m < n && (char.IsAsciiLetterOrDigit(line[m]) || line[m] is '_' or '-')) m++;
                if (m > j + 1 && m < n && line[m] == ']')
                {
                    modStart = j + 1;
                    modEnd = m;
                    i = m + 1;
                }
            }
        }
        var func = line.AsSpan(funcStart, funcEnd - funcStart);
        if (func.EndsWith(':') || func.Contains("::", StringComparison.Ordinal) && !func.StartsWith('<')) return true;
        var rest = line.AsSpan(i);
        frame = new StackFrame
        {
            Function = func.ToString(),
            Offset = line[offStart..offEnd],
            Size = sizeStart < 0 ? null : line[sizeStart..sizeEnd],
            Module = modStart < 0 ? null : line[modStart..modEnd],
            Address = addrStart < 0 ? null : line[addrStart..addrEnd],
            Reliable = !q && !rest.Contains("(unreliable)", StringComparison.Ordinal),
            Section = section,
            Source = rest.Contains(':') ? FindSource(line, i) : null,
        };
        return true;
    }

    /// <summary>
    /// (?:\[\s*&lt;?(?&lt;addr&gt;(?:0x)?[0-9a-fA-F]{4,16})&gt;?\]\s*)* from i: the index after it, and the last address.
    /// Its own method because .NET 10's tier-1 JIT needed ~300 MiB of native memory to compile this nested loop
    /// inside TryParseFast (the ingest's peak RSS); apart it compiles in a few.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static int SkipAddresses(string line, int i, out int addrStart, out int addrEnd)
    {
        int n = line.Length;
        addrStart = addrEnd = -1;
        while (i < n && line[i] == '[')
        {
            int j = i + 1;
            while (j < n && IsSpace(line[j])) j++;
            if (j < n && line[j] == '<') j++;
            int a = j;
            // (?:0x)? then 4-16 hex digits: a longer run or "0x" without digits can match no other way.
            if (j + 1 < n && line[j] == '0' && line[j + 1] == 'x') j += 2;
            int h = j;
            while (j < n && char.IsAsciiHexDigit(line[j])) j++;
            if (j - h is < 4 or > 16) break;
            int hexEnd = j;
            if (j < n && line[j] == '>') j++;
            if (j >= n || line[j] != ']') break;
            j++;
            while (j < n && IsSpace(line[j])) j++;
            addrStart = a;
            addrEnd = hexEnd;
            i = j;
        }
        return i;
    }

    static bool Fallback(out StackFrame? frame)
    {
        frame = null;
        return false;
    }

    static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    static bool IsFuncStart(char c) => char.IsAsciiLetter(c) || c is '_' or '.' or '$';
    static bool IsPathChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '/' or '.' or '-';

    /// <summary>Source's leftmost "path.ext:NN" in line[from..] (ASCII): a maximal path run ending in .c/.h/.S/.rs/.s/.cc before ":digit".</summary>
    static string? FindSource(string line, int from)
    {
        int n = line.Length;
        for (int i = from; i < n;)
        {
            if (!IsPathChar(line[i])) { i++; continue; }
            int start = i;
            while (i < n && IsPathChar(line[i])) i++;
            // The look-behind only lets a match start where a run starts, and ':' ends every run.
            if (i + 1 < n && line[i] == ':' && char.IsAsciiDigit(line[i + 1]))
            {
                var run = line.AsSpan(start, i - start);
                int dot = run.LastIndexOf('.');
                if (dot > 0 && run[(dot + 1)..] is "c" or "h" or "S" or "rs" or "s" or "cc")
                {
                    int end = i + 1;
                    while (end < n && char.IsAsciiDigit(line[end])) end++;
                    return line[start..end];
                }
            }
        }
        return null;
    }

    /// <summary>"func+0x1/0x2 [mod]" anywhere in a RIP/PC line.</summary>
    static readonly Regex Site = SiteRegex();
    [GeneratedRegex(@"(?<![\w.])(?<func>\.?[A-Za-z_$][\w.$]*)\+(?<off>0x[0-9a-fA-F]+)(?:/(?<size>0x[0-9a-fA-F]+))?(?:\s+\[(?<mod>[\w\-]+)\])?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex SiteRegex();
    static readonly Regex SiteAddr = SiteAddrRegex();
    [GeneratedRegex(@"\[<?(?:0x)?(?<a>[0-9a-fA-F]{6,16})>?\]|(?<=:\s*)(?<a>[0-9a-fA-F]{8,16})\b", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex SiteAddrRegex();

    public static StackFrame? ParseSite(string line)
    {
        var m = Site.Match(line);
        if (!m.Success) return null;
        var addr = SiteAddr.Match(line);
        return new StackFrame
        {
            Function = m.Groups["func"].Value,
            Offset = m.Groups["off"].Value,
            Size = NullIfEmpty(m.Groups["size"].Value),
            Module = NullIfEmpty(m.Groups["mod"].Value),
            Address = addr.Success ? addr.Groups["a"].Value : null,
            Section = "crash",
        };
    }

    static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
