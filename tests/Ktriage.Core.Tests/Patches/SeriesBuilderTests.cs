using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>A series growing like seed 002's mpt2sas thread: 0/6, RESEND 0/6, 0/2 v2, then a partial v3.</summary>
public class SeriesBuilderTests
{
    static readonly IReadOnlyList<PatchSeries> Growth = SeriesBuilder.Build(MboxReader.Fixture("series-growth.mbox"));
    static PatchSeries Calvin => Growth.Single(s => s.Author!.Email == "calvinowens@example.com");

    [Fact]
    public void Someone_elses_patch_in_the_thread_stays_its_own_series()
    {
        Assert.Equal(2, Growth.Count);
        var other = Growth.Single(s => s.Author!.Email == "sreekanth.reddy@example.com");
        Assert.Single(other.Revisions);
    }

    [Fact]
    public void Revisions_are_linked_in_order_and_resend_is_marked()
    {
        Assert.Equal([(1, false), (1, true), (2, false), (3, false)], Calvin.Revisions.Select(r => (r.Version, r.Resend)));
        Assert.All(Calvin.Revisions.Take(3), r => Assert.Equal(SeriesStatus.Superseded, r.Status));
    }

    [Fact]
    public void Missing_patches_are_reported()
    {
        var v1 = Calvin.Revisions[0];
        Assert.Equal("2 of 6 present", v1.Completeness);
        Assert.Equal([3, 4, 5, 6], v1.Missing);
        Assert.Equal("Fixes for memory corruption in mpt2sas", v1.Title);
    }

    [Fact]
    public void Trailers_carry_over_when_the_diff_is_unchanged()
    {
        var resent = Calvin.Revisions[1].Patches.Single(p => p.Counter == 1);
        var carried = Assert.Single(resent.Collected);
        Assert.Equal(TrailerSource.EarlierRevision, carried.Source);
        Assert.Equal("Reviewed-by: Some Reviewer <reviewer@example.org>", carried.Trailer.AsString());
        // v2 squashed the patches: a different diff, so the old review does not apply.
        Assert.DoesNotContain(Calvin.Revisions[2].Patches, p => p.Collected.Count > 0);
    }

    [Fact]
    public void Informal_test_report_is_a_weak_signal_not_a_trailer()
    {
        var v2p1 = Calvin.Revisions[2].Patches.Single(p => p.Counter == 1);
        Assert.Empty(v2p1.Collected);
        Assert.Contains(v2p1.Signals, s => s.Kind == SignalKind.Tested && !s.Formal && s.Evidence.Contains("fixes it for me"));
        Assert.Contains(v2p1.Signals, s => s.Kind == SignalKind.Reviewed && !s.Formal);
    }

    [Fact]
    public void Partial_reroll_takes_the_patches_it_did_not_resend()
    {
        var v3 = Calvin.Revisions[3];
        Assert.Equal([1, 2], v3.Patches.Select(p => p.Counter));
        Assert.Equal(2, v3.Patches[0].InheritedFromVersion);
        Assert.Equal("v2-1@x", v3.Patches[0].MessageId);
        Assert.Null(v3.Patches[1].InheritedFromVersion);
        Assert.True(v3.Complete);
    }

    [Fact]
    public void Applied_reply_makes_the_series_accepted()
    {
        Assert.Equal(SeriesStatus.Accepted, Calvin.Revisions[3].Status);
        Assert.Equal(SeriesStatus.Accepted, Calvin.Status);
    }

    [SharedFact("mail/b4/naked-cover-single.mbox")]
    public void Naked_cover_from_the_author_is_the_cover_letter()
    {
        var rev = SeriesBuilder.Build(MboxReader.Shared("mail/b4/naked-cover-single.mbox")).Single().Latest;
        Assert.Equal("20221025-widget-v1-0-author@example.org", rev.CoverMessageId);
        Assert.True(rev.CoverInferred);
        Assert.Single(rev.Patches);
    }

    [SharedFact("mail/b4/naked-cover-bugreport.mbox")]
    public void Bug_report_answered_by_a_patch_is_not_a_cover_letter()
    {
        var rev = SeriesBuilder.Build(MboxReader.Shared("mail/b4/naked-cover-bugreport.mbox")).Single().Latest;
        Assert.Null(rev.CoverMessageId);
        Assert.Equal("widget: fix data corruption under load", rev.Title);
    }

    [SharedFact("mail/b4/trailers-followup-single.mbox")]
    public void Mismatched_identity_is_rejected_unless_sloppy()
    {
        var messages = MboxReader.Shared("mail/b4/trailers-followup-single.mbox");
        var strict = SeriesBuilder.Build(messages).Single().Latest.Patches.Single();
        Assert.Equal(["Followup Reviewer1", "Followup Reviewer2"], strict.Collected.Select(c => c.Trailer.PersonName));
        Assert.Equal("Mismatched Reviewer1", Assert.Single(strict.Rejected).Trailer.PersonName);
        var sloppy = SeriesBuilder.Build(messages, new SeriesOptions(Sloppy: true)).Single().Latest.Patches.Single();
        Assert.Equal(3, sloppy.Collected.Count);
        Assert.Equal(SeriesStatus.Tested, SeriesBuilder.Build(messages).Single().Status);
    }
}
