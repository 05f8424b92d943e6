using System.Text.RegularExpressions;

namespace Ktriage.Core.Maintainers;

/// <summary>A kernel release number ("6.1.192", "5.10.0-rc3-syzkaller", "4.18.0-80.el8.x86_64"), comparable.</summary>
public readonly partial record struct KernelVersion(int Major, int Minor, int Sub) : IComparable<KernelVersion>
{
    static readonly Regex Release = ReleaseRegex();
    [GeneratedRegex(@"(?<![\d.])(\d{1,2})\.(\d{1,3})(?:\.(\d{1,4}))?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex ReleaseRegex();

    /// <summary>The first "M.m[.s]" in the text (a uname -r, a "Not tainted 5.10.0-rc3 #1" fragment), or null.</summary>
    public static KernelVersion? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var m = Release.Match(text);
        if (!m.Success) return null;
        int major = int.Parse(m.Groups[1].Value);
        if (major is < 2 or > 20) return null;
        return new KernelVersion(major, int.Parse(m.Groups[2].Value), m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 0);
    }

    /// <summary>The Makefile's VERSION, PATCHLEVEL, SUBLEVEL (and EXTRAVERSION) as "6.1.192".</summary>
    public static string? FromMakefile(string makefile)
    {
        string? Get(string name) => SafeRegex.Match(makefile, $@"^{name}\s*=[ \t]*(\S*)", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : null;
        if (Get("VERSION") is not { Length: > 0 } v || Get("PATCHLEVEL") is not { Length: > 0 } p) return null;
        return $"{v}.{p}.{(Get("SUBLEVEL") is { Length: > 0 } s ? s : "0")}{Get("EXTRAVERSION")}";
    }

    /// <summary>Orders releases; the distance between two is counted in minor releases first, then sublevels.</summary>
    public long Key => Major * 1_000_000L + Minor * 10_000L + Sub;

    public int CompareTo(KernelVersion other) => Key.CompareTo(other.Key);

    public override string ToString() => $"{Major}.{Minor}.{Sub}";

    /// <summary>The candidate nearest to <paramref name="wanted"/> (ties: the newer one); with no version wanted, the
    /// newest. Null when there is no candidate.</summary>
    public static T? Nearest<T>(IEnumerable<T> candidates, Func<T, KernelVersion?> versionOf, KernelVersion? wanted) where T : class
    {
        var list = candidates.Select(c => (Item: c, Version: versionOf(c))).ToList();
        if (list.Count == 0) return null;
        if (wanted is not { } w)
            return list.OrderByDescending(c => c.Version?.Key ?? -1).First().Item;
        return list.OrderBy(c => c.Version is { } v ? Math.Abs(v.Key - w.Key) : long.MaxValue)
            .ThenByDescending(c => c.Version?.Key ?? -1).First().Item;
    }
}
