using System.Text;
using Ktriage.Core.Mail;

namespace Ktriage.Core.Tests.Mail;

public sealed class MailParserTests
{
    static Message Parse(string text, DateTimeOffset? fallback = null) =>
        MailParser.Parse(Encoding.Latin1.GetBytes(text.Replace("\r", "")), fallback);

    [Fact]
    public void MessageId_is_normalized_and_missing_ids_get_a_stable_synthetic_id()
    {
        Assert.Equal("abc@x", Parse("Message-ID:   <abc@x>  \n\nbody").MessageId);
        Assert.Equal("abc@x", Parse("Message-ID: <abc\n\t@x>\n\nbody").MessageId); // folded: CR/LF/TAB removed as on lore
        Assert.Equal("bare@x", Parse("Message-ID: bare@x\n\nbody").MessageId);
        var a = Parse("Subject: no id\n\nbody");
        var b = Parse("Subject: no id\n\nbody");
        Assert.True(a.SyntheticId);
        Assert.Equal(a.MessageId, b.MessageId);
        Assert.NotEqual(a.MessageId, Parse("Subject: no id\n\nother body").MessageId);
    }

    [Fact]
    public void References_follow_public_inbox_order_and_drop_self_addresses_and_yes_no_answers()
    {
        var m = Parse("""
            From: A <a@x>
            To: list@x
            Message-ID: <me@x>
            References: <root@x> <me@x> <mid@x> <list@x>
            In-Reply-To: <mid@x> <y>

            hi
            """);
        Assert.Equal(["root@x", "mid@x"], m.References);
        Assert.Equal("y", m.InReplyTo); // the direct parent hint is kept as written
    }

    [Fact]
    public void Rfc2047_encoded_in_reply_to_is_not_decoded_like_on_lore()
    {
        var m = Parse("Message-ID: <r@x>\nIn-Reply-To: =?utf-8?q?=3Cp=40x=3E?=\n\nx");
        Assert.Empty(m.References);
    }

    [Fact]
    public void Broken_or_missing_dates_fall_back_to_the_commit_time()
    {
        var commit = new DateTimeOffset(2020, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var broken = Parse("Date: yesterday-ish\nMessage-ID: <d@x>\n\nx", commit);
        Assert.Equal(commit, broken.Date);
        Assert.False(broken.DateFromHeader);
        var good = Parse("Date: Mon, 20 Oct 2014 17:21:13 +0300\n\nx", commit);
        Assert.Equal(new DateTimeOffset(2014, 10, 20, 17, 21, 13, TimeSpan.FromHours(3)), good.Date);
    }

    [Fact]
    public void Unknown_invalid_and_missing_charsets_still_decode()
    {
        var none = Parse("Content-Type: text/plain; charset=none\n\nna\u00efve caf\u00e9\n");
        Assert.Contains("caf\u00e9", none.Body);
        var utf7 = Parse("Content-Type: text/plain; charset=utf-7\n\nplain ascii text\n");
        Assert.Contains("plain ascii text", utf7.Body);
        var undeclared8bit = MailParser.Parse([.. Encoding.ASCII.GetBytes("Subject: x\n\n"), .. Encoding.UTF8.GetBytes("Gr\u00fc\u00dfe\n")]);
        Assert.Contains("Gr\u00fc\u00dfe", undeclared8bit.Body);
    }

    [Fact]
    public void Alternative_bodies_use_the_text_part_and_patches_are_kept_as_text_attachments()
    {
        var m = Parse("""
            Subject: [PATCH] x
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="o"

            --o
            Content-Type: multipart/alternative; boundary="i"

            --i
            Content-Type: text/html

            <p>html <script>x</script></p>
            --i
            Content-Type: text/plain

            the text part
            --i--
            --o
            Content-Type: text/x-patch; name="fix.patch"
            Content-Disposition: attachment; filename="fix.patch"

            diff --git a/a.c b/a.c
            --o--
            """);
        Assert.Contains("the text part", m.Body);
        Assert.DoesNotContain("script", m.AllText);
        var patch = Assert.Single(m.Attachments);
        Assert.Equal("text/x-patch", patch.ContentType);
        Assert.Equal("fix.patch", patch.FileName);
        Assert.Contains("diff --git a/a.c b/a.c", m.AllText);
    }

    [Fact]
    public void Names_of_binary_parts_are_kept_for_search_but_not_their_bytes()
    {
        // public-inbox finds "io_uring" in an attached screenshot's name; its bytes are no text.
        var m = Parse("""
            Subject: results
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="o"

            --o
            Content-Type: text/plain

            see the graph
            --o
            Content-Type: image/png; name="io_uring-10G-test.png"
            Content-Disposition: attachment; filename="io_uring-10G-test.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --o--
            """);
        Assert.Equal(["io_uring-10G-test.png"], m.OtherFileNames);
        Assert.Empty(m.Attachments);
        Assert.Contains("io_uring-10G-test.png", Ktriage.Core.Search.SearchFields.Of(m).FileName);
    }

    [Fact]
    public void Printable_octet_stream_attachments_are_text_but_not_patches()
    {
        // An attached reproducer sent as application/octet-stream is searchable text (as in public-inbox); a diff in
        // such a part does not make the mail a patch (patchwork and b4 ignore it too); binary bytes stay out.
        var m = Parse("""
            Subject: use-after-free if killed while waiting
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="o"

            --o
            Content-Type: text/plain

            reproducer attached
            --o
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename=uring46b.c
            Content-Transfer-Encoding: base64

            I2luY2x1ZGUgPGxpYnVyaW5nLmg+CmludCBtYWluKHZvaWQpIHsgcmV0dXJuIGlvX3VyaW5nX3F1ZXVlX2luaXQoOCwgMCwgMCk7IH0K
            --o
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename=fix.diff

            --- a/io_uring/futex.c
            +++ b/io_uring/futex.c
            @@ -1 +1 @@
            -old
            +new
            --o
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename=core.bin
            Content-Transfer-Encoding: base64

            AAECAwQ=
            --o--
            """);
        Assert.Equal(["uring46b.c", "fix.diff"], m.Attachments.Select(a => a.FileName));
        Assert.Contains("io_uring_queue_init(8, 0, 0)", m.AllText);
        Assert.Equal(["core.bin"], m.OtherFileNames);
        Assert.True(Ktriage.Core.Patches.PatchAnalyzer.DiffOf(m).IsEmpty);
    }

    [Fact]
    public void Encoded_subject_and_names_are_decoded()
    {
        var m = Parse("From: =?utf-8?q?J=C3=B6rg_R=C3=B6del?= <joro@x>\nSubject: =?utf-8?b?w6TDtsO8?= test\n\nx");
        Assert.Equal("J\u00f6rg R\u00f6del", m.From!.Name);
        Assert.Equal("\u00e4\u00f6\u00fc test", m.Subject);
    }

    [Fact]
    public void Copies_with_other_headers_but_the_same_body_have_the_same_body_hash()
    {
        var a = Parse("To: a@x\nMessage-ID: <m@x>\n\nsame body  \r\n");
        var b = Parse("To: b@x\nCc: c@x\nMessage-ID: <m@x>\n\nsame body\n");
        Assert.NotEqual(a.ContentHash, b.ContentHash);
        Assert.Equal(a.BodyHash, b.BodyHash);
    }
}
