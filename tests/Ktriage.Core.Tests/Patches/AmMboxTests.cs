using Ktriage.Core.Mail;
using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

public class AmMboxTests
{
    const string Diff = "diff --git a/f.c b/f.c\nindex 1111111..2222222 100644\n--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+b\n";

    static string Am(string headers, string body, AmOptions? options = null, params Message[] replies)
    {
        var patch = MboxReader.One(headers + "\n\n" + body);
        Message[] all = [patch, .. replies];
        return AmMbox.Write(SeriesBuilder.Build(all).Single().Latest, all, options);
    }

    [Fact]
    public void Mbox_escaping_utf8_and_quoted_author()
    {
        var am = Am("From: \"Müller, Jürgen\" <jm@example.de>\nSubject: [PATCHv2] fs: fix\nDate: Wed, 1 May 2024 10:00:00 +0200\nMessage-ID: <u@x>",
            "From the beginning this was wrong: ünïcode.\n\nSigned-off-by: Jürgen Müller <jm@example.de>\n---\n" + Diff);
        Assert.StartsWith("From git@z Thu Jan  1 00:00:00 1970\nSubject: [PATCH v2] fs: fix\nFrom: =?utf-8?b?", am);
        Assert.Contains("Date: Wed, 1 May 2024 10:00:00 +0200\nMessage-Id: <u@x>\n", am);
        Assert.Contains("Content-Transfer-Encoding: 8bit\n", am);
        Assert.Contains("\n>From the beginning this was wrong: ünïcode.\n", am);
        Assert.EndsWith("+b\n\n", am);
    }

    [Fact]
    public void Notes_and_diffstat_stay_below_the_separator()
    {
        var reply = MboxReader.One("From: R <r@example.org>\nSubject: Re: [PATCH] x\nMessage-ID: <r@x>\nIn-Reply-To: <n@x>\n\nAcked-by: R <r@example.org>\n");
        var am = Am("From: A <a@example.org>\nSubject: [PATCH] x\nMessage-ID: <n@x>",
            "Change.\n\nSigned-off-by: A <a@example.org>\n---\nv2: rebased\n\n f.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n" + Diff, null, reply);
        Assert.Contains("Change.\n\nSigned-off-by: A <a@example.org>\nAcked-by: R <r@example.org>\n---\nv2: rebased\n\n f.c | 2 +-\n", am);
    }

    [Fact]
    public void In_body_from_is_kept_for_git_am()
    {
        var am = Am("From: Greg <greg@example.org>\nSubject: [PATCH] x\nMessage-ID: <ib@x>",
            "From: Jane Dev <jane@example.com>\n\nFix.\n\nSigned-off-by: Jane Dev <jane@example.com>\n---\n" + Diff,
            new AmOptions(AddMySob: true, Identity: new MailAddress("Greg", "greg@example.org")));
        Assert.Contains("\n\nFrom: Jane Dev <jane@example.com>\n\nFix.\n\nSigned-off-by: Jane Dev <jane@example.com>\nSigned-off-by: Greg <greg@example.org>\n", am);
    }
}
