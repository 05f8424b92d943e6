using Ktriage.Core.Mail;
using Ktriage.TestSupport;
using MimeKit;

namespace Ktriage.Sources.Tests;

public class LorePageTests
{
    static async Task<List<(RawMessage Raw, MimeMessage Mail)>> ReadSeed(string number)
    {
        var path = Directory.GetFiles(SharedData.Path("seeds"), number + "_*.txt").Single();
        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();
        Assert.All(items, i => Assert.Equal(RawKind.Message, i.Kind));
        // Page chrome never leaks into a message.
        Assert.All(items, i => Assert.DoesNotContain("permalink raw reply", i.Text()));
        Assert.All(items, i => Assert.DoesNotContain("Thread overview", i.Text()));
        Assert.All(items, i => Assert.DoesNotContain("git send-email", i.Text()));
        Assert.All(items, i => Assert.DoesNotContain("WARNING: multiple messages", i.Text()));
        return items.Select(i => (i, MimeMessage.Load(new MemoryStream(i.Bytes)))).ToList();
    }

    static int ThreadCount(IEnumerable<MimeMessage> mails)
    {
        var parent = new Dictionary<string, string>();
        string Find(string x) { while (parent.TryGetValue(x, out var p) && p != x) x = p; return x; }
        void Union(string a, string b) { parent.TryAdd(a, a); parent.TryAdd(b, b); parent[Find(a)] = Find(b); }
        foreach (var m in mails)
        {
            Union(m.MessageId!, m.MessageId!);
            if (m.InReplyTo is { } irt) Union(m.MessageId!, irt);
            foreach (var r in m.References) Union(m.MessageId!, r);
        }
        return parent.Keys.Select(Find).Distinct().Count();
    }

    [SharedFact("seeds")]
    public async Task Seed000FlattenedThreadHasFiveMessagesInOneThread()
    {
        var mails = (await ReadSeed("000")).Select(x => x.Mail).ToList();

        Assert.Equal(5, mails.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(["Frank van Maarseveen", "J. Bruce Fields", "Frank van Maarseveen", "J. Bruce Fields", "Frank van Maarseveen"],
            mails.Select(m => ((MailboxAddress)m.From[0]).Name));
        Assert.Equal(1, ThreadCount(mails));
        Assert.Null(mails[0].InReplyTo);
        Assert.Equal(mails[3].MessageId, mails[4].InReplyTo);
        Assert.Equal(new DateTimeOffset(2007, 7, 3, 7, 17, 0, TimeSpan.Zero), mails[0].Date);
        Assert.StartsWith("I've reported this earlier", mails[0].TextBody);
        Assert.Contains("BUG: unable to handle kernel paging request at virtual address 6b6b6b6f", mails[0].TextBody);
        Assert.Contains("nperbucket = DIV_ROUND_UP(cache_size, RAPARM_HASH_SIZE);", mails[3].TextBody);
        // The oops lines get their line breaks back, quoted ones too, so crash extraction can work line by line.
        var lines = mails[0].TextBody.Split('\n');
        Assert.Contains("Jul 3 09:10:39 kernel: BUG: unable to handle kernel paging request at virtual address 6b6b6b6f", lines);
        Assert.Contains("Jul 3 09:10:39 kernel: EIP is at cache_clean+0x124/0x1e0", lines);
        Assert.Contains("> Jul 3 09:10:39 kernel: EIP is at cache_clean+0x124/0x1e0", mails[1].TextBody.Split('\n'));
        Assert.Contains(mails[3].TextBody.Split('\n'), l => l.StartsWith("diff --git a/fs/nfsd/vfs.c b/fs/nfsd/vfs.c", StringComparison.Ordinal));
        // The list name ran into the body on the flattened page; it is recognised as the recipient.
        Assert.Equal("Linux NFS mailing list", Assert.IsType<GroupAddress>(Assert.Single(mails[1].Cc)).Name);
    }

    [SharedFact("seeds")]
    public async Task Seed001SeriesWithReviewsIsNineMessagesInOneThread()
    {
        var mails = (await ReadSeed("001")).Select(x => x.Mail).ToList();

        Assert.Equal(9, mails.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(1, ThreadCount(mails));
        Assert.Equal("[PATCH 1/2] lockd: Do not start the lockd thread before we've set nlmsvc_rqst->rq_task", mails[0].Subject);
        Assert.Null(mails[0].InReplyTo);
        // 2/2 and the review of 1/2 both answer 1/2; Christoph answers 2/2 (same author and minute as 1/2: told apart by subject).
        Assert.Equal(mails[0].MessageId, mails[1].InReplyTo);
        Assert.Equal(mails[0].MessageId, mails[2].InReplyTo);
        Assert.Equal(mails[1].MessageId, mails[3].InReplyTo);
        Assert.Equal("Christoph Hellwig", ((MailboxAddress)mails[4].From[0]).Name);
        Assert.Equal(mails[1].MessageId, mails[4].InReplyTo);
        Assert.Equal("trond.myklebust@primarydata.com", ((MailboxAddress)mails[0].From[0]).Address); // found in a trailer on the page
        Assert.Contains("diff --git a/fs/lockd/svc.c b/fs/lockd/svc.c", mails[0].TextBody);
        Assert.Contains("Reviewed-by: Jeff Layton <jlayton@primarydata.com>", mails[2].TextBody);
        Assert.Contains("Linux NFS Mailing List", mails[8].Cc.ToString());
    }

    [SharedFact("seeds")]
    public async Task Seed002IsTheOneReviewNotTheOverview()
    {
        var (raw, mail) = Assert.Single(await ReadSeed("002"));
        Assert.Equal("5548E355.2040606@redhat.com", mail.MessageId);
        Assert.Equal("1430751931-14002-1-git-send-email-Sreekanth.Reddy@avagotech.com", mail.InReplyTo);
        Assert.Equal("Re: [PATCH] mpt2sas: mpt3sas: Fix memory corruption during initialization", mail.Subject);
        Assert.Equal(new DateTimeOffset(2015, 5, 5, 17, 35, 49, TimeSpan.FromHours(2)), mail.Date);
        Assert.Contains("Why not 'atomic_set(&sas_device->is_on_sas_device_init_list, 0);' ?", mail.TextBody);
        Assert.Equal(8, mail.To.Count + mail.Cc.Count - 2); // 2 To + 8 Cc
        Assert.DoesNotContain("other threads", raw.Text());
    }

    [SharedFact("seeds")]
    public async Task Seed003DuplicateMessageIdYieldsTwoIdenticalCopies()
    {
        var items = await ReadSeed("003");
        Assert.Equal(2, items.Count);
        Assert.All(items, x => Assert.Equal("20141020142113.GC11062@redhat.com", x.Mail.MessageId));
        Assert.Single(items.Select(x => x.Mail.MessageId).Distinct());
        Assert.Equal(items[0].Mail.TextBody, items[1].Mail.TextBody);
        Assert.Contains("kernel BUG at include/linux/virtio_config.h:125!", items[0].Mail.TextBody);
        Assert.EndsWith("Fixing recursive fault but reboot is needed!\n", items[0].Mail.TextBody);
        // The copies differ in their Cc (one went through another list): both kept as they were.
        Assert.Contains("rusty@rustcorp.com.au", items[1].Mail.Cc.ToString());
        Assert.DoesNotContain("rusty@rustcorp.com.au", items[0].Mail.Cc.ToString());
    }

    [SharedFact("seeds")]
    public async Task Seed004EachMessageShownTwiceFoldsToThree()
    {
        var mails = (await ReadSeed("004")).Select(x => x.Mail).ToList();

        Assert.Equal(6, mails.Count);
        Assert.Equal(3, mails.Select(m => m.MessageId).Distinct().Count());
        foreach (var copies in mails.GroupBy(m => m.MessageId))
        {
            Assert.Equal(2, copies.Count());
            Assert.Single(copies.Select(c => c.TextBody).Distinct());
            Assert.Single(copies.Select(c => c.InReplyTo).Distinct()); // the copy whose skeleton lacks the parent gets it too
        }
        var root = mails[0];
        Assert.All(mails.Where(m => m.MessageId != root.MessageId), m => Assert.Equal(root.MessageId, m.InReplyTo));
        Assert.Equal(["Paul Mackerras", "Paul Mackerras", "Thomas Huth", "Thomas Huth", "David Gibson", "David Gibson"],
            mails.Select(m => ((MailboxAddress)m.From[0]).Name));
    }

    [SharedFact("seeds")]
    public async Task FlattenedCopyOfSeed004ParsesLikeTheOriginal()
    {
        // Seed 000 is 004's layout with its line breaks lost; do the same to 004 and expect the same messages.
        using var tmp = new TempDir();
        var text = File.ReadAllText(Directory.GetFiles(SharedData.Path("seeds"), "004_*.txt").Single());
        var path = tmp.Write("flat.txt", System.Text.RegularExpressions.Regex.Replace(text, @"\s*\n\s*", " "));

        var mails = (await Assert.Single(SourceFactory.Open(path)).AllAsync()).Select(i => MimeMessage.Load(new MemoryStream(i.Bytes))).ToList();
        var original = (await ReadSeed("004")).Select(x => x.Mail).ToList();

        Assert.Equal(original.Select(m => m.MessageId), mails.Select(m => m.MessageId));
        Assert.Equal(original.Select(m => m.InReplyTo), mails.Select(m => m.InReplyTo));
        Assert.Equal(original.Select(m => m.From.ToString()), mails.Select(m => m.From.ToString()));
        Assert.All(mails.GroupBy(m => m.MessageId), copies => Assert.Single(copies.Select(c => c.TextBody).Distinct()));
        Assert.StartsWith("When handling a hypervisor data or instruction storage interrupt", mails[0].TextBody);
    }

    [SharedFact("seeds")]
    public async Task MailLayerReadsTheRebuiltMessages()
    {
        // The point of rebuilding RFC 5322: the Mail layer must get ids, parents, sender and body from it.
        foreach (var seed in new[] { "000", "001", "002", "003", "004" })
        {
            var path = Directory.GetFiles(SharedData.Path("seeds"), seed + "_*.txt").Single();
            var parsed = (await Assert.Single(SourceFactory.Open(path)).AllAsync()).Select(MailParser.Parse).ToList();
            Assert.All(parsed, m => Assert.False(m.SyntheticId, $"seed {seed}: Mail layer had to invent a Message-ID"));
            Assert.All(parsed, m => Assert.NotNull(m.From));
            Assert.All(parsed, m => Assert.False(string.IsNullOrWhiteSpace(m.Body), $"seed {seed}: empty body"));
            Assert.All(parsed, m => Assert.True(m.DateFromHeader, $"seed {seed}: Date not understood"));
            var ids = parsed.Select(m => m.MessageId).ToHashSet();
            Assert.All(parsed.Where(m => m.InReplyTo is not null && seed is not ("002" or "003")), m => Assert.Contains(m.InReplyTo!, ids));
        }
    }

    [Fact]
    public async Task HtmlMessagePageIsStrippedAndUnescaped()
    {
        using var tmp = new TempDir();
        const string html = """
            <html><head><title>x</title><style>pre{}</style></head><body>
            <pre>From: Ann &lt;ann@example.org&gt;
            To: list@example.org
            Subject: Re: [PATCH] fix &amp; test
            Date: Tue, 05 May 2015 17:35:49 +0200	[<a href="#r">thread overview</a>]
            Message-ID: &lt;<a href="raw">abc@example.org</a>&gt; (<a href="raw">raw</a>)
            In-Reply-To: &lt;<a href="../p@example.org/">p@example.org</a>&gt;

            &gt; if (a &lt; b)
            Looks <b>good</b>.
            </pre><hr><pre>next <a href="#">prev</a> parent reply other threads:[~2015-05-05 15:36 UTC|newest]
            Thread overview: 3+ messages</pre></body></html>
            """;
        var path = tmp.Write("page.html", html);

        var raw = Assert.Single(await Assert.Single(SourceFactory.Open(path)).AllAsync());
        var mail = MimeMessage.Load(new MemoryStream(raw.Bytes));

        Assert.Equal("abc@example.org", mail.MessageId);
        Assert.Equal("p@example.org", mail.InReplyTo);
        Assert.Equal("Re: [PATCH] fix & test", mail.Subject);
        Assert.Equal("ann@example.org", ((MailboxAddress)mail.From[0]).Address);
        Assert.Equal("> if (a < b)\nLooks good.\n", mail.TextBody);
    }

    [Fact]
    public async Task PageWithoutMessagesIsReported()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("empty.html", "<html><body><pre>^ permalink raw reply\t[flat|nested] 2+ messages in thread</pre></body></html>");
        var item = Assert.Single(await Assert.Single(SourceFactory.Open(path)).AllAsync());
        Assert.Equal(RawKind.Problem, item.Kind);
        Assert.Contains("no message found", item.Problem);
    }
}
