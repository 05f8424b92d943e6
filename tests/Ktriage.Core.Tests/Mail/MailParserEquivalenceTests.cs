using System.Text;
using System.Text.RegularExpressions;
using Ktriage.Core.Mail;
using Ktriage.TestSupport;
using MimeKit;

namespace Ktriage.Core.Tests.Mail;

/// <summary>The plain-text path (<see cref="PlainTextMessage"/>) must give the Message MimeKit's whole parse gives, and
/// leave to MimeKit what it does not read the same way. (bench/GitReadBench mimediff compares whole archives with
/// main's parser; these cases pin the edges.)</summary>
public sealed class MailParserEquivalenceTests
{
    static byte[] Bytes(string text, bool crlf = false)
    {
        text = text.Replace("\r", "");
        return Encoding.Latin1.GetBytes(crlf ? text.Replace("\n", "\r\n") : text);
    }

    static bool TakesPlainPath(byte[] bytes)
    {
        var limits = InputLimits.Current;
        return PlainTextMessage.TryRead(bytes, MailLimits.OptionsFor(new ParserOptions(), limits), limits) is not null;
    }

    /// <summary>Every field, as text, so a failure shows which one differs.</summary>
    static string Dump(Message m) => string.Join("\n",
        $"id={m.MessageId} synthetic={m.SyntheticId} other=[{string.Join(",", m.OtherIds)}]",
        $"refs=[{string.Join(",", m.References)}] parent={m.InReplyTo}",
        $"from={m.From?.Name}|{m.From?.Email} to=[{string.Join(",", m.To.Select(a => a.Name + "|" + a.Email))}] cc=[{string.Join(",", m.Cc.Select(a => a.Name + "|" + a.Email))}]",
        $"date={m.Date:O} fromHeader={m.DateFromHeader} subject={m.Subject}",
        $"body={m.Body}",
        $"attachments=[{string.Join(",", m.Attachments.Select(a => $"{a.FileName}|{a.ContentType}|{a.Text}"))}]",
        $"files=[{string.Join(",", m.OtherFileNames)}] notes=[{string.Join(",", m.Notes)}] hash={m.ContentHash}");

    static void AssertSame(byte[] bytes)
    {
        var fallback = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        Assert.Equal(Dump(MailParser.ParseWithMimeKit(bytes, fallback)), Dump(MailParser.Parse(bytes, fallback)));
    }

    public static TheoryData<string, bool> Plain => new()
    {
        // name, then whether the plain path must take it (false: MimeKit must, and both must still agree)
        { "Message-ID: <a@x>\nFrom: A <a@x>\nTo: l@x\nSubject: s\nDate: Mon, 20 Oct 2014 17:21:13 +0300\n\nbody\n", true },
        { "Message-ID: <a@x>\nSubject: =?utf-8?q?J=C3=B6rg?=\n folded =?iso-8859-1?q?caf=E9?=\nFrom: =?utf-8?b?SsO2cmc=?= <j@x>\n\nx", true },
        { "From: a@x, \"B, C\" <b@x>, Group: g1@x, g2@x;\nCc: \nTo:\n\nempty lists\n", true },
        { "From: a@x\nFrom: second@x\nSubject: first\nSubject: second\nDate: broken\nDate: Mon, 20 Oct 2014 17:21:13 +0300\n\nx", true },
        { "Message-ID: <a@x> <b@x>\nX-Alt-Message-ID: <c@x>\nReferences: <r1@x>\n <r2@x> <a@x> <l@x>\nIn-Reply-To: <r2@x> (y)\nTo: l@x\n\nx", true },
        { "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\ncaf\u00e9\n", true },
        { "Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\nJ=C3=B6rg =\nsoft break=3D\n", true },
        { "Content-Type: TEXT/PLAIN; charset=utf-8\nContent-Transfer-Encoding: BASE64\n\nSsO2cmcgUsO2ZGVs\n", true },
        { "Content-Type: text/plain; charset=windows-1252\n\n\u0080 euro in cp1252\n", true },
        { "Content-Type: text/plain; charset=bogus-charset\n\nna\u00efve\n", true },
        { "Subject: undeclared 8-bit\n\nGr\u00c3\u00bc\u00c3\u009fe and Latin-1 \u00e9\n", true },
        { "Content-Type: text/plain\nContent-Disposition: inline\nContent-Transfer-Encoding: x-unknown\n\ninline\n", true },
        { "Subject: no body, blank line last\n\n", true },
        { "Subject: uuencoded\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 f\n#86)C\n`\nend\n", true },
        { "Content-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=a.txt\n\nattached\n", false },
        { "Content-Type: text/x-patch\n\ndiff --git a/a b/a\n", false },
        { "Content-Type: text/plain\nContent-Type: text/html\n\ntwo types\n", false },
        { "Content-Type: text/plain; charset\n\nbroken parameters\n", false },
        { "Subject : blank before the colon\n\nx", false },
        { "Subject: x\nNot a header line\n\nbody", false },
        { " folded first line\nSubject: x\n\nbody", false },
        { "\ufeffSubject: byte-order mark\n\nx", false },
        { "Subject: no blank line, no body", false },
        { "just text, no header block\n", false },
        { "Cc: <broken@, ok@x\nTo: fine@x\n\nlenient list\n", false },
        { "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\npart\n--b--\n", false },
    };

    [Theory]
    [MemberData(nameof(Plain))]
    public void The_plain_path_agrees_with_MimeKit_and_takes_only_plain_messages(string text, bool plain)
    {
        foreach (var crlf in new[] { false, true })
        {
            var bytes = text.StartsWith('\ufeff') ? [0xEF, 0xBB, 0xBF, .. Bytes(text[1..], crlf)] : Bytes(text, crlf);
            Assert.Equal(plain, TakesPlainPath(bytes));
            AssertSame(bytes);
        }
    }

    [Fact]
    public void Addresses_repeated_across_messages_come_out_the_same()
    {
        // The second message's To/Cc come from AddressCache: same values, and a different value is not mistaken for it.
        const string cc = "Cc: \"Doe, Jane\" <jane@x>, =?utf-8?q?J=C3=B6rg?= <joerg@x>, list@x\n";
        var first = MailParser.Parse(Bytes($"To: a@x\n{cc}\nx"));
        var second = MailParser.Parse(Bytes($"To: a@x\n{cc}\ny"));
        var other = MailParser.Parse(Bytes("To: a@x\nCc: \"Doe, Jane\" <jane@y>\n\nz"));
        Assert.Equal(first.Cc, second.Cc);
        Assert.Equal(["Doe, Jane|jane@x", "J\u00f6rg|joerg@x", "|list@x"], second.Cc.Select(a => a.Name + "|" + a.Email));
        Assert.Equal("jane@y", Assert.Single(other.Cc).Email);
    }

    [Fact]
    public void A_message_without_a_header_block_gets_a_stable_id_and_the_fallback_date()
    {
        // MimeKit cannot parse it; it used to become a new MimeMessage with a random Message-ID and the current time,
        // so the same bytes ingested twice were two messages dated at ingest.
        var bytes = Bytes("just text, no header block\nsecond line\n");
        var commit = new DateTimeOffset(2020, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var a = MailParser.Parse(bytes, commit);
        var b = MailParser.Parse(bytes, commit);
        Assert.True(a.SyntheticId);
        Assert.EndsWith("@ktriage.synthetic", a.MessageId);
        Assert.Equal(a.MessageId, b.MessageId);
        Assert.Equal(commit, a.Date);
        Assert.False(a.DateFromHeader);
        Assert.Equal("just text, no header block\nsecond line\n", a.Body);
    }

    [Fact]
    public void Header_limits_are_enforced_on_the_plain_path_too()
    {
        using var _ = InputLimits.Use(new InputLimits { Headers = 3, HeaderBytes = 40 });
        var many = Assert.Throws<InputLimitException>(() => MailParser.Parse(Bytes("A: 1\nB: 2\nC: 3\nD: 4\n\nx")));
        Assert.Contains("more than 3 header fields", many.Message);
        var longField = Assert.Throws<InputLimitException>(() => MailParser.Parse(Bytes("Subject: short\nReferences: <a@x>\n <bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@x>\n\nx")));
        Assert.Contains("longer than 40 bytes", longField.Message);
        Assert.Contains("References", longField.Message);
    }

    [Fact]
    public void Message_ids_are_found_as_public_inbox_regex_finds_them()
    {
        // AllIn replaced the regex <([^>]+)> by IndexOf: same matches on random mixes of its special characters.
        var regex = new Regex("<([^>]+)>", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var random = new Random(7);
        const string alphabet = "<>< >a@b\t\r\n.";
        for (var i = 0; i < 5000; i++)
        {
            var s = new string(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var expected = regex.Matches(s).Select(m => MessageIds.Normalize(m.Groups[1].Value)).Where(id => id.Length > 0);
            Assert.Equal(expected, MessageIds.AllIn(s));
        }
    }

    [SharedFact("mail")]
    public void Every_shared_test_mail_parses_the_same_both_ways()
    {
        var files = Directory.EnumerateFiles(SharedData.Path("mail"), "*", SearchOption.AllDirectories).ToList();
        Assert.True(files.Count > 100);
        var plain = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length > InputLimits.Current.MessageBytes) continue;
            try { MailLimits.Check(bytes, InputLimits.Current); }
            catch (InputLimitException) { continue; }
            if (TakesPlainPath(bytes)) plain++;
            AssertSame(bytes);
        }
        // Most files are mboxes (a "From " line first, left to MimeKit whole): a few are single plain messages.
        Assert.True(plain >= 5, $"only {plain} files took the plain path");
    }
}
