using System.Text.RegularExpressions;

namespace Ktriage.Core.Maintainers;

/// <summary>One "X: value" line of a MAINTAINERS section (value as written, trailing blanks kept as the perl does).</summary>
public sealed record MaintainersEntry(char Type, string Value);

/// <summary>A MAINTAINERS section: its title line and its typed entries in file order.</summary>
public sealed class MaintainersSection
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<MaintainersEntry> Entries { get; init; }

    public IEnumerable<string> Values(char type) => Entries.Where(e => e.Type == type).Select(e => e.Value);

    /// <summary>The last S: line (get_maintainer.pl's role uses the last one), or null.</summary>
    public string? Status => Entries.LastOrDefault(e => e.Type == 'S')?.Value;

    /// <summary>get_maintainer.pl's range_is_maintained and range_has_maintainer (only used for the git fallback there).</summary>
    public bool IsMaintained => Entries.Any(e => e.Type == 'S' && SafeRegex.IsMatch(e.Value, "maintain|support", RegexOptions.IgnoreCase))
        && Entries.Any(e => e.Type == 'M');

    // Compiled lazily: most sections are never consulted for most files.
    internal FilePattern[]? Files, Excludes;
    internal Regex?[]? Names;
}

/// <summary>An F:/X: glob turned into the regex get_maintainer.pl builds ('.'→'\.', '*'→'.*', '?'→'.'), plus the
/// directory flag it derives from the tree ("-d $value").</summary>
internal sealed class FilePattern
{
    public required string Value { get; init; }           // converted, as get_maintainer.pl stores it
    public required string LiteralPrefix { get; init; }   // the part before any wildcard: a cheap pre-test
    public required Regex Regex { get; init; }
    public required int Slashes { get; init; }
    public bool IsDirectory { get; init; }                // trailing '/' added because the tree has this directory
    public bool EitherWay { get; init; }                  // no tree known: match as a directory and as a file

    /// <summary>get_maintainer.pl's file_match_pattern: a directory pattern matches everything below it; any other
    /// pattern matches at the start of the path (no end anchor) with as many '/' as the path.</summary>
    public bool Matches(string file, int fileSlashes)
    {
        if (!file.StartsWith(LiteralPrefix, StringComparison.Ordinal)) return false;
        if (!Regex.IsMatch(file)) return false;
        if (IsDirectory || Value.EndsWith('/')) return true;
        if (fileSlashes == Slashes) return true;
        return EitherWay && fileSlashes > Slashes && MatchesAsDirectory(file);
    }

    Regex? asDirectory;
    bool MatchesAsDirectory(string file) => (asDirectory ??= new Regex("^" + Value + "/", RegexOptions.CultureInvariant, SafeRegex.Timeout)).IsMatch(file);

    /// <summary>The depth get_maintainer.pl sorts sections by (value_pd): more specific patterns first.</summary>
    public int Depth
    {
        get
        {
            var v = IsDirectory && !Value.EndsWith('/') ? Value + "/" : Value;
            int pd = v.Count(c => c == '/');
            if (!v.EndsWith('/')) pd++;
            if (v.StartsWith(".*", StringComparison.Ordinal)) pd = -1;
            return pd;
        }
    }
}

/// <summary>
/// A parsed MAINTAINERS file. Reading follows scripts/get_maintainer.pl: lines "^([A-Z]):\s*(.*)" are entries of the
/// current section, other non-blank non-'#' lines start a section (the text before the first entry is the preamble).
/// </summary>
public sealed partial class MaintainersFile
{
    static readonly Regex Typed = TypedRegex();
    [GeneratedRegex(@"^([A-Z]):\s*(.*)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex TypedRegex();

    public IReadOnlyList<MaintainersSection> Sections { get; }
    readonly Func<string, bool>? isDirectory;

    MaintainersFile(List<MaintainersSection> sections, Func<string, bool>? isDirectory)
    {
        Sections = sections;
        this.isDirectory = isDirectory;
    }

    /// <param name="isDirectory">whether a converted F:/X: value names a directory of the tree, as the perl's "-d"
    /// test sees it (so "foo\.d" is never one); null when only MAINTAINERS is known: a pattern without a trailing '/'
    /// then matches both as a file and as a directory (a path cannot be both, so only odd names differ).</param>
    /// <exception cref="FormatException">the text has no section with entries: not a MAINTAINERS file.</exception>
    public static MaintainersFile Parse(string text, Func<string, bool>? isDirectory = null)
    {
        // typevalue as get_maintainer.pl builds it: titles as lines, entries as (type, value).
        var sections = new List<MaintainersSection>();
        string? title = null;
        List<MaintainersEntry>? entries = null;
        void Close()
        {
            if (title is not null && entries is { Count: > 0 })
                sections.Add(new MaintainersSection { Index = sections.Count, Name = title, Entries = entries });
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            var m = Typed.Match(line);
            if (m.Success)
            {
                // Entries before any title (impossible in a real file) belong to no section, as in the perl.
                entries?.Add(new MaintainersEntry(m.Groups[1].Value[0], m.Groups[2].Value));
                continue;
            }
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            // A title. Consecutive untyped lines: the last one before the entries is the section's title.
            if (entries is { Count: 0 }) { title = line; continue; }
            Close();
            title = line;
            entries = [];
        }
        Close();
        if (sections.Count == 0) throw new FormatException("no MAINTAINERS section (a title line followed by \"X: value\" lines)");
        return new MaintainersFile(sections, isDirectory);
    }

    /// <summary>get_maintainer.pl's conversion of an F:/X: glob into its regex text.</summary>
    public static string GlobToPerlRegex(string value) => value.Replace(".", @"\.").Replace("*", ".*").Replace("?", ".");

    internal FilePattern Compile(string glob)
    {
        var value = GlobToPerlRegex(glob);
        bool dir = isDirectory?.Invoke(value) == true && !value.EndsWith('/');
        var stored = dir ? value + "/" : value;
        int wild = glob.IndexOfAny(['*', '?', '[', '(', '+', '{', '|', '^', '$', '\\']);
        var prefix = wild < 0 ? glob : glob[..wild];
        Regex regex;
        try
        {
            regex = new Regex("^" + stored, RegexOptions.CultureInvariant, SafeRegex.Timeout);
        }
        catch (ArgumentException)
        {
            // The perl would die on an invalid pattern; one bad line must not make the whole file unusable.
            regex = new Regex("^" + Regex.Escape(glob), RegexOptions.CultureInvariant, SafeRegex.Timeout);
        }
        return new FilePattern
        {
            Value = stored, LiteralPrefix = prefix, Regex = regex, Slashes = stored.Count(c => c == '/'),
            IsDirectory = dir, EitherWay = isDirectory is null && !stored.EndsWith('/'),
        };
    }

    internal FilePattern[] FilesOf(MaintainersSection s) => s.Files ??= s.Values('F').Select(Compile).ToArray();
    internal FilePattern[] ExcludesOf(MaintainersSection s) => s.Excludes ??= s.Values('X').Select(Compile).ToArray();

    /// <summary>N: regexes in entry order; null where .NET rejects one (the perl would die on it).</summary>
    internal Regex?[] NamesOf(MaintainersSection s) => s.Names ??= s.Values('N').Select(v => PerlX(v)).ToArray();

    Regex[]? keywords;
    int[]? keywordSections;
    (string[]? Any, StringComparison Compare)[]? keywordLiterals;

    /// <summary>K: regexes (perl /x), with the section each belongs to and the literals a match needs.</summary>
    internal (Regex[] Regexes, int[] Sections) Keywords()
    {
        if (keywords is null)
        {
            // Compiled: an import runs each over every file of the tree.
            var list = Sections.SelectMany(s => s.Values('K').Select(v => (Value: v, Regex: PerlX(v, compiled: true), s.Index))).Where(k => k.Regex is not null).ToList();
            keywordLiterals = list.Select(k => (RequiredLiterals.Of(k.Value),
                k.Value.Contains("(?i", StringComparison.Ordinal) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)).ToArray();
            keywords = list.Select(k => k.Regex!).ToArray();
            keywordSections = list.Select(k => k.Index).ToArray();
        }
        return (keywords, keywordSections!);
    }

    /// <summary>False when the text lacks every literal keyword <paramref name="i"/> needs: no match possible.</summary>
    bool MayMatch(int i, string text) =>
        keywordLiterals![i] is not ({ } any, var compare) || any.Any(l => text.Contains(l, compare));

    /// <summary>A perl m/…/x regex in .NET (same syntax for what MAINTAINERS uses); null when .NET rejects it.</summary>
    internal static Regex? PerlX(string pattern, bool compiled = false)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | (compiled ? RegexOptions.Compiled : 0), SafeRegex.Timeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The sections whose K: keywords match a whole file's text (get_maintainer.pl -f FILE).</summary>
    public IReadOnlyList<int> KeywordSectionsInText(string text)
    {
        var (regexes, sections) = Keywords();
        var found = new SortedSet<int>();
        for (int i = 0; i < regexes.Length; i++)
        {
            if (found.Contains(sections[i]) || !MayMatch(i, text)) continue;
            try
            {
                if (regexes[i].IsMatch(text)) found.Add(sections[i]);
            }
            catch (RegexMatchTimeoutException) { }
        }
        return found.ToList();
    }

    /// <summary>The sections whose K: keywords match a patch mail as get_maintainer.pl reads one: every line before
    /// the first ---/+++ file header, then only added/removed lines.</summary>
    public IReadOnlyList<int> KeywordSectionsInPatch(string patch)
    {
        var (regexes, sections) = Keywords();
        var found = new SortedSet<int>();
        bool inDiff = false;
        foreach (var raw in patch.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (SafeRegex.IsMatch(line, @"^ mode change [0-7]+ => [0-7]+ (\S+)\s*$") || SafeRegex.IsMatch(line, @"^rename (?:from|to) (\S+)\s*$")
                || SafeRegex.IsMatch(line, @"^diff --git a/(\S+) b/(\S+)\s*$") || SafeRegex.IsMatch(line, @"^Fixes:\s+([0-9a-fA-F]{6,40})")
                || line.StartsWith("@@ -", StringComparison.Ordinal) && SafeRegex.IsMatch(line, @"^@@ -(\d+),(\d+)"))
                continue;
            if (SafeRegex.IsMatch(line, @"^(?:\+\+\+|---)\s+\S"))
            {
                inDiff = true;
                continue;
            }
            if (inDiff && !(line.StartsWith('+') || line.StartsWith('-'))) continue;
            for (int i = 0; i < regexes.Length; i++)
            {
                if (found.Contains(sections[i]) || !MayMatch(i, line)) continue;
                try
                {
                    // In the diff the perl matches "^[+-].*KEYWORD": the keyword anywhere after the first character.
                    if (regexes[i].IsMatch(inDiff ? line[1..] : line)) found.Add(sections[i]);
                }
                catch (RegexMatchTimeoutException) { }
            }
        }
        return found.ToList();
    }
}
