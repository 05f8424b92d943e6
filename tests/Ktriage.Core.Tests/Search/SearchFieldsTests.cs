using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Core.Search;

namespace Ktriage.Core.Tests.Search;

public sealed class SearchFieldsTests
{
    const string Mail = """
        From: Pavel <pavel@example.org>
        To: io-uring@vger.kernel.org
        Cc: Jens Axboe <axboe@kernel.dk>
        Subject: Re: [PATCH] io_uring: fix poll leak
        Date: Mon, 03 Mar 2025 09:12:44 +0100
        Message-ID: <r@x>

        On Mon, Jens wrote:
        > the refcount leaks when cancelling
        > a poll request

        Right, how about this:

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

    [Fact]
    public void A_reply_with_a_quote_and_a_diff_is_split_like_public_inbox()
    {
        var m = MailParser.Parse(RawMessage.Of(Encoding.UTF8.GetBytes(Mail.ReplaceLineEndings("\n")), new SourceLocator("t")));
        var f = SearchFields.Of(m);
        Assert.Contains("refcount leaks", f.Quoted);
        Assert.DoesNotContain("refcount", f.NonQuoted);
        Assert.Contains("how about this", f.NonQuoted);
        Assert.Equal("io_uring/poll.c\n", f.DiffFile);
        Assert.Contains("list_del_init", f.DiffRemoved);
        Assert.Contains("list_del_rcu", f.DiffAdded);
        Assert.DoesNotContain("list_del", f.DiffContext);
        Assert.Contains("spin_lock", f.DiffContext);
        Assert.Contains("static void io_poll_remove_entries", f.DiffHunk);
        Assert.Contains("axboe@kernel.dk", f.Cc);
        Assert.Contains("io-uring@vger.kernel.org", f.To);
        Assert.Contains("pavel@example.org", f.From);
        // after the signature separator the diff is over: "2.43.0" is plain text again
        Assert.Contains("2.43.0", f.NonQuoted);
    }

    static SearchFields Fields(string body) => SearchFields.Of(MailParser.Parse(RawMessage.Of(
        Encoding.UTF8.GetBytes($"From: a@b\nSubject: s\nMessage-ID: <x@y>\n\n{body}"), new SourceLocator("t"))));

    [Fact]
    public void A_deleted_file_ends_the_diff_like_public_inbox_does()
    {
        // public-inbox reads "+++ /dev/null" as a traditional diff header whose names share no path, which ends the
        // diff: the removed lines of a deleted file are plain text there, so they are here too.
        var f = Fields("diff --git a/old.c b/old.c\ndeleted file mode 100644\nindex 1234567..0000000\n--- a/old.c\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-kfree(x);\n-return;\n");
        Assert.Equal("old.c\n", f.DiffFile);
        Assert.Equal("", f.DiffRemoved);
        Assert.Contains("kfree", f.NonQuoted);
    }

    [Fact]
    public void A_traditional_unified_diff_names_the_common_path()
    {
        var f = Fields("diff -urN linux-old/fs/foo.c linux/fs/foo.c\n--- linux-old/fs/foo.c\n+++ linux/fs/foo.c\n@@ -1 +1 @@ int foo(void)\n-\treturn 0;\n+\treturn 1;\n");
        Assert.Equal("fs/foo.c\n", f.DiffFile);
        Assert.Contains("return 1", f.DiffAdded);
        Assert.Contains("int foo(void)", f.DiffHunk);
    }

    [Fact]
    public void Big_parts_are_split_whole_past_the_pooled_buffer_sizes()
    {
        // A pasted log of ~1 MiB between quotes, then a diff: each field grows past the 256 Ki-char pooled buffers.
        var log = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"[{i,8}.000000] io_uring line {i}\n"));
        var quote = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"> quoted {i}\n"));
        var added = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"+added {i}\n"));
        var body = log + quote + "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1 +1,20000 @@ fn\n" + added;
        var m = MailParser.Parse(Encoding.UTF8.GetBytes("Message-ID: <big@x>\n\n" + body));
        var f = SearchFields.Of(m);
        Assert.Equal(log + "\n" + "diff --git a/f.c b/f.c\n", f.NonQuoted);
        Assert.Equal(quote + "\n", f.Quoted);
        Assert.Equal(added.Replace("+added", "added"), f.DiffAdded);
        Assert.Equal("f.c\n", f.DiffFile);
        Assert.Equal("fn\n", f.DiffHunk);
    }
}
