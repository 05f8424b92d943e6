using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

public class PatchAnalyzerTests
{
    const string Diff = """
        diff --git a/nfsd/vfs.c b/nfsd/vfs.c
        index 1111111..2222222 100644
        --- a/nfsd/vfs.c
        +++ b/nfsd/vfs.c
        @@ -1,3 +1,3 @@ nfsd_racache_init(int cache_size)
         	int i;
        -	for (i = 0; i < cache_size - 1; i++) {
        +	for (i = 0; i < cache_size; i++) {
         	}
        """;

    static PatchInfo Analyze(string headers, string body) => PatchAnalyzer.Analyze(MboxReader.One(headers + "\n\n" + body));

    [Fact]
    public void Patch_with_fixes_tag_and_prose_culprit()
    {
        var info = Analyze("From: J. Bruce Fields <bfields@example.org>\nSubject: [PATCH] knfsd: fix raparm init\nMessage-ID: <p@x>",
            "It looks like the bug was probably introduced with commit\nfce1456a19f5c08b688c29f00ef90fdfa074c79b (\"knfsd: make the readahead\nparams cache SMP-friendly\").\n\nFixes: 0123456789ab (\"nfsd: something else\")\nSigned-off-by: J. Bruce Fields <bfields@example.org>\n---\n" + Diff);
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal(["nfsd_racache_init"], info.Functions);
        Assert.Equal(
            [new CommitMention("0123456789ab", "nfsd: something else", MentionKind.FixesTag),
             new CommitMention("fce1456a19f5c08b688c29f00ef90fdfa074c79b", "knfsd: make the readahead params cache SMP-friendly", MentionKind.Culprit)],
            info.Commits);
        Assert.Equal(["Fixes", "Signed-off-by"], info.Trailers.Select(t => t.Name));
        Assert.NotNull(info.PatchId);
    }

    [Fact]
    public void In_body_from_names_the_author()
    {
        var info = Analyze("From: Greg KH <gregkh@example.org>\nSubject: [PATCH 5.10 012/100] nfsd: fix\nMessage-ID: <stable@x>",
            "From: Jane Dev <jane@example.com>\n\n[ Upstream commit 0123456789abcdef0123456789abcdef01234567 ]\n\nFix.\n\nSigned-off-by: Jane Dev <jane@example.com>\n---\n" + Diff);
        Assert.Equal(new Ktriage.Core.Mail.MailAddress("Jane Dev", "jane@example.com"), info.Author);
        Assert.Equal(MentionKind.Upstream, Assert.Single(info.Commits).Kind);
        Assert.Null(Analyze("From: A <a@x.org>\nSubject: [PATCH] y\nMessage-ID: <y@x>", "Body.\n---\n" + Diff).Author);
    }

    [Fact]
    public void Reply_carrying_a_diff_is_a_comment()
    {
        var info = Analyze("From: Reviewer <r@example.org>\nSubject: Re: [PATCH] knfsd: fix raparm init\nMessage-ID: <c@x>\nIn-Reply-To: <p@x>",
            "> quoted\n\nHow about this instead?\n\n" + Diff);
        Assert.Equal(MessageKind.Comment, info.Kind);
        Assert.Single(info.Files);
        Assert.Null(info.PatchId);
    }

    [Fact]
    public void Cover_letter_and_unnumbered_discussion()
    {
        Assert.Equal(MessageKind.CoverLetter, Analyze("From: A <a@x.org>\nSubject: [PATCH v2 0/3] thing\nMessage-ID: <c0@x>", "Cover text.\n").Kind);
        var withInterdiff = Analyze("From: A <a@x.org>\nSubject: [PATCH v2 0/3] thing\nMessage-ID: <c3@x>", "Changes since v1:\n\nInterdiff:\n" + Diff);
        Assert.Equal(MessageKind.CoverLetter, withInterdiff.Kind);
        Assert.Single(withInterdiff.Files);
        Assert.Equal(MessageKind.Comment, Analyze("From: A <a@x.org>\nSubject: [PATCH 1/3] thing\nMessage-ID: <c1@x>", "Diff got lost.\n").Kind);
        Assert.Equal(MessageKind.Comment, Analyze("From: A <a@x.org>\nSubject: BUG: KASAN in io_uring\nMessage-ID: <c2@x>", "Oops.\n").Kind);
    }

    [Fact]
    public void Informal_review_offer_and_tested_phrase_seed_004()
    {
        var info = Analyze("From: Thomas Huth <thuth@example.com>\nSubject: Re: [PATCH] KVM: PPC: Book3S HV: Synthesize segment fault if SLB lookup fails\nMessage-ID: <r@x>\nIn-Reply-To: <p@x>",
            "On 27/10/15 06:13, Paul Mackerras wrote:\n> When handling a hypervisor data or instruction storage interrupt\n\nI've tested the patch and it fixes the guest crashes for me. I think this is\nthe right fix for this issue! So if you like, you can add my\n\"Reviewed-by\" or \"Tested-by\" to this patch.\n");
        Assert.Empty(info.Trailers);
        Assert.Contains(info.Signals, s => s is { Kind: SignalKind.Reviewed, Formal: false });
        Assert.Contains(info.Signals, s => s is { Kind: SignalKind.Tested, Formal: false });
        Assert.DoesNotContain(info.Signals, s => s.Kind == SignalKind.Applied);
    }

    [Fact]
    public void Formal_trailers_in_a_reply_are_formal_signals()
    {
        var info = Analyze("From: David Gibson <david@gibson.dropbear.id.au>\nSubject: Re: [PATCH] KVM: PPC: fix\nMessage-ID: <r2@x>\nIn-Reply-To: <p@x>",
            "> Signed-off-by: Paul Mackerras <paulus@samba.org>\n\nReviewed-by: David Gibson <david@gibson.dropbear.id.au>\n");
        var t = Assert.Single(info.Trailers);
        Assert.Equal("david@gibson.dropbear.id.au", t.Email);
        Assert.Equal(SignalKind.Reviewed, Assert.Single(info.Signals).Kind);
        Assert.True(info.Signals[0].Formal);
    }

    [Theory]
    [InlineData("Applied, thanks!", true)]
    [InlineData("Thanks, applied to net-next.", true)]
    [InlineData("Queued for 6.8, thanks.", true)]
    [InlineData("I applied it locally and it fixes the crash.", false)]
    [InlineData("Once this is applied we can remove the hack.", false)]
    [InlineData("I've applied it to for-next.", true)]
    [InlineData("This patch has been merged into torvalds/linux.git: https://git.kernel.org/torvalds/c/364eb618", true)]
    [InlineData("[If your patch is applied to the wrong git tree, kindly drop us a note.", false)]
    [InlineData("If you attach or paste a git patch, syzbot will apply it before testing.", false)]
    [InlineData("I've applied the patch to my tree and the warning is gone.", false)]
    public void Applied_means_a_maintainer_took_it(string text, bool applied)
    {
        var info = Analyze("From: M <m@x.org>\nSubject: Re: [PATCH] x\nMessage-ID: <a@x>\nIn-Reply-To: <p@x>", "> patch\n\n" + text + "\n");
        Assert.Equal(applied, info.Signals.Any(s => s.Kind == SignalKind.Applied));
    }

    [Fact]
    public void Quoted_applied_text_is_not_a_signal()
    {
        var info = Analyze("From: M <m@x.org>\nSubject: Re: [PATCH] x\nMessage-ID: <a2@x>\nIn-Reply-To: <p@x>", "> Applied, thanks!\n\nThis broke my build.\n");
        Assert.Empty(info.Signals);
    }

    [Fact]
    public void Attachment_diffs_are_found()
    {
        var mime = """
            From: A <a@x.org>
            Subject: [PATCH] attached
            Message-ID: <att@x>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            See attachment.
            --b
            Content-Type: text/x-patch; name="fix.patch"
            Content-Disposition: attachment; filename="fix.patch"

            """ + "\n" + Diff + "\n--b--\n";
        var info = PatchAnalyzer.Analyze(MboxReader.One(mime));
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal("nfsd/vfs.c", Assert.Single(info.Files).Path);
    }
}
