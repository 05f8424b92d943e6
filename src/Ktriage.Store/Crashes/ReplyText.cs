using System.Text.Json;
using Ktriage.Core.Links;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;

namespace Ktriage.Store.Crashes;

/// <summary>A bare diff in a reply that ingest stored no diff facts for (it keeps patch facts of a reply only when it
/// carries trailers or signals, so a "#syz test" diff in a report thread is read from its text).</summary>
internal sealed record InlineDiff(List<string> Functions, List<string> Files);

/// <summary>What the crash linker reads of a reply in a crash report's thread: the sender's own words (quotes removed),
/// the subject of a patch sent inline, and its <see cref="InlineDiff"/>. Ingest stores it (table reply_texts) for the
/// replies of threads that hold a crash report when the reply arrives, computed from the message it has parsed
/// anyway, so that linking does not read and parse the raw copy again; for any other message (a reply that came
/// before the report, or stored by an older version) the linker computes it from the raw copy, the same way.</summary>
internal sealed record ReplyText(string Own, string? InlineSubject, InlineDiff? Diff)
{
    /// <param name="storedDiff">whether the message has diff facts (patch_files rows): then its text is not read for one.</param>
    public static ReplyText Of(Message m, bool storedDiff)
    {
        InlineDiff? inline = null;
        if (!storedDiff && (m.AllText.Contains("\n+++ ", StringComparison.Ordinal) || m.AllText.Contains("diff --git", StringComparison.Ordinal)))
        {
            var diff = PatchAnalyzer.DiffOf(m);
            if (!diff.IsEmpty)
                inline = new InlineDiff(diff.Functions.ToList(), diff.Files.SelectMany(f => new[] { f.OldPath, f.NewPath }).OfType<string>()
                    .Where(x => x != "/dev/null").Select(x => x.Split(' ')[0]).Distinct().ToList());
        }
        return new ReplyText(LinkText.OwnText(m.Body), LinkText.InlinePatchSubject(m.Body), inline);
    }

    /// <summary>The paths ingest stores as patch_files for these facts (none: the linker reads the text for a diff).</summary>
    public static bool HasStoredDiff(MessageFacts? facts) =>
        facts is { HasPatchFacts: true, Patch: { } p } && p.Files.Any(f => f.OldPath is { } o && o != "/dev/null" || f.NewPath is { } n && n != "/dev/null");

    /// <summary>The row ingest stores for a reply of a report thread, or null when there is none to store: the
    /// computation failed (the linker will meet the same failure in its own time), or a text holds a NUL, which
    /// PostgreSQL text cannot (the linker then reads the raw copy, on either store, so both give the same links).</summary>
    public static (string Own, string? InlineSubject, string? Diff)? Row(Message m, MessageFacts? facts)
    {
        ReplyText text;
        try { text = Of(m, HasStoredDiff(facts)); }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
        var diff = text.Diff is null ? null : JsonSerializer.Serialize(text.Diff, StoreJson.Options);
        if (text.Own.Contains('\0') || text.InlineSubject?.Contains('\0') == true || diff?.Contains("\\u0000", StringComparison.Ordinal) == true)
            return null;
        return (text.Own, text.InlineSubject, diff);
    }

    /// <summary>A stored row read back.</summary>
    public static ReplyText FromRow(string own, string? inlineSubject, string? diff) =>
        new(own, inlineSubject, diff is null ? null : JsonSerializer.Deserialize<InlineDiff>(diff, StoreJson.Options));
}
