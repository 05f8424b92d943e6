using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ktriage.Core.Mail;
using Ktriage.Sources.LorePage;
using Ktriage.Sources.Mbox;
using Ktriage.TestSupport;

namespace Ktriage.Sources.Tests.Properties;

/// <summary>mboxrd written by ktriage (thread --mbox, the web's t.mbox.gz) reads back as the same messages, byte for
/// byte up to the format's one normalisation (lines end in LF); and no byte sequence makes the readers throw.</summary>
public sealed class MboxProperties
{
    /// <summary>Lines that stress the format: envelope look-alikes, escaped and doubly escaped From lines, blanks, CRs.</summary>
    static readonly string[] Tricky =
    [
        "From ", "From mboxrd@z Thu Jan  1 00:00:00 1970", "From 1234567890abcdef Mon Sep 17 00:00:00 2001", ">From ", ">>From x", ">>>From ",
        "From:", "from ", " From ", "", "", "\r", "Subject: x", "body", "\u00e9\u4e2d", ">", "From the report above 12:34",
    ];

    static Gen<byte[]> Message =>
        from lines in Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(HostileInput.Line(Tricky), n))
        from crlf in Gen.Elements(false, false, true)
        from finalEol in Gen.Elements(true, true, false)
        let text = string.Join(crlf ? "\r\n" : "\n", lines) + (finalEol ? (crlf ? "\r\n" : "\n") : "")
        where text.Replace("\r", "").Replace("\n", "").Length > 0 // all-blank messages are not messages
        select Encoding.UTF8.GetBytes(text);

    /// <summary>What mbox keeps of a message: every line, LF-terminated, a CR before the LF dropped.</summary>
    static byte[] AsMboxKeepsIt(byte[] m)
    {
        var lines = Encoding.Latin1.GetString(m).Split('\n').ToList();
        if (lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return Encoding.Latin1.GetBytes(string.Concat(lines.Select(l => (l.EndsWith('\r') ? l[..^1] : l) + "\n")));
    }

    static List<RawMessage> Read(byte[] mbox, MboxVariant variant = MboxVariant.Rd, string? resumeAfter = null) =>
        new MboxSource("/t.mbox", "t", () => new MemoryStream(mbox, writable: false), variant).ReadAsync(resumeAfter).ToBlockingEnumerable().ToList();

    [Fact]
    public void Written_messages_read_back_identical()
    {
        Prop.ForAll(Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Message, n)).ToArbitrary(), messages =>
        {
            using var mbox = new MemoryStream();
            foreach (var m in messages) MboxWriter.Write(mbox, m);
            var read = Read(mbox.ToArray());
            return read.Count == messages.Length
                && read.All(r => r.Kind == RawKind.Message)
                && read.Zip(messages).All(p => p.First.Bytes.AsSpan().SequenceEqual(AsMboxKeepsIt(p.Second)));
        }).Check(HostileInput.Config(500));
    }

    [Fact]
    public void Resuming_at_any_checkpoint_reads_exactly_the_messages_after_it()
    {
        Prop.ForAll(Gen.Choose(2, 6).SelectMany(n => Gen.ArrayOf(Message, n)).ToArbitrary(), messages =>
        {
            using var mbox = new MemoryStream();
            foreach (var m in messages) MboxWriter.Write(mbox, m);
            var all = Read(mbox.ToArray());
            return all.Select((item, i) => (item, i)).All(x =>
                Read(mbox.ToArray(), resumeAfter: x.item.Checkpoint).Select(r => Convert.ToHexString(r.Bytes))
                    .SequenceEqual(all.Skip(x.i + 1).Select(r => Convert.ToHexString(r.Bytes))));
        }).Check(HostileInput.Config(200));
    }

    [Fact]
    public void Reading_any_bytes_as_mbox_never_throws_and_never_yields_an_empty_message()
    {
        Prop.ForAll(HostileInput.Bytes([.. Tricky, .. HostileInput.Mail]).ToArbitrary(), bytes =>
            new[] { MboxVariant.Rd, MboxVariant.O }.All(v => Read(bytes, v).All(r => r.Kind != RawKind.Message || r.Bytes.Length > 0)))
            .Check(HostileInput.Config(500));
    }

    // Pieces of lore's two page layouts; dates include impossible ones (month 13, hour 99, non-ASCII digits).
    static readonly Gen<string> Date = Gen.Elements("2014-09-02 17:58", "2014-09-02 7:05", "2014-13-02 17:58", "2014-09-02 99:58", "2014-02-30 10:00", "\u0662\u0660\u0661\u0664-09-02 17:58");

    static readonly Gen<string> ThreadEntry =
        from subject in HostileInput.Line(["[PATCH 1/2] ", "Re: ", "lockd: fix", " "])
        from parent in Date
        from at in Date
        from sent in Date
        from body in HostileInput.Text("Signed-off-by: A <a@b>", "> ", "[   12.345678] BUG: KASAN: use-after-free in f+0x1/0x2", "diff --git a/x b/x", "To: Bob; +Cc: list")
        select $"* {subject}\n{parent} {subject} Ann\n@ {at} ` Bob\n1 sibling, 0 replies; 3+ messages in thread\n" +
               $"From: Ann Dev @ {sent} UTC (permalink / raw)\nTo: Bob; +Cc: linux-nfs\n{body}\n^ permalink raw reply related [flat|nested] 3+ messages in thread\n";

    static readonly Gen<string> MessageEntry =
        from id in Gen.Elements("<a@b>", "<x\u00e9@b>", "<>", "<a b>", "a@b")
        from irt in Gen.Elements("", "In-Reply-To: <p@q>\n", "References: <r@s> <p@q>\n")
        from body in HostileInput.Text("> ", "Reviewed-by: B <b@c>", "WARNING: multiple messages have this Message-ID (diff)")
        select $"From: Ann <a@b>\nTo: list@x\nSubject: Re: x\nDate: Tue, 05 May 2015 17:35:49 +0200\t[thread overview]\nMessage-ID: {id} (raw)\n{irt}\n{body}\n";

    static readonly Gen<string> Page =
        from entries in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Gen.OneOf(ThreadEntry, ThreadEntry, MessageEntry), n))
        from flattened in Gen.Elements(false, false, true)
        let page = string.Concat(entries) + "Thread overview: 3+ messages\n"
        select flattened ? page.Replace('\n', ' ') : page;

    [Fact]
    public void Lore_page_parsing_never_throws_and_rebuilt_messages_parse()
    {
        Prop.ForAll(Page.ToArbitrary(), text =>
            LorePageParser.Parse(text).All(m => MailParser.Parse(m.ToRfc5322()).MessageId.Length > 0))
            .Check(HostileInput.Config(300));
    }
}
