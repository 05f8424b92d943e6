using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>Parses one stack-trace line in any of the forms the kernel has printed over the years.</summary>
internal static class FrameParser
{
    // [<ffffffff8174b53c>] ? ret_from_fork+0x7c/0xb0 [mod] / ppc "[c0..] [c0..] .foo+0x7c/0x1c0 (unreliable)"
    // s390 "([<000…>] foo+0xa2/0x128)" / new " foo+0x12/0x34 arch/x86/x.c:12" / arm64 " foo+0x1/0x2 (T)"
    // Rust "<a::B as c::D>::mmap+0x1/0x2".
    static readonly Regex Frame = new(
        @"^\s*\(?(?:\[\s*<?(?<addr>(?:0x)?[0-9a-fA-F]{4,16})>?\]\s*)*(?<q>\?\s*)?\(?(?<func>(?:<[^<>\n]{1,200}>)?[A-Za-z_.$][\w.$:]*)\+(?<off>0x[0-9a-fA-F]+)(?:/(?<size>0x[0-9a-fA-F]+))?\)?(?:\s+\[(?<mod>[\w\-]+)\])?(?<rest>.*)$",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);
    static readonly Regex Source = new(@"(?<![\w/.\-])(?<src>[\w/.\-]+\.(?:c|h|S|rs|s|cc):\d+)", RegexOptions.Compiled);
    // ARM: "[<c0011f64>] (unwind_backtrace+0x0/0xf8) from [<c000e9e8>] (show_stack+0x10/0x14)"
    static readonly Regex ArmFrom = new(@"^\s*\[<(?<addr>[0-9a-f]+)>\]\s+\((?<func>[\w.]+)\+(?<off>0x[0-9a-f]+)/(?<size>0x[0-9a-f]+)(?:\s+\[(?<mod>[\w\-]+)\])?\)\s+from", RegexOptions.Compiled);

    public static StackFrame? Parse(string line, string section)
    {
        // Both forms need "+0x": prose and register lines skip the regexes.
        if (!line.Contains("+0x", StringComparison.Ordinal)) return null;
        var a = ArmFrom.Match(line);
        if (a.Success)
            return new StackFrame
            {
                Function = a.Groups["func"].Value, Offset = a.Groups["off"].Value, Size = a.Groups["size"].Value,
                Module = NullIfEmpty(a.Groups["mod"].Value), Address = a.Groups["addr"].Value, Section = section,
            };
        var m = Frame.Match(line);
        if (!m.Success) return null;
        var func = m.Groups["func"].Value;
        // "RIP: 0010:foo+0x…" and register dumps are not frames; neither is prose like "x+0x1".
        if (func.EndsWith(':') || func.Contains("::") && !func.StartsWith('<')) return null;
        var rest = m.Groups["rest"].Value;
        var src = Source.Match(rest);
        return new StackFrame
        {
            Function = func,
            Offset = m.Groups["off"].Value,
            Size = NullIfEmpty(m.Groups["size"].Value),
            Module = NullIfEmpty(m.Groups["mod"].Value),
            Address = NullIfEmpty(m.Groups["addr"].Value),
            Reliable = !m.Groups["q"].Success && !rest.Contains("(unreliable)", StringComparison.Ordinal),
            Section = section,
            Source = src.Success ? src.Groups["src"].Value : null,
        };
    }

    /// <summary>"func+0x1/0x2 [mod]" anywhere in a RIP/PC line.</summary>
    static readonly Regex Site = new(@"(?<![\w.])(?<func>\.?[A-Za-z_$][\w.$]*)\+(?<off>0x[0-9a-fA-F]+)(?:/(?<size>0x[0-9a-fA-F]+))?(?:\s+\[(?<mod>[\w\-]+)\])?", RegexOptions.Compiled);
    static readonly Regex SiteAddr = new(@"\[<?(?:0x)?(?<a>[0-9a-fA-F]{6,16})>?\]|(?<=:\s*)(?<a>[0-9a-fA-F]{8,16})\b", RegexOptions.Compiled);

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
