using System.Text.RegularExpressions;

namespace Ktriage.Core.Maintainers;

/// <summary>
/// Files → owners, as scripts/get_maintainer.pl --no-git computes them: per file, every section not excluded by an X:
/// whose F: pattern or N: regex matches, ordered by pattern depth (deepest first); then the K: keyword sections;
/// maintainers and reviewers deduplicated by name or address, lists by address, subscribers-only lists left out,
/// Linus Torvalds (THE REST) dropped as the perl does without --git-chief-penguins.
/// </summary>
public static class MaintainerMatcher
{
    const string PenguinChief = "Linus Torvalds <torvalds@linux-foundation.org>";

    /// <summary>The matching sections of one file with their depth, in get_maintainer.pl's output order.</summary>
    public static IReadOnlyList<(MaintainersSection Section, int Depth, string MatchedBy)> SectionsFor(MaintainersFile file, string path)
    {
        path = CanonPath(path);
        int slashes = path.Count(c => c == '/');
        var hits = new List<(MaintainersSection Section, int Depth, string MatchedBy)>();
        foreach (var s in file.Sections)
        {
            if (file.ExcludesOf(s).Any(x => x.Matches(path, slashes))) continue;
            int? depth = null;
            string? by = null;
            // The perl walks the entries in order and the last matching F:/N: sets the depth.
            var patterns = file.FilesOf(s);
            var names = file.NamesOf(s);
            int fi = 0, ni = 0;
            foreach (var e in s.Entries)
            {
                if (e.Type == 'F')
                {
                    var p = patterns[fi++];
                    if (p.Matches(path, slashes)) { depth = p.Depth; by ??= "F: " + e.Value; }
                }
                else if (e.Type == 'N')
                {
                    if (names[ni++] is { } n && n.IsMatch(path)) { depth = 0; by ??= "N: " + e.Value; }
                }
            }
            if (depth is { } d) hits.Add((s, d, by!));
        }
        // Stable: ties keep file order (the perl's order for ties is its hash order, i.e. arbitrary).
        return hits.OrderByDescending(h => h.Depth).ToList();
    }

    /// <summary>Owners of <paramref name="files"/> (paths relative to the tree top), plus the sections whose K: keywords
    /// matched the files' text or the patch (<paramref name="keywordSections"/>), plus addresses found in the files
    /// themselves (get_maintainer.pl reads them from .yaml bindings).</summary>
    public static Owners Who(MaintainersFile file, IEnumerable<string> files, IEnumerable<int>? keywordSections = null,
        IEnumerable<string>? fileEmails = null, Mailmap? mailmap = null)
    {
        var paths = files.Select(CanonPath).Where(p => p.Length > 0).Distinct().ToList();
        var acc = new Accumulator(mailmap ?? Mailmap.Empty);
        var subsystems = new Dictionary<int, (string By, List<string> Files)>();
        var order = new List<int>();
        foreach (var path in paths)
            foreach (var (s, _, by) in SectionsFor(file, path))
            {
                acc.Add(s);
                if (!subsystems.TryGetValue(s.Index, out var entry)) { subsystems[s.Index] = entry = (by, []); order.Add(s.Index); }
                entry.Files.Add(path);
            }
        foreach (var k in (keywordSections ?? []).Distinct().Order())
        {
            if (k < 0 || k >= file.Sections.Count) continue;
            var s = file.Sections[k];
            acc.Add(s);
            if (!subsystems.ContainsKey(k))
            {
                subsystems[k] = ("K: " + string.Join(" | ", s.Values('K')), []);
                order.Add(k);
            }
        }
        foreach (var e in fileEmails ?? []) acc.Push(e, RecipientKind.InFile, "in file", null);
        var owners = order.Select(i =>
        {
            var s = file.Sections[i];
            var (by, fs) = subsystems[i];
            return new SubsystemOwners(s.Name, s.Status, by, fs,
                s.Values('M').ToList(), s.Values('R').ToList(), s.Values('L').Select(l => ListAddress(l).Address).ToList(),
                s.Values('T').ToList(), s.Values('W').ToList());
        }).ToList();
        return new Owners(paths, owners, acc.Finish());
    }

    /// <summary>A path as get_maintainer.pl compares it: relative, no "./" or doubled '/'; a trailing '/' (a directory
    /// argument) kept.</summary>
    public static string CanonPath(string path)
    {
        path = path.Trim().Replace('\\', '/');
        var joined = string.Join('/', path.Split('/').Where(p => p.Length > 0 && p != "."));
        return joined.Length > 0 && path.EndsWith('/') ? joined + "/" : joined;
    }

    static (string Address, string Extra) ListAddress(string value)
    {
        var m = SafeRegex.Match(value, @"([^\s]+)\s+(.*)$");
        return m.Success ? (m.Groups[1].Value, m.Groups[2].Value) : (value, "");
    }

    /// <summary>get_maintainer.pl's parse_email: (name, address), the name quoted when it has "must quote" characters.</summary>
    public static (string Name, string Address) ParseEmail(string text)
    {
        string name = "", address = "";
        Match m;
        if ((m = SafeRegex.Match(text, @"^([^<]+)<(.+@.*)>.*$")).Success) { name = m.Groups[1].Value; address = m.Groups[2].Value; }
        else if ((m = SafeRegex.Match(text, @"^\s*<(.+@\S*)>.*$")).Success) address = m.Groups[1].Value;
        else if ((m = SafeRegex.Match(text, @"^(.+@\S*).*$")).Success) address = m.Groups[1].Value;
        name = name.Trim();
        name = SafeRegex.Replace(name, "^\"|\"$", "");
        address = address.Trim();
        if (SafeRegex.IsMatch(name, @"[^\w \-]")) name = "\"" + SafeRegex.Replace(name, "(?<!\\\\)\"", "\\\"") + "\"";
        return (name, address);
    }

    public static string FormatEmail(string name, string address) => name.Length == 0 ? address : $"{name} <{address}>";

    /// <summary>add_categories, push_email_address and the final deduplication of get_maintainer.pl.</summary>
    sealed class Accumulator(Mailmap mailmap)
    {
        readonly List<Recipient> people = [];
        readonly List<Recipient> lists = [];
        readonly HashSet<string> names = new(StringComparer.OrdinalIgnoreCase);
        readonly HashSet<string> addresses = new(StringComparer.OrdinalIgnoreCase);
        readonly HashSet<string> listAddresses = new(StringComparer.OrdinalIgnoreCase);

        public void Add(MaintainersSection s)
        {
            foreach (var e in s.Entries)
            {
                switch (e.Type)
                {
                    case 'L':
                        var (address, extra) = ListAddress(e.Value);
                        if (extra.Contains("subscribers-only", StringComparison.Ordinal)) break;
                        if (!listAddresses.Add(address)) break;
                        var role = extra.Contains("moderated", StringComparison.Ordinal) ? "moderated list" : "open list";
                        lists.Add(new Recipient(address, address, RecipientKind.List, s.Name == "THE REST" ? role : role + ":" + s.Name, s.Name));
                        break;
                    case 'M':
                        Push(e.Value, RecipientKind.Maintainer, RoleOf(s) + ":" + s.Name, s.Name);
                        break;
                    case 'R':
                        Push(e.Value, RecipientKind.Reviewer, "reviewer:" + s.Name, s.Name);
                        break;
                }
            }
        }

        static string RoleOf(MaintainersSection s) => (s.Status ?? "unknown").ToLowerInvariant() switch
        {
            "supported" => "supporter",
            "maintained" => "maintainer",
            "odd fixes" => "odd fixer",
            "orphan" => "orphan minder",
            "obsolete" => "obsolete minder",
            "buried alive in reporters" => "chief penguin",
            var other => other,
        };

        public void Push(string text, RecipientKind kind, string role, string? subsystem)
        {
            var (name, address) = ParseEmail(text);
            if (address.Length == 0) return;
            if ((name.Length > 0 && names.Contains(name)) || addresses.Contains(address)) return;
            if (name.Length > 0) names.Add(name);
            addresses.Add(address);
            people.Add(new Recipient(FormatEmail(name, address), address, kind, role, subsystem));
        }

        public List<Recipient> Finish()
        {
            // deduplicate_email over people then lists: a later entry with a known name or address takes the first
            // one's form; merge_email then drops the repeats.
            var byName = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
            var byAddress = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var result = new List<Recipient>();
            foreach (var r in people.Where(p => !SafeRegex.IsMatch(p.Address, PenguinChief)).Concat(lists))
            {
                var (name, address) = ParseEmail(mailmap.Map(r.Address));
                if (name.Length > 0 && byName.TryGetValue(name, out var n)) (name, address) = n;
                else if (byAddress.TryGetValue(address, out var a)) (name, address) = a;
                else
                {
                    byName[name] = (name, address);
                    byAddress[address] = (name, address);
                }
                var formatted = mailmap.Map(FormatEmail(name, address));
                if (seen.Add(formatted)) result.Add(r with { Address = formatted, Email = ParseEmail(formatted).Address });
            }
            return result;
        }
    }
}
