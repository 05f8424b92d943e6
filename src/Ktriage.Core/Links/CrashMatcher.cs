namespace Ktriage.Core.Links;

/// <summary>A cluster a crash report belongs to by the clustering rules, with why.</summary>
/// <param name="Score">1 for a title match; the stack similarity otherwise.</param>
public sealed record CrashMatch(long Cluster, double Score, string Reason);

/// <summary>What matching needs to look up about known clusters: the in-memory clusterer and the stored
/// knowledge base (for <c>ktriage oops --db</c>) answer the same questions, so both match by the same rules.</summary>
public interface ICrashIndex
{
    /// <summary>Clusters one of whose (non-corrupted) reports has this title or alt title, oldest cluster first.</summary>
    IEnumerable<long> WithTitle(string title);

    /// <summary>Clusters with a representative stack whose top frames include one of <paramref name="frames"/>,
    /// with their representative stacks; stacks whose total weight (<see cref="CrashFrames.TotalWeight"/>) is outside
    /// <paramref name="totals"/> cannot match and may be left out.</summary>
    IEnumerable<(long Cluster, IReadOnlyList<IReadOnlyList<NormalizedFrame>> Stacks)> WithTopFrames(IReadOnlyList<string> frames, (double Min, double Max) totals);

    /// <summary>Whether a report naming syzbot bug <paramref name="botId"/> may join the cluster.</summary>
    bool Compatible(long cluster, string? botId);
}

/// <summary>
/// The clustering rules for "is this report a known bug", shared by <see cref="CrashClusterer"/> and lookups of a
/// new log against the archive: same title or a shared alt title (never for corrupted reports, whose title does not
/// identify the bug), else stack similarity ≥ <see cref="StackThreshold"/> with a representative stack of a
/// cluster that shares one of the report's top <see cref="IndexedFrames"/> frames.
/// </summary>
public static class CrashMatcher
{
    public const double StackThreshold = 0.7;
    /// <summary>Frames of a representative stack that go into the frame index (crash site and the frames right below).</summary>
    public const int IndexedFrames = 3;
    /// <summary>Representative stacks kept per cluster: the first ones that differ (similarity &lt; 0.95) from those kept.</summary>
    public const int Representatives = 3;

    /// <summary>Title keys: the title and alt titles, non-empty, distinct.</summary>
    public static IEnumerable<string> Titles(string title, IReadOnlyList<string> altTitles) =>
        altTitles.Prepend(title).Where(t => t.Length > 0).Distinct();

    public static IEnumerable<string> Titles(CrashItem item) => Titles(item.Title, item.AltTitles);

    /// <summary>The frames under which a stack is indexed.</summary>
    public static IReadOnlyList<string> TopFrames(IReadOnlyList<NormalizedFrame> frames) =>
        frames.Take(IndexedFrames).Select(f => f.Name).Distinct().ToList();

    /// <summary>Whether <paramref name="stack"/> adds a representative to a cluster holding <paramref name="kept"/>.</summary>
    public static bool IsNewRepresentative(IReadOnlyList<IReadOnlyList<NormalizedFrame>> kept, IReadOnlyList<NormalizedFrame> stack) =>
        kept.Count < Representatives && stack.Count > 0 && kept.All(s => CrashFrames.Similarity(s, stack) < 0.95);

    /// <summary>
    /// Every cluster <paramref name="item"/> matches, in the order clustering prefers them: title matches (title
    /// first, then alt titles), then stack matches best first. Lazy: stacks are compared only when asked for more
    /// than the title matches.
    /// </summary>
    public static IEnumerable<CrashMatch> Matches(CrashItem item, ICrashIndex index)
    {
        var seen = new HashSet<long>();
        if (!item.Corrupted)
            foreach (var title in Titles(item))
                foreach (var id in index.WithTitle(title))
                    if (index.Compatible(id, item.BotId) && seen.Add(id))
                        yield return new CrashMatch(id, 1.0, title == item.Title ? "same title" : "shared alt title");
        if (item.Frames.Count < CrashFrames.MinFramesForStackMatch) yield break;
        var scored = new List<CrashMatch>();
        var compared = new HashSet<long>();
        var totals = CrashFrames.TotalWeightRange(CrashFrames.TotalWeight(item.Frames), StackThreshold);
        var comparer = new CrashFrames.Comparer(item.Frames);
        foreach (var (id, stacks) in index.WithTopFrames(TopFrames(item.Frames), totals))
        {
            if (seen.Contains(id) || !compared.Add(id) || !index.Compatible(id, item.BotId)) continue;
            var best = 0.0;
            foreach (var stack in stacks)
                if (stack.Count >= CrashFrames.MinFramesForStackMatch)
                    best = Math.Max(best, comparer.Similarity(stack, StackThreshold));
            if (best >= StackThreshold) scored.Add(new CrashMatch(id, best, $"stack similarity {best:F2}"));
        }
        // Stable: among equal scores the cluster met first (oldest) wins, as in clustering.
        foreach (var m in scored.OrderByDescending(m => m.Score)) yield return m;
    }
}
