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
        // The resend has its own cover: what it lacks is missing, not borrowed from v1.
        Assert.Equal("1 of 6 present", Calvin.Revisions[1].Completeness);
        Assert.Equal("Fixes for memory corruption in mpt2sas", Calvin.Title);
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

/// <summary>Seed 001's shape: two patches without a cover, 2/2 threaded under 1/2, a review on each.</summary>
public class NoCoverSeriesTests
{
    static readonly PatchSeries Series = SeriesBuilder.Build(MboxReader.Fixture("no-cover-reviews.mbox")).Single();

    [Fact]
    public void Both_patches_form_one_revision_without_a_cover()
    {
        var rev = Assert.Single(Series.Revisions);
        Assert.Null(rev.CoverMessageId);
        Assert.Equal("2 of 2 present", rev.Completeness);
        Assert.Equal("lockd: Do not start the lockd thread before we've set nlmsvc_rqst->rq_task", rev.Title);
    }

    [Fact]
    public void Each_review_stays_on_the_patch_it_answers()
    {
        // 2/2 is a reply to 1/2: a review of 2/2 must not count for 1/2, nor the other way round.
        Assert.All(Series.Latest.Patches, p =>
        {
            var c = Assert.Single(p.Collected);
            Assert.Equal("Reviewed-by: Jeff Layton <jlayton@primarydata.com>", c.Trailer.AsString());
            Assert.Equal(p.Counter == 1 ? "j1@x" : "j2@x", c.MessageId);
        });
    }

    [Fact]
    public void Maintainer_taking_these_accepts_the_series()
    {
        var p2 = Series.Latest.Patches[1];
        Assert.Contains(p2.Signals, s => s.Kind == SignalKind.Applied && s.Evidence.Contains("take these for 3.18"));
        Assert.DoesNotContain(Series.Latest.Patches[0].Signals, s => s.Kind == SignalKind.Applied);
        Assert.Equal(SeriesStatus.Accepted, Series.Status);
    }
}

/// <summary>The follow-up cases b4 0.12 missed (README): non-git diffs and patches whose blank context lines lost their space.</summary>
public class FollowupEdgeTests
{
    static IReadOnlyList<Ktriage.Core.Mail.Message> Thread(string patchBody) =>
    [
        MboxReader.One("From: Test Test <test@example.com>\nSubject: [PATCH] Simple test\nDate: Tue, 30 Aug 2022 11:19:07 -0400\nMessage-Id: <orig@example.com>\n\n" + patchBody),
        MboxReader.One("From: Followup Reviewer1 <followup-reviewer1@example.com>\nSubject: Re: [PATCH] Simple test\nDate: Tue, 30 Aug 2022 12:19:07 -0400\nMessage-Id: <fw1@example.com>\nIn-Reply-To: <orig@example.com>\n\n> Follow-up trailer collating test.\n\nReviewed-by: Followup Reviewer1 <followup-reviewer1@example.com>\n"),
    ];

    [Fact]
    public void Non_git_diff_collects_followups()
    {
        var messages = Thread("Follow-up trailer collating test.\n\nSigned-off-by: Original Submitter <original-submitter@example.com>\n---\n--- a/b4/junk.py\n+++ b/b4/junk.py\n@@ -1,3 +1,3 @@\n def junk():\n-    return 1\n+    return 2\n \n");
        var patch = Assert.Single(SeriesBuilder.Build(messages).Single().Latest.Patches);
        Assert.Equal("Reviewed-by: Followup Reviewer1 <followup-reviewer1@example.com>", Assert.Single(patch.Collected).Trailer.AsString());
        var am = AmMbox.Write(SeriesBuilder.Build(messages).Single().Latest, messages);
        Assert.Contains("Signed-off-by: Original Submitter <original-submitter@example.com>\nReviewed-by: Followup Reviewer1 <followup-reviewer1@example.com>\n\n--- a/b4/junk.py\n", am);
    }

    [Fact]
    public void Stripped_blank_context_lines_keep_the_patch_whole()
    {
        var messages = Thread("Follow-up trailer collating test.\n\nSigned-off-by: Original Submitter <original-submitter@example.com>\n---\ndiff --git a/b4/junk.py b/b4/junk.py\nindex 12345678..23456789 100644\n--- a/b4/junk.py\n+++ b/b4/junk.py\n@@ -1,5 +1,5 @@\n def junk():\n\n-    return 1\n+    return 2\n\n \n");
        var rev = SeriesBuilder.Build(messages).Single().Latest;
        var patch = Assert.Single(rev.Patches);
        Assert.Single(patch.Collected);
        Assert.Equal(new DiffStat(1, 1, 1), PatchAnalyzer.Analyze(messages[0]).Stat);
    }
}

/// <summary>Posting shapes seen on io-uring@ that confuse naive grouping.</summary>
public class PostingShapeTests
{
    static int serial;

    static Ktriage.Core.Mail.Message Mail(string subject, string id, string? replyTo = null, string from = "Jens Axboe <axboe@kernel.dk>", bool diff = true)
    {
        var n = Interlocked.Increment(ref serial);
        var body = diff ? $"Change {n}.\n\nSigned-off-by: {from}\n---\ndiff --git a/f{n}.c b/f{n}.c\n--- a/f{n}.c\n+++ b/f{n}.c\n@@ -1 +1 @@\n-a\n+b{n}\n" : "Cover.\n";
        return MboxReader.One($"From: {from}\nSubject: {subject}\nDate: Mon, 27 Sep 2021 06:17:{n % 60:00} +0000\nMessage-ID: <{id}>\n"
            + (replyTo is null ? "" : $"In-Reply-To: <{replyTo}>\n") + "\n" + body);
    }

    [Fact]
    public void Stale_cover_count_still_owns_its_patches()
    {
        var msgs = new List<Ktriage.Core.Mail.Message> { Mail("[PATCH 0/6] task_work optimization", "c@x", diff: false) };
        for (var i = 1; i <= 8; i++) msgs.Add(Mail($"[PATCH {i}/8] part {i}", $"p{i}@x", "c@x"));
        var rev = Assert.Single(SeriesBuilder.Build(msgs)).Latest;
        Assert.Equal("8 of 8 present", rev.Completeness);
        Assert.Equal("c@x", rev.CoverMessageId);
    }

    [Fact]
    public void Second_copy_at_a_position_is_a_duplicate_not_a_revision()
    {
        var msgs = new[]
        {
            Mail("[PATCH for-next 0/3] multishot recvmsg", "c@y", diff: false),
            Mail("[PATCH for-next 1/3] net: one", "1@y", "c@y"),
            Mail("[PATCH for-next 2/3] net: two", "2@y", "c@y"),
            Mail("[PATCH for-next 3/3] io_uring: reintroduce multishot recvmsg", "3@y", "c@y"),
            Mail("[PATCH for-next 3/3] io_uring: support multishot in recvmsg", "3b@y", "c@y"),
        };
        var rev = Assert.Single(Assert.Single(SeriesBuilder.Build(msgs)).Revisions);
        Assert.Equal(["1@y", "2@y", "3@y"], rev.Patches.Select(p => p.MessageId));
        Assert.Equal(["3b@y"], rev.Unused);
    }

    [Fact]
    public void Strays_with_another_count_are_set_aside()
    {
        // A botched send: the old 5-patch files went out with the new 6-patch ones, all answering the v6 cover.
        var msgs = new List<Ktriage.Core.Mail.Message> { Mail("[PATCHv6 0/6] ublk zero copy support", "c@u", from: "Keith Busch <kbusch@kernel.org>", diff: false) };
        for (var i = 1; i <= 6; i++)
        {
            msgs.Add(Mail($"[PATCHv6 {i}/6] part {i}", $"p{i}@u", "c@u", "Keith Busch <kbusch@kernel.org>"));
            if (i <= 5) msgs.Add(Mail($"[PATCHv6 {i}/5] old part {i}", $"o{i}@u", "c@u", "Keith Busch <kbusch@kernel.org>"));
        }
        var rev = Assert.Single(Assert.Single(SeriesBuilder.Build(msgs)).Revisions);
        Assert.Equal("6 of 6 present", rev.Completeness);
        Assert.Equal(5, rev.Unused.Count);
    }

    [Fact]
    public void Companion_patch_answering_another_is_not_its_revision()
    {
        var msgs = new[]
        {
            Mail("[PATCH v3] io_uring: maintain drain logic for multishot poll requests", "k@z"),
            Mail("[PATCH v2] add tests for drain io with multishot reqs", "t@z", "k@z"),
        };
        Assert.Equal(2, SeriesBuilder.Build(msgs).Count);
    }

    [Fact]
    public void Single_patch_v2_fixing_one_patch_of_a_v4_posting_is_the_newest_revision()
    {
        var msgs = new[]
        {
            Mail("[PATCHSET v4 0/4] Add support for list issue", "c@w", diff: false),
            Mail("[PATCH 1/4] block: add mq_ops->queue_rqs hook", "1@w", "c@w"),
            Mail("[PATCH 2/4] nvme: split command copy into a helper", "2@w", "c@w"),
            Mail("[PATCH 3/4] nvme: separate command prep and issue", "3@w", "c@w"),
            Mail("[PATCH 4/4] nvme: add support for mq_ops->queue_rqs()", "4@w", "c@w"),
            Mail("[PATCH v2 4/4] nvme: add support for mq_ops->queue_rqs()", "4b@w", "4@w"),
        };
        var series = Assert.Single(SeriesBuilder.Build(msgs));
        var latest = series.Latest;
        Assert.Equal(["1@w", "2@w", "3@w", "4b@w"], latest.Patches.Select(p => p.MessageId));
        Assert.Equal("Add support for list issue", series.Title);
        var am = AmMbox.Write(latest, msgs);
        Assert.Contains("Subject: [PATCH v2 1/4] block: add mq_ops->queue_rqs hook\n", am);
    }
}
