using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>The search language gives the same answers on every store.</summary>
public abstract partial class StoreContract
{
    const string Patch = """
        From: Pavel Begunkov <asml.silence@gmail.com>
        To: io-uring@vger.kernel.org
        Cc: Jens Axboe <axboe@kernel.dk>
        Subject: [PATCH] io_uring: fix poll refcount leak
        Date: Wed, 10 Jan 2024 10:00:00 +0000
        Message-ID: <p1@x>

        Cancelling a poll request leaks a reference to the request.

        Fixes: 1234567890ab ("io_uring: poll rework")
        Signed-off-by: Pavel Begunkov <asml.silence@gmail.com>
        ---
        diff --git a/io_uring/poll.c b/io_uring/poll.c
        index 1234567..89abcde 100644
        --- a/io_uring/poll.c
        +++ b/io_uring/poll.c
        @@ -10,7 +10,7 @@ static void io_poll_remove_entries(struct io_kiocb *req)
         	spin_lock(&head->lock);
        -	list_del_init(&poll->wait.entry);
        +	list_del_rcu(&poll->wait.entry);
         	spin_unlock(&head->lock);
        -- 
        2.43.0
        """;

    const string Reply = """
        From: Jens Axboe <axboe@kernel.dk>
        To: Pavel Begunkov <asml.silence@gmail.com>
        Cc: io-uring@vger.kernel.org
        Subject: Re: [PATCH] io_uring: fix poll refcount leak
        Date: Thu, 11 Jan 2024 09:00:00 +0000
        Message-ID: <r1@x>
        In-Reply-To: <p1@x>

        On 1/10/24, Pavel Begunkov wrote:
        > Cancelling a poll request leaks a reference to the request.

        Nice catch, applied.
        """;

    const string Report = """
        From: syzbot <syzbot+0123456789abcdef0123@syzkaller.appspotmail.com>
        To: axboe@kernel.dk, io-uring@vger.kernel.org
        Subject: [syzbot] [io-uring] KASAN: use-after-free Read in io_poll_wake
        Date: Fri, 02 Feb 2024 12:00:00 +0000
        Message-ID: <s1@x>

        Hello,

        syzbot found the following issue on:

        ==================================================================
        BUG: KASAN: use-after-free in io_poll_wake+0x3c/0x200 io_uring/poll.c:412
        Read of size 8 at addr ffff88801f2d8a40 by task syz-executor.0/5123

        CPU: 1 PID: 5123 Comm: syz-executor.0 Tainted: G        W          6.8.0-rc2-syzkaller #0
        Hardware name: Google Google Compute Engine/Google Compute Engine, BIOS Google 11/17/2023
        Call Trace:
         <TASK>
         __dump_stack lib/dump_stack.c:88 [inline]
         dump_stack_lvl+0xd9/0x1b0 lib/dump_stack.c:106
         print_report+0xc4/0x620 mm/kasan/report.c:488
         kasan_report+0xda/0x110 mm/kasan/report.c:601
         io_poll_wake+0x3c/0x200 io_uring/poll.c:412
         __wake_up_common+0x131/0x1e0 kernel/sched/wait.c:89
         __wake_up+0x31/0x60 kernel/sched/wait.c:127
         io_req_task_work_add+0x21/0x40 io_uring/io_uring.c:1250
         </TASK>
        ==================================================================
        """;

    static RawMessage Mail(string text) =>
        RawMessage.Of(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")), new SourceLocator("search-test"));

    internal IArchiveStore SearchFixture()
    {
        var store = Open();
        using var b = store.BeginBatch();
        foreach (var (text, list) in new[] { (Patch, "io-uring"), (Reply, "io-uring"), (Report, "io-uring"), (Patch.Replace("p1@x", "p2@x").Replace("io-uring@vger", "linux-block@vger"), "linux-block") })
        {
            var raw = Mail(text);
            var m = MailParser.Parse(raw);
            b.Add(m, raw, list, MessageFacts.Understand(m).Prepare());
        }
        b.Commit();
        return store;
    }

    /// <summary>Message-IDs found, sorted.</summary>
    protected static string Ids(IArchiveStore store, string query) =>
        string.Join(" ", store.Search(query, 100).Select(m => m.MessageId).Order(StringComparer.Ordinal));

    [StoreFact]
    public void Search_language_prefixes_mean_what_public_inbox_means()
    {
        using var store = SearchFixture();
        // p2@x: the same patch cross-posted to linux-block with another Message-ID.
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "s:refcount"));
        Assert.Equal("p1@x p2@x", Ids(store, "s:refcount -s:Re"));
        Assert.Equal("p1@x p2@x", Ids(store, "f:begunkov"));
        Assert.Equal("r1@x s1@x", Ids(store, "f:axboe OR f:syzbot"));
        Assert.Equal("p1@x p2@x r1@x s1@x", Ids(store, "a:axboe"));
        Assert.Equal("p1@x p2@x", Ids(store, "c:axboe"));
        Assert.Equal("s1@x", Ids(store, "t:axboe"));
        Assert.Equal("p1@x p2@x r1@x s1@x", Ids(store, "tc:vger"));
        // The quoted sentence is q: in the reply and nq: in the patch.
        Assert.Equal("r1@x", Ids(store, "q:cancelling"));
        Assert.Equal("p1@x p2@x", Ids(store, "nq:cancelling"));
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "b:cancelling"));
        Assert.Equal("r1@x", Ids(store, "nq:catch"));
        // Diff fields
        Assert.Equal("p1@x p2@x", Ids(store, "dfn:io_uring/poll.c"));
        Assert.Equal("p1@x p2@x", Ids(store, "dfa:list_del_init"));
        Assert.Equal("", Ids(store, "dfb:list_del_init"));
        Assert.Equal("p1@x p2@x", Ids(store, "dfb:list_del_rcu"));
        Assert.Equal("p1@x p2@x", Ids(store, "dfhh:io_poll_remove_entries"));
        Assert.Equal("p1@x p2@x", Ids(store, "dfctx:spin_unlock"));
        Assert.Equal("", Ids(store, "dfctx:list_del_rcu"));
        // No prefix: subject, from, body; not To/Cc.
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "refcount"));
        Assert.Equal("s1@x", Ids(store, "io_poll_wake"));
    }

    [StoreFact]
    public void Search_phrases_boolean_operators_lists_ids_and_dates()
    {
        using var store = SearchFixture();
        Assert.Equal("s1@x", Ids(store, "\"use after free\""));
        Assert.Equal("s1@x", Ids(store, "use-after-free"));
        Assert.Equal("", Ids(store, "\"free after use\""));
        Assert.Equal("p1@x p2@x r1@x s1@x", Ids(store, "(s:kasan OR s:refcount) NOT nothing_like_this"));
        Assert.Equal("r1@x", Ids(store, "leak AND NOT l:linux-block -f:pavel"));
        Assert.Equal("p2@x", Ids(store, "l:linux-block.vger.kernel.org"));
        Assert.Equal("p1@x", Ids(store, "m:<p1@x>"));
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "d:2024-01-10..2024-01-11"));
        Assert.Equal("p1@x p2@x", Ids(store, "d:2024-01-10"));
        Assert.Equal("s1@x", Ids(store, "d:2024-02-01.."));
        Assert.Equal("p1@x p2@x", Ids(store, "refcount d:2024-01-10"));
        Assert.Equal("r1@x", Ids(store, "s:refcount d:2024-01-11.. -l:linux-block"));
        Assert.Equal("", Ids(store, "d:last.week.."));
        Assert.Equal("p1@x p2@x s1@x", Ids(store, "io_poll*"));
        var patchId = PatchId.Compute(MailParser.Parse(Mail(Patch)).Body)!;
        Assert.Equal("p1@x p2@x", Ids(store, "patchid:" + patchId));
        // Stemming, as public-inbox's English stemmer: "leaks" finds "leak".
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "s:leaks"));
    }

    [StoreFact]
    public void Phrase_words_in_the_subject_match_as_written_and_plain_words_by_their_stem()
    {
        // public-inbox (Xapian) stems a plain word but matches a phrase's words as written: s:"io_uring: fix" does
        // not find "io_uring: fixes …".
        using var store = SearchFixture();
        Add(store, Raw("f2@x", subject: "io_uring: fixes for 6.8"), "io-uring");
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "s:\"io_uring: fix\""));
        Assert.Equal("f2@x", Ids(store, "s:\"io_uring: fixes\""));
        Assert.Equal("f2@x p1@x p2@x r1@x", Ids(store, "s:fixes"));
        Assert.Equal("f2@x p1@x p2@x r1@x", Ids(store, "s:fix"));
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "s:\"io_uring: fix\" OR s:nothing_like_this"));
        Assert.Equal("p1@x p2@x", Ids(store, "f:\"pavel begunkov\" s:\"fix poll\""));
        // A capitalised word is matched as written (Xapian's STEM_SOME): s:Fixes is the word "fixes" only.
        Assert.Equal("f2@x", Ids(store, "s:Fixes"));
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "s:Fix"));
    }

    [StoreFact]
    public void Phrase_words_in_the_body_match_as_written()
    {
        // nq:"Acked-by" must not find "ack by": the body's phrases are exact too, its plain words stemmed.
        using var store = SearchFixture();
        Add(store, Raw("a1@x", body: "Acked-by: Jens Axboe <axboe@kernel.dk>\n"), "io-uring");
        Add(store, Raw("a2@x", body: "Please ack by Friday, the leaking poll is fixed.\n"), "io-uring");
        Assert.Equal("a1@x", Ids(store, "nq:\"Acked-by\""));
        Assert.Equal("a2@x", Ids(store, "nq:\"ack by\""));
        Assert.Equal("a1@x a2@x", Ids(store, "nq:ack"));
        Assert.Equal("a2@x", Ids(store, "b:\"poll is fixed\""));
        Assert.Equal("", Ids(store, "b:\"poll is fix\""));
        Assert.Equal("a2@x p1@x p2@x r1@x", Ids(store, "b:leak"));
        Assert.Equal("a2@x p1@x p2@x r1@x", Ids(store, "b:leaking"));
        Assert.Equal("a2@x", Ids(store, "b:\"leaking\""));
        Assert.Equal("", Ids(store, "b:Leak"));
    }

    [StoreFact]
    public void Search_crash_prefixes()
    {
        using var store = SearchFixture();
        Assert.Equal("s1@x", Ids(store, "crash:use-after-free"));
        Assert.Equal("s1@x", Ids(store, "crash:\"io_poll_wake\" type:KASAN"));
        Assert.Equal("s1@x", Ids(store, "type:kasan-use-after-free-read"));
        Assert.Equal("", Ids(store, "type:KASAN-WRITE"));
        Assert.Equal("", Ids(store, "type:WARNING"));
        Assert.Equal("s1@x", Ids(store, "func:io_poll_wake"));
        Assert.Equal("s1@x", Ids(store, "func:__wake_up_common"));
        Assert.Equal("", Ids(store, "func:io_poll"));
        Assert.Equal("s1@x", Ids(store, "tainted:yes"));
        Assert.Equal("s1@x", Ids(store, "tainted:W"));
        Assert.Equal("", Ids(store, "tainted:no"));
        Assert.Equal("", Ids(store, "tainted:P"));
    }

    [StoreFact]
    public void Search_syntax_errors_are_reported_not_thrown_as_database_errors()
    {
        using var store = SearchFixture();
        Assert.Contains("never closed", Assert.Throws<Core.Search.SearchSyntaxException>(() => store.Search("(leak", 10)).Message);
        Assert.Contains("not a date", Assert.Throws<Core.Search.SearchSyntaxException>(() => store.Search("d:someday", 10)).Message);
    }
}
