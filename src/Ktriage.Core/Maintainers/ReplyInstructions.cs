using System.Text;
using Ktriage.Core.Crashes;

namespace Ktriage.Core.Maintainers;

/// <summary>Ready-to-send replies: lore-style git send-email instructions for a message in the archive, or a new
/// report mail (headers, trimmed report, hints) addressed to the owners.</summary>
public static class ReplyInstructions
{
    /// <summary>lore's "Reply instructions" with the owners: To the maintainers, Cc reviewers, lists and the sender.</summary>
    public static string SendEmail(Owners owners, string messageId, string? sender = null, string? subject = null)
    {
        var to = owners.To.ToList();
        var cc = owners.Cc.ToList();
        if (sender is { Length: > 0 } && !to.Concat(cc).Any(a => a.Contains(Bare(sender), StringComparison.OrdinalIgnoreCase))) cc.Add(sender);
        if (to.Count == 0 && cc.Count > 0) { to.Add(cc[0]); cc.RemoveAt(0); }
        var sb = new StringBuilder("git send-email \\\n");
        sb.Append($"    --in-reply-to={Quote("<" + messageId.Trim('<', '>') + ">")} \\\n");
        if (subject is { Length: > 0 }) sb.Append($"    --subject={Quote(subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : "Re: " + subject)} \\\n");
        foreach (var a in to) sb.Append($"    --to={Quote(a)} \\\n");
        foreach (var a in cc) sb.Append($"    --cc={Quote(a)} \\\n");
        sb.Append("    /path/to/YOUR_REPLY\n");
        return sb.ToString();
    }

    const int MaxReportLines = 80;

    /// <summary>A new bug report for a crash found in <paramref name="text"/>: To/Cc from the owners, the crash title
    /// as subject, the report lines (trimmed) and the triage hints.</summary>
    public static string NewReport(Owners owners, CrashReport report, string text, string? ownersNote = null)
    {
        var sb = new StringBuilder();
        sb.Append("To: ").Append(string.Join(",\n    ", owners.To.DefaultIfEmpty(owners.Cc.FirstOrDefault() ?? ""))).Append('\n');
        var cc = owners.To.Count > 0 ? owners.Cc : owners.Cc.Skip(1).ToList();
        if (cc.Count > 0) sb.Append("Cc: ").Append(string.Join(",\n    ", cc)).Append('\n');
        sb.Append("Subject: [BUG] ").Append(report.Title).Append("\n\n");
        sb.Append("Hello,\n\n");
        var context = new List<string>();
        if (report.KernelVersion is { } kv) context.Add("kernel " + kv);
        if (report.Hardware is { } hw) context.Add(hw);
        if (report.Taint is { Flags.Length: > 0 } t) context.Add("tainted " + t.Flags);
        sb.Append("I hit the following crash").Append(context.Count > 0 ? " (" + string.Join("; ", context) + ")" : "").Append(":\n\n");
        foreach (var line in Trimmed(text, report)) sb.Append(line).Append('\n');
        sb.Append('\n');
        if (report.Hints.Count > 0)
        {
            sb.Append("Notes:\n");
            foreach (var h in report.Hints) sb.Append("- ").Append(h.Kind).Append(": ").Append(h.Message).Append('\n');
            sb.Append('\n');
        }
        if (ownersNote is { Length: > 0 }) sb.Append(ownersNote).Append('\n');
        return sb.ToString();
    }

    /// <summary>The report's lines from the text (first copy), quoting and console timestamps as they were, at most
    /// <see cref="MaxReportLines"/> (the head: header, registers, the top of the stack).</summary>
    public static IReadOnlyList<string> Trimmed(string text, CrashReport report)
    {
        var lines = text.Replace("\r", "").Split('\n');
        int from = Math.Clamp(report.StartLine - 1, 0, lines.Length);
        int to = Math.Clamp(report.EndLine, from, lines.Length);
        var slice = lines[from..to].ToList();
        if (slice.Count > MaxReportLines)
        {
            int cut = slice.Count - MaxReportLines;
            slice = slice.Take(MaxReportLines).Append($"[... {cut} more lines trimmed ...]").ToList();
        }
        return slice;
    }

    static string Bare(string address) =>
        address.LastIndexOf('<') is var i and >= 0 && address.IndexOf('>', i) is var j and > 0 ? address[(i + 1)..j] : address.Trim();

    /// <summary>Single-quoted for a POSIX shell.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
