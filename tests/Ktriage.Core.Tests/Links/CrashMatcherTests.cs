using Ktriage.Core.Links;

namespace Ktriage.Core.Tests.Links;

/// <summary>Matching a new report against known clusters follows the clustering rules exactly.</summary>
public sealed class CrashMatcherTests
{
    static NormalizedFrame F(string name, double w = 1) => new(name, w);

    static CrashItem Item(long key, string title, IReadOnlyList<NormalizedFrame>? frames = null, bool corrupted = false, params string[] alt) =>
        new(key, key, key, false, title, alt, corrupted, null, frames ?? []);

    static readonly NormalizedFrame[] Stack = [F("io_poll_remove"), F("io_poll_task_func"), F("io_req_task_work"), F("tctx_task_work")];

    static CrashClusterer Known()
    {
        var c = new CrashClusterer();
        c.Add(Item(1, "KASAN: use-after-free Read in io_poll_remove", Stack, alt: "KASAN: use-after-free Read in io_poll_task_func"));
        c.Add(Item(2, "WARNING in io_rsrc_put_work", [F("io_rsrc_put_work"), F("process_one_work", 0.2), F("io_rsrc_node_ref_zero")]));
        return c;
    }

    [Fact]
    public void Same_title_and_shared_alt_title_match_with_score_one()
    {
        var known = Known();
        var same = Assert.Single(CrashMatcher.Matches(Item(9, "KASAN: use-after-free Read in io_poll_remove"), known));
        Assert.Equal((0, 1.0, "same title"), (same.Cluster, same.Score, same.Reason));
        var alt = Assert.Single(CrashMatcher.Matches(Item(9, "KASAN: use-after-free Read in io_poll_task_func"), known));
        Assert.Equal("same title", alt.Reason); // an alt title of a member is one of the titles the cluster joins on
        var byAlt = Assert.Single(CrashMatcher.Matches(Item(9, "other", alt: "WARNING in io_rsrc_put_work"), known));
        Assert.Equal((1L, "shared alt title"), (byAlt.Cluster, byAlt.Reason));
    }

    [Fact]
    public void A_similar_stack_matches_with_its_similarity_and_a_different_one_does_not()
    {
        var known = Known();
        // Another build: one extra unreliable frame, same order near the crash site.
        var similar = Assert.Single(CrashMatcher.Matches(Item(9, "general protection fault in io_poll_remove",
            [F("io_poll_remove"), F("io_poll_task_func"), F("junk", 0.3), F("io_req_task_work"), F("tctx_task_work")]), known));
        Assert.Equal(0, similar.Cluster);
        Assert.InRange(similar.Score, CrashMatcher.StackThreshold, 0.999);
        Assert.StartsWith("stack similarity", similar.Reason);
        Assert.Empty(CrashMatcher.Matches(Item(9, "BUG in io_poll_remove", [F("io_poll_remove"), F("foo"), F("bar"), F("baz")]), known));
    }

    [Fact]
    public void Corrupted_reports_never_match_by_title_and_short_stacks_never_by_stack()
    {
        var known = Known();
        Assert.Empty(CrashMatcher.Matches(Item(9, "KASAN: use-after-free Read in io_poll_remove", corrupted: true), known));
        Assert.Single(CrashMatcher.Matches(Item(9, "x", Stack, corrupted: true), known)); // its stack still identifies it
        Assert.Empty(CrashMatcher.Matches(Item(9, "x", Stack[..2]), known));
    }

    [Fact]
    public void Clusterer_places_a_report_where_the_first_match_is()
    {
        var known = Known();
        var item = Item(9, "general protection fault in io_poll_remove", [.. Stack, F("task_work_run", 0.2)]);
        var first = CrashMatcher.Matches(item, known).First();
        var placed = known.Add(item);
        Assert.Equal(first.Cluster, placed.Cluster);
        Assert.Equal(first.Reason, placed.Reason);
        // The joined report's title is now a key of that cluster.
        Assert.Contains("general protection fault in io_poll_remove", known.MatchKeys(placed.Cluster).Titles);
    }

    [Fact]
    public void The_total_weight_bound_and_the_fast_comparer_never_exclude_a_stack_that_matches()
    {
        // Random stacks over a small vocabulary, so that many pairs are similar: every pair at or above the threshold
        // must lie within the bound the stored index filters by.
        var random = new Random(5);
        double[] weights = [1, 1, 1, CrashFrames.UnreliableWeight, CrashFrames.PlumbingWeight];
        IReadOnlyList<NormalizedFrame> Random() => Enumerable.Range(0, random.Next(3, 9)).Select(_ => "f" + random.Next(10)).Distinct()
            .Select(n => F(n, weights[random.Next(weights.Length)])).ToList();
        var stacks = Enumerable.Range(0, 400).Select(_ => Random()).ToList();
        int similar = 0, skippable = 0;
        foreach (var a in stacks.Take(100))
        {
            var (min, max) = CrashFrames.TotalWeightRange(CrashFrames.TotalWeight(a), CrashMatcher.StackThreshold);
            foreach (var b in stacks)
            {
                var inRange = CrashFrames.TotalWeight(b) >= min && CrashFrames.TotalWeight(b) <= max;
                var exact = CrashFrames.Similarity(a, b);
                Assert.Equal(exact >= CrashMatcher.StackThreshold ? exact : 0, new CrashFrames.Comparer(a).Similarity(b, CrashMatcher.StackThreshold) is var fast && fast < CrashMatcher.StackThreshold ? 0 : fast);
                if (exact >= CrashMatcher.StackThreshold) { similar++; Assert.True(inRange); }
                else if (!inRange) skippable++;
            }
        }
        Assert.True(similar > 100 && skippable > 1000, $"{similar} similar, {skippable} skippable: the test data exercises nothing");
    }
}
