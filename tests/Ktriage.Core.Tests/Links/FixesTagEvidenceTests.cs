using Ktriage.Core.Links;

namespace Ktriage.Core.Tests.Links;

/// <summary>Fixes: tags: a fix of the commit that introduced the crashing code, if the reported kernel can contain it.</summary>
public sealed class FixesTagEvidenceTests
{
    static DateTimeOffset D(string s) => DateTimeOffset.Parse(s + "T00:00:00Z");

    static CrashFacts Crash(string reported, string? kernel) => new(
        "KASAN: use-after-free Read in io_poll_remove", [], ["io_poll_remove", "io_poll_task_func"], "io_uring/poll.c", D(reported),
        new HashSet<string>(), new HashSet<long>(), new HashSet<string>(), new HashSet<string>(), [D(reported)], [new ReportKernel(D(reported), kernel)]);

    static Culprit Culprit(string posted, params string[] functions) =>
        new("1234abcd5678ef90", "io_uring: add foo", D(posted), functions, ["io_uring/poll.c"]);

    [Theory]
    [InlineData("5.18.0-syzkaller", "5.18", "2022-06-12")]             // released 2022-05-22; 5.19-rc1 two weeks later; + a week of slack
    [InlineData("5.7.0-rc2-syzkaller", "5.7-rc2", "2020-05-03")]       // 5.6 on 2020-03-29: rc1 04-12, rc3 04-26; + slack
    [InlineData("6.1.0-rc3-next-20221104", "next-20221104", "2022-11-11")]
    public void Version_cut_offs_follow_the_release_calendar(string version, string label, string cutOff)
    {
        var cut = KernelReleases.CutOff(version)!.Value;
        Assert.Equal((label, D(cutOff)), (cut.Label, cut.CutOff));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("5.4.63+")]          // stable: backports from later releases
    [InlineData("2.6.21.5-x160")]
    [InlineData("not a version")]
    public void Versions_that_bound_nothing(string? version) => Assert.Null(KernelReleases.CutOff(version));

    [Fact]
    public void A_culprit_in_the_stack_that_the_kernel_can_contain_is_evidence_and_reads_well()
    {
        var e = FixesTagEvidence.Evaluate(Crash("2022-06-01", "5.18.0-syzkaller"), [Culprit("2022-03-01", "io_poll_remove")])!;
        Assert.Equal(("fixes-culprit", EvidenceKinds.Content), (e.Code, e.Kind));
        Assert.True(e.Weight > 0);
        Assert.Equal("Fixes: 1234abcd5678 (\"io_uring: add foo\") — that commit touched io_poll_remove (in the stack), posted 2022-03-01, before the report's kernel 5.18", e.Detail);
        // The guilty file is enough when no function matches, but counts for little: most culprits touch it.
        var file = FixesTagEvidence.Evaluate(Crash("2022-06-01", null), [Culprit("2022-03-01", "other")])!;
        Assert.Contains("io_uring/poll.c (the guilty file), posted 2022-03-01, before the report (2022-06-01)", file.Detail);
        Assert.InRange(file.Weight, 0.001, e.Weight / 2);
    }

    [Fact]
    public void A_culprit_the_kernel_cannot_contain_is_negative_evidence()
    {
        // Posted after 5.7-rc2's cut-off but before the report: the reporter's kernel predates it.
        var e = FixesTagEvidence.Evaluate(Crash("2020-06-01", "5.7.0-rc2-syzkaller"), [Culprit("2020-05-20", "io_poll_remove")])!;
        Assert.Equal("fixes-later-commit", e.Code);
        Assert.True(e.Weight < 0);
        Assert.Contains("after the report's kernel 5.7-rc2 was cut", e.Detail);
        Assert.EndsWith("the reported kernel cannot contain it", e.Detail);
        // Posted after the report itself.
        Assert.Contains("after the report (2020-06-01)", FixesTagEvidence.Evaluate(Crash("2020-06-01", null), [Culprit("2020-07-01", "io_poll_remove")])!.Detail);
    }

    [Fact]
    public void A_culprit_elsewhere_or_no_culprit_says_nothing()
    {
        Assert.Null(FixesTagEvidence.Evaluate(Crash("2022-06-01", "5.18.0"), [new Culprit("ab12cd34", "net: x", D("2022-03-01"), ["tcp_foo"], ["net/ipv4/tcp.c"])]));
        Assert.Null(FixesTagEvidence.Evaluate(Crash("2022-06-01", "5.18.0"), []));
    }

    [Fact]
    public void Scoring_counts_the_culprit_as_content_and_the_later_commit_only_against_other_evidence()
    {
        var crash = Crash("2022-06-01", "5.18.0-syzkaller");
        FixCandidate Fix(Culprit c, string[] functions, string file = "io_uring/rw.c") => new("fix@x", true, 7, D("2022-06-03"), [file], functions, [], false, [], null, null, null,
            Subject: "io_uring: something", CommitMessage: "", Culprits: [c]);
        var alone = FixScoring.Evaluate(crash, Fix(Culprit("2022-03-01", "io_poll_remove"), []));
        Assert.Contains(alone, e => e.Code == "fixes-culprit");
        var before = FixScoring.Score(FixScoring.Evaluate(crash, Fix(Culprit("2022-03-01", "x"), ["io_poll_remove"])));
        var later = FixScoring.Evaluate(crash, Fix(Culprit("2022-07-01", "io_poll_remove"), ["io_poll_remove"]));
        Assert.Contains(later, e => e.Code == "fixes-later-commit");
        Assert.True(FixScoring.Score(later) < before);
        Assert.DoesNotContain(FixScoring.Evaluate(crash, Fix(Culprit("2022-07-01", "x"), [], "net/core/dev.c")), e => e.Code == "fixes-later-commit");
    }
}
