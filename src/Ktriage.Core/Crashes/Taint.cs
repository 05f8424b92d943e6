namespace Ktriage.Core.Crashes;

/// <summary>Kernel taint flags (Documentation/admin-guide/tainted-kernels.rst).</summary>
public static class Taint
{
    static readonly Dictionary<char, string> Meanings = new()
    {
        ['G'] = "G: all modules are GPL (proprietary module not loaded)",
        ['P'] = "P: proprietary module loaded",
        ['F'] = "F: module force-loaded",
        ['S'] = "S: kernel running on an out-of-spec system",
        ['R'] = "R: module force-unloaded",
        ['M'] = "M: processor reported a Machine Check Exception",
        ['B'] = "B: bad page referenced or unexpected page flags",
        ['U'] = "U: taint requested by userspace",
        ['D'] = "D: kernel died recently (an earlier OOPS or BUG)",
        ['A'] = "A: ACPI table overridden by user",
        ['W'] = "W: kernel issued a warning earlier",
        ['C'] = "C: staging driver loaded",
        ['I'] = "I: working around a severe platform firmware bug",
        ['O'] = "O: out-of-tree module loaded",
        ['E'] = "E: unsigned module loaded",
        ['L'] = "L: soft lockup occurred earlier",
        ['K'] = "K: kernel live-patched",
        ['X'] = "X: auxiliary taint (distribution-defined)",
        ['T'] = "T: kernel built with the struct randomization plugin",
        ['N'] = "N: in-kernel test (KUnit) has been run",
        ['J'] = "J: userspace used a mutating debug operation in fwctl",
    };

    /// <summary>Decodes "G    B D W  O" → flags "B D W O" (G is the untainted placeholder) with meanings.</summary>
    public static TaintInfo Decode(string field)
    {
        var flags = field.Where(c => c != ' ' && c != 'G' && Meanings.ContainsKey(c)).Distinct().ToList();
        // 'G' in position 0 means "GPL only"; a 'P' replaces it. Neither is a taint worth flagging alone.
        return new TaintInfo(string.Join(' ', flags), flags.Select(c => Meanings[c]).ToList());
    }

    public static TaintInfo None { get; } = new("", []);
}
