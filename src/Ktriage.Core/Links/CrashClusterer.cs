namespace Ktriage.Core.Links;

/// <summary>One stored crash report as clustering sees it.</summary>
/// <param name="Key">the report's id (crash_reports.id).</param>
/// <param name="Message">the message carrying it; <paramref name="Thread"/> its thread.</param>
/// <param name="IsReply">the message answers another one (it may be quoting an earlier report).</param>
/// <param name="BotId">syzbot's bug id (extid) when a bot sent or names it.</param>
public sealed record CrashItem(
    long Key, long Message, long Thread, bool IsReply, string Title, IReadOnlyList<string> AltTitles, bool Corrupted,
    string? BotId, IReadOnlyList<NormalizedFrame> Frames);

/// <summary>Where a report went: its cluster, and the report it is a copy of (quoted in a reply, or follow-on noise
/// of the same log) when it is not a report of its own.</summary>
public sealed record Placement(int Cluster, long? CopyOf, string Reason);

/// <summary>
/// Groups crash reports into clusters of the same bug, one report at a time (feed them oldest first), so a new
/// report finds its cluster through indexes instead of comparing against everything:
/// <list type="number">
/// <item>Copies. A corrupted report after another in the same message is the tail of that log. A report in a reply
/// whose thread already holds a report with the same title (or alt title), or which is corrupted, or whose stack
/// matches, is that report quoted or re-posted ("&gt; BUG: …" in a reply; syzbot's "found a reproducer" update):
/// it joins the cluster as a copy and does not count as a new report.</item>
/// <item>Title: same title, or a title shared with any member's alt titles. Corrupted reports ("… in corrupted")
/// never join by title: the title does not identify the bug.</item>
/// <item>Stack: similarity ≥ <see cref="StackThreshold"/> with a representative of a cluster whose stacks share one
/// of the item's top frames (the frame index keeps this cheap).</item>
/// </list>
/// Reports naming different syzbot bug ids never join: syzbot already deduplicates by title, so a second id for
/// the same title is a new bug (typically a recurrence after a fix) and wants its own fix.
/// </summary>
public sealed class CrashClusterer : ICrashIndex
{
    public const double StackThreshold = CrashMatcher.StackThreshold;

    sealed class Cluster(int id, string title)
    {
        public int Id { get; } = id;
        public string Title { get; } = title;
        public HashSet<string> BotIds { get; } = [];
        public List<IReadOnlyList<NormalizedFrame>> Stacks { get; } = [];
        public List<string> Titles { get; } = [];
    }

    sealed record Seen(CrashItem Item, int Cluster);

    readonly List<Cluster> clusters = [];
    readonly Dictionary<string, List<int>> byTitle = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<int>> byFrame = new(StringComparer.Ordinal);
    readonly Dictionary<long, List<Seen>> byThread = [];

    public int Count => clusters.Count;

    /// <summary>What a cluster is matched by (see <see cref="CrashMatcher"/>): the titles it joins on and its
    /// representative stacks. Stored with the clusters so that a new log can be matched without reclustering.</summary>
    public (IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<NormalizedFrame>> Stacks) MatchKeys(int cluster) =>
        (clusters[cluster].Titles, clusters[cluster].Stacks);

    public Placement Add(CrashItem item)
    {
        var placement = Place(item);
        if (!byThread.TryGetValue(item.Thread, out var seen)) byThread[item.Thread] = seen = [];
        seen.Add(new Seen(item, placement.Cluster));
        return placement;
    }

    Placement Place(CrashItem item)
    {
        if (FindOriginal(item) is { } original)
        {
            var c = clusters[original.Cluster];
            if (item.BotId is { } b) c.BotIds.Add(b);
            return new Placement(c.Id, original.Item.Key,
                original.Item.Message == item.Message ? "follow-on report in the same log" : "copy of an earlier report in the thread");
        }
        if (CrashMatcher.Matches(item, this).FirstOrDefault() is { } match)
        {
            var hit = clusters[(int)match.Cluster];
            Join(hit, item);
            return new Placement(hit.Id, null, match.Reason);
        }
        var created = new Cluster(clusters.Count, item.Title);
        clusters.Add(created);
        Join(created, item);
        return new Placement(created.Id, null, "new");
    }

    IEnumerable<long> ICrashIndex.WithTitle(string title) => byTitle.TryGetValue(title, out var ids) ? ids.Select(i => (long)i) : [];

    // In memory every stack is compared: the total-weight bound only pays where stacks must be read and parsed.
    IEnumerable<(long Cluster, IReadOnlyList<IReadOnlyList<NormalizedFrame>> Stacks)> ICrashIndex.WithTopFrames(IReadOnlyList<string> frames, (double Min, double Max) totals) =>
        frames.SelectMany(f => byFrame.GetValueOrDefault(f) ?? []).Distinct()
            .Select(id => ((long)id, (IReadOnlyList<IReadOnlyList<NormalizedFrame>>)clusters[id].Stacks));

    bool ICrashIndex.Compatible(long cluster, string? botId) => Compatible(clusters[(int)cluster], botId);

    Seen? FindOriginal(CrashItem item)
    {
        if (!byThread.TryGetValue(item.Thread, out var earlier)) return null;
        foreach (var e in earlier)
        {
            if (e.Item.Message == item.Message)
            {
                if (item.Corrupted) return e;
                continue;
            }
            if (!item.IsReply) continue;
            if (item.Corrupted || CrashMatcher.Titles(item).Intersect(CrashMatcher.Titles(e.Item)).Any()
                || (item.Frames.Count >= CrashFrames.MinFramesForStackMatch && CrashFrames.Similarity(item.Frames, e.Item.Frames) >= StackThreshold))
                return e;
        }
        return null;
    }

    static bool Compatible(Cluster c, string? botId) => botId is null || c.BotIds.Count == 0 || c.BotIds.Contains(botId);

    void Join(Cluster c, CrashItem item)
    {
        if (item.BotId is { } b) c.BotIds.Add(b);
        if (!item.Corrupted)
            foreach (var t in CrashMatcher.Titles(item))
            {
                if (!byTitle.TryGetValue(t, out var ids)) byTitle[t] = ids = [];
                if (!ids.Contains(c.Id)) { ids.Add(c.Id); c.Titles.Add(t); }
            }
        if (CrashMatcher.IsNewRepresentative(c.Stacks, item.Frames))
        {
            c.Stacks.Add(item.Frames);
            foreach (var f in CrashMatcher.TopFrames(item.Frames))
            {
                if (!byFrame.TryGetValue(f, out var ids)) byFrame[f] = ids = [];
                if (!ids.Contains(c.Id)) ids.Add(c.Id);
            }
        }
    }
}
