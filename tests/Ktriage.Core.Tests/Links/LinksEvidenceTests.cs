using Ktriage.Core.Links;

namespace Ktriage.Core.Tests.Links;

public sealed class LinksEvidenceTests
{
    static readonly DateTimeOffset Reported = new(2024, 11, 1, 20, 0, 0, TimeSpan.Zero);

    static CrashFacts Crash(params string[] botIds) => new(
        "general protection fault in io_sqe_buffer_register", [], ["io_sqe_buffer_register", "io_register_rsrc_update"], "io_uring/rsrc.c",
        Reported, new HashSet<string> { "report@google.com" }, new HashSet<long> { 7 }, new HashSet<string> { "human@example.org" },
        botIds.ToHashSet(), [Reported]);

    static FixCandidate Patch(double days, string subject = "io_uring/rsrc: fix null ptr dereference in io_sqe_buffer_register",
        IReadOnlyList<string>? functions = null, IReadOnlyList<TrailerFact>? trailers = null, long thread = 99, bool replyDiff = false,
        IReadOnlyList<Confirmation>? confirmations = null) => new(
        "fix@example.org", true, thread, Reported.AddDays(days), ["io_uring/rsrc.c"], functions ?? [], trailers ?? [], false,
        confirmations ?? [], null, null, null, null, replyDiff, subject, "", 1);

    [Fact]
    public void The_same_kind_of_bug_is_read_from_the_subject_first_then_the_commit_message()
    {
        string? BugClass(string subject, string message) => FixScoring.Evaluate(Crash(), Patch(2, subject, functions: ["io_sqe_buffer_register"])
            with { CommitMessage = message }).FirstOrDefault(e => e.Code == "same-bug-class")?.Detail;

        Assert.Equal("describes the same kind of bug (uninitialized)",
            BugClass("io_uring/rsrc: check the buffer count", "The iovec array is uninitialized when the NULL check fails."));
        Assert.Equal("describes the same kind of bug (null)",
            BugClass("io_uring/rsrc: fix null ptr dereference", "The iovec array is uninitialized."));
        Assert.Null(BugClass("io_uring/rsrc: check the buffer count", "Counts can be zero."));
    }

    [Fact]
    public void Content_evidence_works_without_any_tag()
    {
        var evidence = FixScoring.Evaluate(Crash(), Patch(2, functions: ["io_sqe_buffer_register"]));
        Assert.All(evidence, e => Assert.Equal(EvidenceKinds.Content, e.Kind));
        Assert.Contains(evidence, e => e.Code == "touches-crash-site" && e.Detail == "touches io_sqe_buffer_register in io_uring/rsrc.c");
        Assert.Contains(evidence, e => e.Code == "subject-names-function");
        Assert.Contains(evidence, e => e.Code == "fix-like");
        Assert.Contains(evidence, e => e.Code == "same-bug-class");
        Assert.True(FixScoring.Score(evidence) > 0.8);
    }

    [Fact]
    public void Sooner_and_fix_like_beats_later_refactoring()
    {
        var fix = FixScoring.Score(FixScoring.Evaluate(Crash(), Patch(2, functions: ["io_sqe_buffer_register"])));
        var refactor = FixScoring.Score(FixScoring.Evaluate(Crash(), Patch(200, "io_uring/rsrc: rename io_mapped_ubuf", ["io_sqe_buffer_register"])));
        Assert.True(fix > refactor, $"{fix} vs {refactor}");
    }

    [Fact]
    public void Patches_before_the_report_get_no_content_or_thread_evidence()
    {
        Assert.Empty(FixScoring.Evaluate(Crash(), Patch(-3, functions: ["io_sqe_buffer_register"], thread: 7)));
    }

    [Fact]
    public void Explicit_tags_name_the_bot_id_or_the_report()
    {
        var byBot = FixScoring.Evaluate(Crash("05c0f12a4d43d656817e"),
            Patch(400, trailers: [new("Reported-by", "syzbot+05c0f12a4d43d656817e@syzkaller.appspotmail.com", "syzbot+05c0f12a4d43d656817e@syzkaller.appspotmail.com")]));
        Assert.Contains(byBot, e => e.Kind == EvidenceKinds.Explicit && e.Code == "bot-id");
        // Late patches lose circumstantial weight, never the weight of a tag naming the report.
        Assert.True(FixScoring.Score(byBot) >= 0.95);
        Assert.Equal(0, FixScoring.Score(byBot, EvidenceKinds.Content | EvidenceKinds.Thread));

        var closes = FixScoring.Evaluate(Crash(), Patch(1, trailers: [new("Closes", "https://lore.kernel.org/r/report@google.com", null)]));
        Assert.Contains(closes, e => e.Code == "closes");
        var otherBot = FixScoring.Evaluate(Crash("05c0f12a4d43d656817e"),
            Patch(1, trailers: [new("Reported-by", "syzbot+ffffffffffffffffffff@syzkaller.appspotmail.com", "syzbot+ffffffffffffffffffff@syzkaller.appspotmail.com")]));
        Assert.DoesNotContain(otherBot, e => e.Kind == EvidenceKinds.Explicit);
    }

    [Fact]
    public void Thread_evidence_same_thread_and_reporter_confirmation()
    {
        var evidence = FixScoring.Evaluate(Crash(), Patch(11, thread: 7,
            confirmations: [new Confirmation("Frank", "Yes, that fixes it for me.", Reported.AddDays(13), true)]));
        Assert.Contains(evidence, e => e.Code == "same-thread" && e.Detail == "posted 11 days later in the report's thread");
        Assert.Contains(evidence, e => e.Code == "reporter-confirmed" && e.Detail == "reporter Frank replied 'Yes, that fixes it for me'");
        var thread = FixScoring.Score(evidence, EvidenceKinds.Thread);
        var asReplyDiff = FixScoring.Score(FixScoring.Evaluate(Crash(), Patch(11, thread: 7, replyDiff: true,
            confirmations: [new Confirmation("Frank", "Yes, that fixes it for me.", Reported.AddDays(13), true)])), EvidenceKinds.Thread);
        Assert.True(asReplyDiff < thread);
    }

    [Fact]
    public void Scores_combine_as_noisy_or_and_kinds_parse()
    {
        Evidence E(EvidenceKinds k, double w) => new(k, "x", w, "");
        Assert.Equal(0.75, FixScoring.Score([E(EvidenceKinds.Content, 0.5), E(EvidenceKinds.Thread, 0.5)]), 6);
        Assert.Equal(0.5, FixScoring.Score([E(EvidenceKinds.Content, 0.5), E(EvidenceKinds.Thread, 0.5)], EvidenceKinds.Content), 6);
        Assert.Equal(EvidenceKinds.Content | EvidenceKinds.Thread, FixScoring.ParseKinds("content, thread"));
        Assert.Equal(EvidenceKinds.All, FixScoring.ParseKinds(null));
        Assert.Null(FixScoring.ParseKinds("content,tags"));
    }

    [Fact]
    public void Status_follows_the_fix_and_counts_days()
    {
        var s = CrashStatus.Compute(Reported, Reported.AddDays(3),
            [new FixSignal(Ktriage.Core.Patches.SignalKind.Reviewed, Reported.AddDays(4), "a"), new FixSignal(Ktriage.Core.Patches.SignalKind.Applied, Reported.AddDays(6), "b")]);
        Assert.Equal(FixStage.FixApplied, s.Stage);
        Assert.Equal(6, s.DaysToFix);
        Assert.Equal(FixStage.Reported, CrashStatus.Compute(Reported, null, []).Stage);
        Assert.Equal(FixStage.FixReviewed, CrashStatus.Compute(Reported, Reported.AddDays(3), [new FixSignal(Ktriage.Core.Patches.SignalKind.Tested, Reported.AddDays(5), "c")]).Stage);
    }
}
