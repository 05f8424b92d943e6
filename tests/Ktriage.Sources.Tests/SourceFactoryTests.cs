using Ktriage.Sources.LorePage;
using Ktriage.Sources.Mbox;

namespace Ktriage.Sources.Tests;

public class SourceFactoryTests
{
    [Fact]
    public void MissingPathIsNamed()
    {
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open("/nonexistent/x.mbox"));
        Assert.Equal("/nonexistent/x.mbox: no such file or directory", e.Message);
    }

    [Fact]
    public void DirectoryOfNoKnownKindIsRejected()
    {
        using var tmp = new TempDir();
        tmp.Write("stuff/readme.txt", "hello");
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open(tmp["stuff"]));
        Assert.StartsWith(tmp["stuff"] + ": not a public-inbox inbox", e.Message);
    }

    [Fact]
    public void InboxWithoutEpochsIsRejected()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["inbox/git"]);
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open(tmp["inbox"]));
        Assert.Contains("no epoch", e.Message);
    }

    [Fact]
    public void BinaryFileGivenAsMboxIsRejected()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("image.mbox", [0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 3]);
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open(path));
        Assert.Equal($"{path}: not an mbox (binary data)", e.Message);
    }

    [Fact]
    public void TextFileWithoutFromLineGivenAsMboxIsRejected()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("foo.mbox", "hello world\nthis is not mail\n");
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open(path));
        Assert.Equal($"{path}: not an mbox (first line is not a 'From ' line)", e.Message);
    }

    [Fact]
    public void GarbageGzipIsRejected()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("x.mbox.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff]);
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open(path));
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void UnrecognisedTextFileIsRejected()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("notes.txt", "just some notes\nnothing here\n");
        var e = Assert.Throws<SourceException>(() => SourceFactory.Open(path));
        Assert.StartsWith(path + ": not a mail source", e.Message);
    }

    [Fact]
    public void KindsAreSniffedFromContent()
    {
        using var tmp = new TempDir();
        Assert.IsType<MboxSource>(Assert.Single(SourceFactory.Open(tmp.Write("a.txt", "From x@y Mon Sep 17 00:00:00 2001\nSubject: s\n\nb\n"))));
        Assert.IsType<SingleMessageSource>(Assert.Single(SourceFactory.Open(tmp.Write("b.msg", "Subject: s\nFrom: a@b\n\nbody\n"))));
        Assert.IsType<LorePageSource>(Assert.Single(SourceFactory.Open(tmp.Write("c.txt", "* subject\n^ permalink raw reply\t[flat|nested] 2+ messages in thread\n"))));
        Assert.IsType<MboxSource>(Assert.Single(SourceFactory.Open(tmp.Write("empty.mbox", ""))));
    }

    [Fact]
    public async Task MboxNamedFileWithoutEnvelopeIsOneMessage()
    {
        // patchwork's test mails and mail clients' "save as" give .mbox files that start with headers.
        using var tmp = new TempDir();
        const string mail = "From: \"Yann E. MORIN\" <y@example.org>\nSubject: [PATCH] x\n\nFrom the patch:\n";
        var source = Assert.Single(SourceFactory.Open(tmp.Write("0008.mbox", mail)));
        Assert.Equal(mail, Assert.Single(await source.AllAsync()).Text());
    }

    [Fact]
    public async Task MboxWithNulBytesIsPassedOnForTheMailLayer()
    {
        using var tmp = new TempDir();
        var bytes = "From x Sat May 23 05:21:05 2017\nContent-Type: text/plain; charset=\"u\0\0\0d\"\nSubject: s\n\nbody\n"u8.ToArray();
        var m = Assert.Single(await Assert.Single(SourceFactory.Open(tmp.Write("fuzz.mbox", bytes))).AllAsync());
        Assert.Contains((byte)0, m.Bytes);
    }

    [Fact]
    public async Task EmlQuotingALorePageIsStillOneMessage()
    {
        using var tmp = new TempDir();
        const string mail = "From: a@example.org\nSubject: look\n\nsee this:\n^ permalink raw reply\t[flat|nested] 9+ messages in thread\n";
        Assert.IsType<SingleMessageSource>(Assert.Single(SourceFactory.Open(tmp.Write("q.eml", mail))));
        Assert.Equal(mail, Assert.Single(await Assert.Single(SourceFactory.Open(tmp["q.eml"])).AllAsync()).Text());
    }

    [Fact]
    public void ListNamesFollowTheSourceName()
    {
        Assert.Equal("io-uring", SourceFactory.ListNameFromGitDir("/a/io-uring-0.git"));
        Assert.Equal("lkml", SourceFactory.ListNameFromGitDir("/a/lkml/git/12.git"));
        Assert.Equal("netdev", SourceFactory.ListNameFromFile("/a/netdev.mbox.gz"));
    }
}
