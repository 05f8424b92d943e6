namespace Ktriage.Core.Patches;

/// <summary>
/// <c>b4 trailers -u</c> for a local commit: finds the posted patch with the same patch-id in the given
/// series and adds the trailers collected for it. A commit whose diff changed since posting gets nothing:
/// review of a different diff is not review of this one.
/// </summary>
public static class TrailerUpdater
{
    /// <param name="commitMessage">the full message: subject line, blank line, body.</param>
    /// <param name="diff">the commit's diff (as git show / format-patch prints it).</param>
    /// <returns>the updated message, or the original when no posted patch matches.</returns>
    public static string Update(string commitMessage, string diff, IEnumerable<PatchSeries> series, AmOptions? options = null)
    {
        options ??= AmOptions.Default;
        var patchId = PatchId.Compute(diff);
        if (patchId is null) return commitMessage;
        // The newest posting with this diff carries the most trailers (earlier ones are carried into it).
        var match = series.SelectMany(s => s.Revisions).Reverse().SelectMany(r => r.Patches)
            .FirstOrDefault(p => p.PatchId == patchId && p.InheritedFromVersion is null);
        if (match is null) return commitMessage;
        var text = commitMessage.Replace("\r", "");
        var nl = text.IndexOf('\n');
        var subject = nl < 0 ? text : text[..nl];
        var body = nl < 0 ? "" : text[(nl + 1)..];
        var fixedBody = AmMbox.FixTrailers(body, match.Collected.Select(c => c.Trailer), null, [], options with { AddLink = false, AddMessageId = false, CopyCcs = false });
        return subject + "\n\n" + fixedBody;
    }
}
