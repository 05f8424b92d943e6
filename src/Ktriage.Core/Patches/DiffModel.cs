namespace Ktriage.Core.Patches;

/// <summary>What a diff does to one file.</summary>
public enum FileChangeKind { Modified, Added, Deleted, Renamed, Copied }

/// <summary>Which diff dialect a file section was written in.</summary>
public enum DiffFormat { Git, Unified, Cvs }

/// <summary>One hunk: its ranges, the header context (usually the enclosing function) and its line counts.</summary>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, string Context, int Added, int Removed);

/// <summary>One file of a diff.</summary>
/// <param name="OldPath">path before the change (null for a created file).</param>
/// <param name="NewPath">path after the change (null for a deleted file).</param>
/// <param name="Similarity">rename/copy similarity percentage.</param>
/// <param name="OldNoNewline">the old side's last line has "\ No newline at end of file".</param>
/// <param name="Functions">functions touched: hunk contexts and C definitions seen in the hunk lines.</param>
public sealed record DiffFile(
    string? OldPath,
    string? NewPath,
    FileChangeKind Change,
    DiffFormat Format,
    int? Similarity,
    string? OldMode,
    string? NewMode,
    string? OldIndex,
    string? NewIndex,
    bool Binary,
    bool OldNoNewline,
    bool NewNoNewline,
    int Added,
    int Removed,
    IReadOnlyList<DiffHunk> Hunks,
    IReadOnlyList<string> Functions)
{
    /// <summary>The path a user thinks of: the new one, or the old one for a deletion.</summary>
    public string Path => NewPath ?? OldPath ?? "";
}

/// <summary>Totals like git's "N files changed, I insertions(+), D deletions(-)".</summary>
public sealed record DiffStat(int Files, int Insertions, int Deletions)
{
    public override string ToString()
    {
        var s = $"{Files} file{(Files == 1 ? "" : "s")} changed";
        if (Insertions > 0 || Deletions == 0) s += $", {Insertions} insertion{(Insertions == 1 ? "" : "s")}(+)";
        if (Deletions > 0 || Insertions == 0) s += $", {Deletions} deletion{(Deletions == 1 ? "" : "s")}(-)";
        return s;
    }
}

/// <summary>A parsed diff: its files, where it starts in the text, and the diff text itself.</summary>
/// <param name="Text">the diff section verbatim (from the first file header to the end of the last hunk).</param>
public sealed record ParsedDiff(IReadOnlyList<DiffFile> Files, string Text)
{
    public static ParsedDiff Empty { get; } = new([], "");

    public bool IsEmpty => Files.Count == 0;

    public DiffStat Stat => new(Files.Count, Files.Sum(f => f.Added), Files.Sum(f => f.Removed));

    /// <summary>Distinct touched functions over all files, in order of appearance.</summary>
    public IReadOnlyList<string> Functions => Files.SelectMany(f => f.Functions).Distinct().ToList();

    /// <summary>git's per-file diffstat lines (" path | 3 ++-"), then the summary line.</summary>
    public string RenderDiffStat()
    {
        if (Files.Count == 0) return "";
        var names = Files.Select(f => f.Change is FileChangeKind.Renamed or FileChangeKind.Copied && f.OldPath != f.NewPath
            ? $"{f.OldPath} => {f.NewPath}" : f.Path).ToList();
        var width = names.Max(n => n.Length);
        var maxChanges = Files.Max(f => f.Added + f.Removed);
        var countWidth = Math.Max(1, Files.Max(f => f.Binary ? 3 : (f.Added + f.Removed).ToString().Length));
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < Files.Count; i++)
        {
            var f = Files[i];
            sb.Append(' ').Append(names[i].PadRight(width)).Append(" | ");
            if (f.Binary) { sb.Append("Bin".PadLeft(countWidth)).Append('\n'); continue; }
            var total = f.Added + f.Removed;
            // git scales the bars to fit 80 columns; keep the proportion, cap at 50 characters.
            int plus = f.Added, minus = f.Removed;
            if (maxChanges > 50)
            {
                plus = (int)Math.Round(f.Added * 50.0 / maxChanges);
                minus = (int)Math.Round(f.Removed * 50.0 / maxChanges);
                if (f.Added > 0 && plus == 0) plus = 1;
                if (f.Removed > 0 && minus == 0) minus = 1;
            }
            sb.Append(total.ToString().PadLeft(countWidth));
            if (total > 0) sb.Append(' ').Append('+', plus).Append('-', minus);
            sb.Append('\n');
        }
        sb.Append(' ').Append(Stat).Append('\n');
        return sb.ToString();
    }
}
