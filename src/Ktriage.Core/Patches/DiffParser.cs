using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Patches;

/// <summary>
/// Finds and parses diffs in free text: git diffs (renames, copies, modes, binary patches), plain unified
/// diffs and CVS/SVN "Index:" diffs. Hunk lengths are honoured like git apply does, so a mail signature
/// or prose after the last hunk is never taken for diff content. Never throws on malformed input.
/// </summary>
public static partial class DiffParser
{
    [GeneratedRegex(@"^@@+ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@+ ?(.*)$", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex HunkHeader();

    public static ParsedDiff Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return ParsedDiff.Empty;
        // Most mail has no diff at all: skip the line split unless a diff marker is present.
        if (!text.Contains("diff --git ", StringComparison.Ordinal) && !text.Contains("\n@@ -", StringComparison.Ordinal)
            && !text.Contains("\nIndex: ", StringComparison.Ordinal) && !text.StartsWith("Index: ", StringComparison.Ordinal))
            return ParsedDiff.Empty;
        using var lines = new TextLines(text.Replace("\r", ""));
        var files = new List<DiffFile>();
        int first = -1, last = -1;
        var i = 0;
        while (i < lines.Length)
        {
            var start = i;
            DiffFile? file = null;
            var line = lines[i];
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
                file = ParseGitFile(lines, ref i);
            else if (line.StartsWith("Index: ", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].StartsWith("====", StringComparison.Ordinal))
                file = ParseIndexFile(lines, ref i);
            else if (IsUnifiedStart(lines, i))
                file = ParseUnified(lines, ref i, DiffFormat.Unified, null);
            if (file is null) { i = start + 1; continue; }
            files.Add(file);
            if (first < 0) first = start;
            last = i - 1;
        }
        if (files.Count == 0) return ParsedDiff.Empty;
        return new ParsedDiff(files, lines.Section(first, last));
    }

    static bool IsUnifiedStart(TextLines lines, int i) =>
        i + 2 < lines.Length
        && lines[i].StartsWith("--- ", StringComparison.Ordinal)
        && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal)
        && lines[i + 2].StartsWith("@@ -", StringComparison.Ordinal);

    sealed class Builder
    {
        public string? OldPath, NewPath, OldMode, NewMode, OldIndex, NewIndex;
        public FileChangeKind Change = FileChangeKind.Modified;
        public int? Similarity;
        public bool Binary, OldNoNewline, NewNoNewline;
        public readonly List<DiffHunk> Hunks = [];
        public readonly List<string> Functions = [];
        public int Added, Removed;

        public DiffFile Build(DiffFormat format) => new(
            Change == FileChangeKind.Added ? null : OldPath,
            Change == FileChangeKind.Deleted ? null : NewPath,
            Change, format, Similarity, OldMode, NewMode, OldIndex, NewIndex, Binary,
            OldNoNewline, NewNoNewline, Added, Removed, Hunks, Functions.Distinct().ToList());
    }

    static DiffFile ParseGitFile(TextLines lines, ref int i)
    {
        var b = new Builder();
        (b.OldPath, b.NewPath) = GitHeaderPaths(lines[i]["diff --git ".Length..].ToString());
        i++;
        while (i < lines.Length)
        {
            var l = lines[i];
            if (Take(l, "old mode ", out var v)) b.OldMode = v.Trim();
            else if (Take(l, "new mode ", out v)) b.NewMode = v.Trim();
            else if (Take(l, "deleted file mode ", out v)) { b.OldMode = v.Trim(); b.Change = FileChangeKind.Deleted; }
            else if (Take(l, "new file mode ", out v)) { b.NewMode = v.Trim(); b.Change = FileChangeKind.Added; }
            else if (Take(l, "similarity index ", out v) || Take(l, "dissimilarity index ", out v))
                b.Similarity = int.TryParse(v.Trim().TrimEnd('%'), out var pct) ? pct : null;
            else if (Take(l, "rename from ", out v)) { b.OldPath = Unquote(v); b.Change = FileChangeKind.Renamed; }
            else if (Take(l, "rename to ", out v)) { b.NewPath = Unquote(v); b.Change = FileChangeKind.Renamed; }
            else if (Take(l, "copy from ", out v)) { b.OldPath = Unquote(v); b.Change = FileChangeKind.Copied; }
            else if (Take(l, "copy to ", out v)) { b.NewPath = Unquote(v); b.Change = FileChangeKind.Copied; }
            else if (Take(l, "index ", out v)) ParseIndexLine(b, v);
            else if (l.StartsWith("GIT binary patch", StringComparison.Ordinal)) { b.Binary = true; i++; SkipBinary(lines, ref i); return b.Build(DiffFormat.Git); }
            else if (l.StartsWith("Binary files ", StringComparison.Ordinal)) { b.Binary = true; i++; return b.Build(DiffFormat.Git); }
            else if (l.StartsWith("--- ", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal))
            {
                ReadPathsAndHunks(lines, ref i, b);
                return b.Build(DiffFormat.Git);
            }
            else if (l.StartsWith("@@ -", StringComparison.Ordinal))
            {
                // Hunks straight after the git header (---/+++ lost): patchwork accepts these, so do we.
                while (i < lines.Length && lines[i].StartsWith("@@", StringComparison.Ordinal) && ReadHunk(lines, ref i, b)) { }
                return b.Build(DiffFormat.Git);
            }
            else break;
            i++;
        }
        return b.Build(DiffFormat.Git);
    }

    static DiffFile? ParseIndexFile(TextLines lines, ref int i)
    {
        var path = lines[i]["Index: ".Length..].Trim().ToString();
        var j = i + 2;
        // CVS/SVN metadata (RCS file:, retrieving revision, diff -u …) until the ---/+++ pair.
        while (j < lines.Length && j < i + 8 && !lines[j].StartsWith("--- ", StringComparison.Ordinal) && !lines[j].StartsWith("Index: ", StringComparison.Ordinal))
            j++;
        if (j + 1 >= lines.Length || !lines[j].StartsWith("--- ", StringComparison.Ordinal) || !lines[j + 1].StartsWith("+++ ", StringComparison.Ordinal))
        {
            // "Index:" with no diff under it (e.g. an svn property change): a file with no hunks.
            i += 2;
            return new Builder { OldPath = path, NewPath = path }.Build(DiffFormat.Cvs);
        }
        i = j;
        var file = ParseUnified(lines, ref i, DiffFormat.Cvs, path);
        return file;
    }

    static DiffFile ParseUnified(TextLines lines, ref int i, DiffFormat format, string? indexPath)
    {
        var b = new Builder();
        ReadPathsAndHunks(lines, ref i, b);
        if (format == DiffFormat.Unified) StripCommonPrefix(b);
        else if (indexPath is not null)
        {
            // CVS names the file relative to the Index: line's directory; the Index path is the useful one.
            if (b.OldPath is not null) b.OldPath = indexPath;
            if (b.NewPath is not null) b.NewPath = indexPath;
        }
        if (b.OldPath is null && b.NewPath is not null) b.Change = FileChangeKind.Added;
        else if (b.NewPath is null && b.OldPath is not null) b.Change = FileChangeKind.Deleted;
        return b.Build(format);
    }

    /// <summary>Reads "--- old" / "+++ new" then every hunk that follows.</summary>
    static void ReadPathsAndHunks(TextLines lines, ref int i, Builder b)
    {
        var oldP = DiffPath(lines[i][4..].ToString());
        var newP = DiffPath(lines[i + 1][4..].ToString());
        // Git headers already know renames; ---/+++ only fill in what is missing, /dev/null marks add/delete.
        if (oldP is null) b.OldPath = null; else if (b.Change is not (FileChangeKind.Renamed or FileChangeKind.Copied)) b.OldPath = oldP;
        if (newP is null) b.NewPath = null; else if (b.Change is not (FileChangeKind.Renamed or FileChangeKind.Copied)) b.NewPath = newP;
        i += 2;
        while (i < lines.Length)
        {
            if (lines[i].StartsWith("@@", StringComparison.Ordinal))
            {
                if (!ReadHunk(lines, ref i, b)) break;
                continue;
            }
            // Prose inserted between hunks (an annotated patch) or a hunk whose counts a mailer broke: the file
            // goes on if another hunk follows before any new file header.
            var next = NextHunkOrHeader(lines, i);
            if (next < 0 || !lines[next].StartsWith("@@ -", StringComparison.Ordinal)) break;
            i = next;
        }
    }

    /// <summary>Index of the next hunk header or file header at or after <paramref name="from"/>, or -1.</summary>
    static int NextHunkOrHeader(TextLines lines, int from)
    {
        for (var k = from; k < lines.Length; k++)
        {
            var l = lines[k];
            if (l.SequenceEqual("-- ")) return -1;
            if (l.StartsWith("@@ -", StringComparison.Ordinal) || l.StartsWith("diff ", StringComparison.Ordinal)
                || l.StartsWith("Index: ", StringComparison.Ordinal) || IsUnifiedStart(lines, k))
                return k;
        }
        return -1;
    }

    static bool ReadHunk(TextLines lines, ref int i, Builder b)
    {
        var m = HunkHeader().Match(lines.String(i));
        if (!m.Success) return false;
        int oldStart = Num(m.Groups[1].Value), oldCount = m.Groups[2].Success ? Num(m.Groups[2].Value) : 1;
        int newStart = Num(m.Groups[3].Value), newCount = m.Groups[4].Success ? Num(m.Groups[4].Value) : 1;
        var context = m.Groups[5].Value.Trim();
        if (FunctionNames.FromHunkContext(context, b.NewPath ?? b.OldPath) is { } ctxFn) b.Functions.Add(ctxFn);
        i++;
        int oldLeft = oldCount, newLeft = newCount, added = 0, removed = 0;
        var lastKind = ' ';
        while (i < lines.Length && (oldLeft > 0 || newLeft > 0 || lines[i] is ['\\', ..]))
        {
            var l = lines[i];
            char kind = l.Length == 0 ? ' ' : l[0];
            switch (kind)
            {
                case ' ': oldLeft--; newLeft--; break;
                case '-': oldLeft--; removed++; break;
                case '+': newLeft--; added++; break;
                case '\\':
                    if (lastKind == '-') b.OldNoNewline = true;
                    else if (lastKind == '+') b.NewNoNewline = true;
                    else { b.OldNoNewline = true; b.NewNoNewline = true; }
                    i++;
                    continue;
                default:
                    // A line that lost its leading space (web archives, some mailers): like patchwork, count it as
                    // context while the hunk still expects lines – but never swallow the next file or hunk.
                    if (l.StartsWith("diff ", StringComparison.Ordinal) || l.StartsWith("@@ ", StringComparison.Ordinal)
                        || l.StartsWith("Index: ", StringComparison.Ordinal))
                        goto done;
                    oldLeft--; newLeft--;
                    break;
            }
            if (l.Length > 0 && FunctionNames.FromDefinition(l[1..]) is { } defFn) b.Functions.Add(defFn);
            lastKind = kind;
            i++;
        }
    done:
        b.Added += added;
        b.Removed += removed;
        b.Hunks.Add(new DiffHunk(oldStart, oldCount, newStart, newCount, context, added, removed));
        return true;
    }

    static void SkipBinary(TextLines lines, ref int i)
    {
        while (i < lines.Length)
        {
            var l = lines[i];
            if (l.Length == 0 || l.StartsWith("literal ", StringComparison.Ordinal) || l.StartsWith("delta ", StringComparison.Ordinal) || IsBase85Line(l))
                i++;
            else break;
        }
    }

    static bool IsBase85Line(ReadOnlySpan<char> l)
    {
        // git's binary lines: a length letter then base85 characters (no spaces).
        if (l.Length < 2 || !char.IsAsciiLetter(l[0])) return false;
        foreach (var c in l)
            if (c <= ' ' || c > '~' || c is '"' or '\'' or ',' or '.' or '/' or ':' or '[' or '\\' or ']') return false;
        return true;
    }

    static void ParseIndexLine(Builder b, string v)
    {
        // "index abc123..def456 100644"
        var sp = v.IndexOf(' ');
        var range = sp < 0 ? v : v[..sp];
        if (sp > 0 && b.OldMode is null && b.NewMode is null) b.OldMode = b.NewMode = v[(sp + 1)..].Trim();
        var dots = range.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0) return;
        b.OldIndex = range[..dots];
        b.NewIndex = range[(dots + 2)..];
    }

    /// <summary>Paths from "diff --git a/x b/y" (or --no-prefix "x y"); ambiguous with spaces, so prefer equal halves.</summary>
    static (string?, string?) GitHeaderPaths(string rest)
    {
        rest = rest.TrimEnd();
        if (rest.StartsWith('"'))
        {
            var end = ClosingQuote(rest, 0);
            var a = Unquote(rest[..(end + 1)]);
            var bPart = rest[(end + 1)..].Trim();
            return (StripPrefix(a, "a/"), StripPrefix(Unquote(bPart), "b/"));
        }
        if ((rest.Length - 1) % 2 == 0 && rest.Length > 1)
        {
            var mid = (rest.Length - 1) / 2;
            if (rest[mid] == ' ')
            {
                var l = rest[..mid];
                var r = rest[(mid + 1)..];
                var ls = StripPrefix(l, "a/");
                var rs = StripPrefix(r, "b/");
                if (ls == rs) return (ls, rs);
            }
        }
        var bi = rest.IndexOf(" b/", StringComparison.Ordinal);
        if (rest.StartsWith("a/", StringComparison.Ordinal) && bi > 0)
            return (rest[2..bi], rest[(bi + 3)..]);
        var si = rest.IndexOf(' ');
        return si < 0 ? (rest, rest) : (rest[..si], rest[(si + 1)..]);
    }

    /// <summary>Path of a ---/+++ line: drops the timestamp after a tab, a/ b/ prefixes, /dev/null → null.</summary>
    static string? DiffPath(string s)
    {
        var tab = s.IndexOf('\t');
        if (tab >= 0) s = s[..tab];
        s = s.TrimEnd();
        if (s.StartsWith('"')) s = Unquote(s);
        if (s == "/dev/null") return null;
        if (s.StartsWith("a/", StringComparison.Ordinal) || s.StartsWith("b/", StringComparison.Ordinal)) s = s[2..];
        return s;
    }

    /// <summary>"linux.orig/fs/x.c" vs "linux/fs/x.c": patch -p1 style, the first component is a tree name.</summary>
    static void StripCommonPrefix(Builder b)
    {
        if (b.OldPath is null || b.NewPath is null) return;
        int os = b.OldPath.IndexOf('/'), ns = b.NewPath.IndexOf('/');
        if (os <= 0 || ns <= 0) return;
        if (b.OldPath[..os] != b.NewPath[..ns] && b.OldPath[(os + 1)..] == b.NewPath[(ns + 1)..])
        {
            b.OldPath = b.OldPath[(os + 1)..];
            b.NewPath = b.NewPath[(ns + 1)..];
        }
    }

    static string StripPrefix(string s, string prefix) => s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;

    static int ClosingQuote(string s, int open)
    {
        for (var k = open + 1; k < s.Length; k++)
        {
            if (s[k] == '\\') { k++; continue; }
            if (s[k] == '"') return k;
        }
        return s.Length - 1;
    }

    /// <summary>git's C-style quoted paths ("a/f\303\251e") → UTF-8 text.</summary>
    static string Unquote(string s)
    {
        s = s.Trim();
        if (s.Length < 2 || s[0] != '"' || s[^1] != '"') return s;
        var bytes = new List<byte>();
        for (var k = 1; k < s.Length - 1; k++)
        {
            var c = s[k];
            if (c != '\\' || k + 1 >= s.Length - 1) { bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString())); continue; }
            var n = s[++k];
            if (k + 2 < s.Length - 1 && IsOctal(n) && IsOctal(s[k + 1]) && IsOctal(s[k + 2]))
            {
                bytes.Add((byte)((n - '0') * 64 + (s[k + 1] - '0') * 8 + (s[k + 2] - '0')));
                k += 2;
                continue;
            }
            bytes.Add((byte)(n switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'a' => '\a', 'b' => '\b', 'f' => '\f', 'v' => '\v', _ => n }));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    static bool IsOctal(char c) => c is >= '0' and <= '7';

    static bool Take(ReadOnlySpan<char> line, string prefix, out string rest)
    {
        if (line.StartsWith(prefix, StringComparison.Ordinal)) { rest = line[prefix.Length..].ToString(); return true; }
        rest = "";
        return false;
    }

    static int Num(string s) => int.TryParse(s, out var n) ? n : 0;
}
