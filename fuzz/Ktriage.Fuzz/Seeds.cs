using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Fuzz;

/// <summary>Seed corpora, built at run time from the real inputs in ../shared (never copied into the repo) plus the
/// small fixtures under seeds/TARGET/. Seeds are cut to <see cref="MaxBytes"/>: AFL mutates small inputs far better,
/// and the interesting structure of a mail or a log is in its first kilobytes.</summary>
public static partial class Seeds
{
    const int MaxBytes = 16 * 1024;
    const int MaxShared = 40;

    public static int Write(string target, string dir, string? shared)
    {
        Directory.CreateDirectory(dir);
        var inputs = new List<(string Name, byte[] Data)>();
        var own = Path.Combine(AppContext.BaseDirectory, "seeds", target);
        if (Directory.Exists(own))
            inputs.AddRange(Directory.GetFiles(own).Order(StringComparer.Ordinal).Select(f => ("own-" + Path.GetFileName(f), File.ReadAllBytes(f))));
        if (shared is not null && Directory.Exists(shared))
            inputs.AddRange(Spread(FromShared(target, shared).ToList(), MaxShared));

        var seen = new HashSet<string>();
        var n = 0;
        foreach (var (name, data) in inputs)
        {
            var cut = data.Length > MaxBytes ? data[..MaxBytes] : data;
            if (cut.Length == 0 || !seen.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(cut)))) continue;
            File.WriteAllBytes(Path.Combine(dir, $"{n++:D3}-{Safe(name)}"), cut);
        }
        return n;
    }

    static IEnumerable<(string, byte[])> FromShared(string target, string shared)
    {
        IEnumerable<string> Files(string sub, string pattern = "*") =>
            Directory.Exists(Path.Combine(shared, sub))
                ? Directory.EnumerateFiles(Path.Combine(shared, sub), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : [];
        IEnumerable<(string, byte[])> Whole(IEnumerable<string> files) => files.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)));

        switch (target)
        {
            case "mime":
                return Whole(Files("mail").Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)));
            case "mbox":
                return Whole(Files("mail", "*.mbox"));
            case "lore":
                return Whole(Files("seeds"));
            case "diff":
                return Whole(Files("mail/patchwork").Concat(Files("mail/public-inbox")).Where(f => File.ReadAllText(f).Contains("\n@@ -")));
            case "trailers":
                return Whole(Files("mail/b4", "*.mbox").Concat(Files("mail/patchwork-series")));
            case "oops":
                return Whole(Files("crashes"));
            case "subject":
                // One subject line per seed, as SubjectInfo gets them (decoded, unfolded).
                return Files("mail").SelectMany(f => SubjectLine().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.Trim()))
                    .Distinct().Select((s, i) => ($"subject{i}", Encoding.UTF8.GetBytes(s)));
            case "query":
                // No search logs in shared/: the real queries of bench/search (one per line) in this checkout.
                return RepoFiles("bench/search", "queries-*.txt").SelectMany(File.ReadLines).Where(l => l.Trim().Length > 0)
                    .Select((q, i) => ($"query{i}", Encoding.UTF8.GetBytes(q)));
            default:
                return [];
        }
    }

    /// <summary>Files of this checkout: found from the working directory (bench/fuzz.sh runs in the repo root) or,
    /// for a plain build, from the binary's directory.</summary>
    static IEnumerable<string> RepoFiles(string sub, string pattern)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
                {
                    var path = Path.Combine(dir.FullName, sub);
                    return Directory.Exists(path) ? Directory.EnumerateFiles(path, pattern).Order(StringComparer.Ordinal) : [];
                }
        return [];
    }

    [GeneratedRegex(@"^Subject:[ \t]*(.+(?:\n[ \t].+)*)", RegexOptions.Multiline)]
    private static partial Regex SubjectLine();

    /// <summary>At most <paramref name="max"/> items evenly spread over the list, so every sub-corpus is represented.</summary>
    static IEnumerable<T> Spread<T>(List<T> items, int max) =>
        items.Count <= max ? items : Enumerable.Range(0, max).Select(i => items[(int)((long)i * items.Count / max)]);

    static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').Take(60).ToArray());
}
