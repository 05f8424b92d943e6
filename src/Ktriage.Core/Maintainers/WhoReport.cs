using Ktriage.Core.Crashes;

namespace Ktriage.Core.Maintainers;

/// <summary>
/// Everything a "who should look at this" view shows, for the CLI (who/oops/crash) and the web crash page: the tree
/// used, what chose the files, the sections with their people and lists, To/Cc, and a ready reply (git send-email
/// for a message in the archive, else a new report mail). Serialises to the JSON of <c>ktriage who --json</c>.
/// </summary>
/// <param name="Subject">what was mapped: a crash title, a patch subject or the file paths.</param>
/// <param name="How">"file", "function", "module", "patch" or "files".</param>
public sealed record WhoReport(
    string Subject, string Tree, string How, string Evidence, IReadOnlyList<string> Files,
    IReadOnlyList<SubsystemOwners> Subsystems, string? Status, IReadOnlyList<string> To, IReadOnlyList<string> Cc,
    IReadOnlyList<Recipient> Recipients, string? SendEmail, string? Mail)
{
    /// <summary>The report as text lines (the CLI prints them, the web page escapes them): owners, each subsystem with
    /// its people, lists and trees, To/Cc, then the reply (git send-email, or the new report mail).</summary>
    public IEnumerable<string> Lines(bool reply = true)
    {
        yield return $"owners (MAINTAINERS of Linux {Tree}): {Evidence}";
        if (Files.Count > 0 && How != "files") yield return $"  files: {string.Join(", ", Files)}";
        foreach (var s in Subsystems)
        {
            yield return $"  {s.Name}  [{s.Status ?? "no status"}]  {s.MatchedBy}";
            if (s.Maintainers.Count > 0) yield return $"    maintainers: {string.Join(", ", s.Maintainers)}";
            if (s.Reviewers.Count > 0) yield return $"    reviewers: {string.Join(", ", s.Reviewers)}";
            if (s.Lists.Count > 0) yield return $"    lists: {string.Join(", ", s.Lists)}";
            foreach (var t in s.Trees) yield return $"    tree: {t}";
        }
        yield return $"  To: {(To.Count > 0 ? string.Join(", ", To) : "(no maintainer listed)")}";
        if (Cc.Count > 0) yield return $"  Cc: {string.Join(", ", Cc)}";
        if (!reply) yield break;
        if (SendEmail is { } se)
        {
            yield return "  reply:";
            foreach (var l in se.TrimEnd().Split('\n')) yield return $"    {l}";
        }
        else if (Mail is { } mail)
        {
            yield return "  new report mail:";
            foreach (var l in mail.TrimEnd().Split('\n')) yield return $"    | {l}";
        }
    }

    /// <summary>A crash's owners, or null when nothing in the report maps to the tree.</summary>
    /// <param name="text">the text the report was found in (for the trimmed report of a new mail).</param>
    /// <param name="messageId">set when the crash is a message of the archive: the reply is git send-email to it.</param>
    public static WhoReport? ForCrash(IKernelTree tree, CrashReport report, string text, string? messageId = null,
        string? sender = null, string? subject = null)
    {
        if (KernelOwners.ForCrash(tree, report) is not { } found || found.Owners.IsEmpty) return null;
        var o = found.Owners;
        var note = $"(Recipients from MAINTAINERS of Linux {tree.Version}: {string.Join(", ", o.Subsystems.Take(3).Select(s => s.Name))}; " +
            $"{found.Evidence}.)";
        return new WhoReport(report.Title, tree.Version, found.How, found.Evidence, found.Files, o.Subsystems, o.Status, o.To, o.Cc,
            o.Recipients,
            messageId is null ? null : ReplyInstructions.SendEmail(o, messageId, sender, subject),
            messageId is null ? ReplyInstructions.NewReport(o, report, text, note) : null);
    }

    /// <summary>A patch's owners (files it touches, keywords), with the reply to the patch mail when it is archived.</summary>
    public static WhoReport ForPatch(IKernelTree tree, string patchText, string subject, string? messageId = null, string? sender = null)
    {
        var o = KernelOwners.ForPatch(tree, patchText);
        return new WhoReport(subject, tree.Version, "patch", $"{o.Files.Count} file(s) touched by the patch", o.Files, o.Subsystems,
            o.Status, o.To, o.Cc, o.Recipients, messageId is null ? null : ReplyInstructions.SendEmail(o, messageId, sender, subject), null);
    }

    /// <summary>Owners of paths of the tree, like get_maintainer.pl -f.</summary>
    public static WhoReport ForFiles(IKernelTree tree, IReadOnlyList<string> files)
    {
        var o = KernelOwners.ForFiles(tree, files);
        return new WhoReport(string.Join(" ", o.Files), tree.Version, "files", "MAINTAINERS patterns", o.Files, o.Subsystems, o.Status,
            o.To, o.Cc, o.Recipients, null, null);
    }
}
