using Ktriage.Core.Links;

namespace Ktriage.Core.Tests.Links;

public sealed class LinksTextTests
{
    [Fact]
    public void A_reply_pointing_at_the_fix_by_message_id_is_found()
    {
        var own = LinkText.OwnText("""
            On Mon, Oct 20, 2014 at 10:11:22AM -0400, Josh Boyer wrote:
            > Booting my local KVM guest with a build of 3.18-rc1
            Thanks for the report.
            Here's the fix:
            mid.gmane.org/1413813529-11044-1-git-send-email-cornelia.huck@de.ibm.com
            > josh
            """);
        var refs = LinkText.FixReferences(own);
        Assert.Equal("1413813529-11044-1-git-send-email-cornelia.huck@de.ibm.com", Assert.Single(refs).MessageId);
        Assert.Single(LinkText.FixReferences("This is fixed by https://lore.kernel.org/io-uring/abc.123@kernel.dk/"));
    }

    [Fact]
    public void Addresses_and_links_outside_a_fix_sentence_are_not_fix_references()
    {
        Assert.Empty(LinkText.FixReferences("Could you try this?\nSigned-off-by: J. Bruce Fields <bfields@citi.umich.edu> fix"));
        Assert.Empty(LinkText.FixReferences("The report is at https://lore.kernel.org/all/report@google.com/"));
    }

    [Fact]
    public void Own_text_of_a_flattened_page_is_the_tail_after_the_last_inline_quote()
    {
        var line = "On Fri, Jul 13, 2007, J. Bruce Fields wrote: > " + string.Join(" > ", Enumerable.Repeat("quoted words here", 30)) +
                   " > 1.5.3.rc0.63.gc956 Yes, that fixes it for me. I chose 50 daemons";
        var own = LinkText.OwnText(line + "\n> short quoted line\nmy own line");
        Assert.StartsWith("1.5.3.rc0.63.gc956 Yes, that fixes it for me.", own);
        Assert.DoesNotContain("short quoted line", own);
        Assert.Contains("my own line", own);
        Assert.Equal("Yes, that fixes it for me", LinkText.ConfirmingWords(own));
    }

    [Fact]
    public void Bots_and_their_ids_are_recognised()
    {
        Assert.Equal(new BotReport("syzbot", "045b454ab35fd82a35fb"), Bots.FromSender("syzbot+045b454ab35fd82a35fb@syzkaller.appspotmail.com"));
        Assert.Equal("kernel test robot", Bots.FromSender("lkp@intel.com")?.Bot);
        Assert.Null(Bots.FromSender("axboe@kernel.dk"));
        Assert.Equal(["05c0f12a4d43d656817e"], Bots.SyzbotIds("dashboard link: https://syzkaller.appspot.com/bug?extid=05c0f12a4d43d656817e"));
        Assert.Equal("aaaabbbbcccc", Bots.SyzbotId("someone@example.org", "syzbot+aaaabbbbcccc@syzkaller.appspotmail.com", null));
    }

    [Fact]
    public void Syz_fix_commands_and_inline_patch_subjects_are_read()
    {
        Assert.Equal(["io_uring: fix foo"], LinkText.SyzFixTitles("Thanks\n#syz fix: io_uring: fix foo\n"));
        Assert.Equal("nfsd: fix possible read-ahead cache and export table corruption",
            LinkText.InlinePatchSubject(">From b941e6b1 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] nfsd: fix possible read-ahead cache and export table corruption\n\nThe value"));
        Assert.True(LinkText.LooksLikeFix("io_uring: don't attempt to IOPOLL for MSG_RING requests"));
        Assert.False(LinkText.LooksLikeFix("io_uring: add support for fixed wait regions"));
    }
}
