using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>patchwork's series-grouping cases: postings (patchwork's "series") and how they link as revisions.</summary>
public class PatchworkSeriesTests
{
    /// <summary>Shape of a result: per series, per revision "vN:cover?+patchcount", e.g. "v1:c+2 v2:c+2".</summary>
    static string Shape(IReadOnlyList<PatchSeries> series) =>
        string.Join(" | ", series.Select(s => string.Join(" ", s.Revisions.Select(r =>
            $"v{r.Version}:{(r.CoverMessageId is null ? "" : "c+")}{r.Patches.Count}"))));

    [SharedTheory("mail/patchwork-series")]
    [InlineData("base-cover-letter.mbox", "v1:c+2")]
    [InlineData("base-deep-threaded.mbox", "v1:c+2")]
    [InlineData("base-different-versions.mbox", "v3:c+4")]
    [InlineData("base-extra-patches.mbox", "v1:c+3")]
    [InlineData("base-incomplete.mbox", "v1:c+1")]
    [InlineData("base-no-cover-letter.mbox", "v1:2")]
    [InlineData("base-no-references-no-cover.mbox", "v1:c+2")]
    [InlineData("base-no-references.mbox", "v2:2")]
    [InlineData("base-out-of-order.mbox", "v1:c+2")]
    [InlineData("base-single-patch.mbox", "v1:1")]
    // Different titles and the v2 answers a message we do not have: nothing says they are one series.
    [InlineData("bugs-mixed-versions.mbox", "v1:1 | v2:1")]
    [InlineData("bugs-multiple-content-types.mbox", "v1:1")]
    [InlineData("bugs-multiple-references.mbox", "v2:c+4")]
    [InlineData("bugs-nocover-noversion.mbox", "v1:2 v1:2")]
    [InlineData("bugs-nocover.mbox", "v1:2 v2:2")]
    [InlineData("bugs-spamming.mbox", "v2:1 v2:1 v2:1")]
    [InlineData("bugs-unnumbered.mbox", "v1:c+2")]
    [InlineData("mercurial-cover-letter.mbox", "v1:c+2")]
    [InlineData("mercurial-no-cover-letter.mbox", "v1:2")]
    [InlineData("revision-basic.mbox", "v1:c+2 v2:c+2")]
    [InlineData("revision-no-cover-letter.mbox", "v1:c+2 v2:2")]
    [InlineData("revision-out-of-order.mbox", "v1:c+2 v2:c+2")]
    [InlineData("revision-threaded-to-cover.mbox", "v1:c+2 v2:c+2")]
    [InlineData("revision-threaded-to-patch.mbox", "v1:c+2 v2:c+2")]
    [InlineData("revision-threaded-to-single-patch.mbox", "v1:1 v2:1")]
    [InlineData("revision-unlabeled-noreferences.mbox", "v2:2 v2:2")]
    [InlineData("revision-unlabeled.mbox", "v1:c+2 v1:c+2")]
    [InlineData("dependency-base-patch.mbox", "v1:c+2")]
    public void Series_shape(string file, string shape)
    {
        var series = SeriesBuilder.Build(MboxReader.Shared($"mail/patchwork-series/{file}"));
        Assert.Equal(shape, Shape(series));
    }

    [SharedFact("mail/patchwork-series")]
    public void Incomplete_series_reports_the_missing_patch()
    {
        var rev = SeriesBuilder.Build(MboxReader.Shared("mail/patchwork-series/base-incomplete.mbox")).Single().Latest;
        Assert.Equal([2], rev.Missing);
        Assert.Equal("1 of 2 present", rev.Completeness);
    }

    [SharedFact("mail/patchwork-series")]
    public void Older_revision_is_superseded()
    {
        var s = SeriesBuilder.Build(MboxReader.Shared("mail/patchwork-series/revision-basic.mbox")).Single();
        Assert.Equal(SeriesStatus.Superseded, s.Revisions[0].Status);
        Assert.Equal(SeriesStatus.New, s.Revisions[1].Status);
        Assert.True(s.Revisions.All(r => r.Complete));
    }
}
