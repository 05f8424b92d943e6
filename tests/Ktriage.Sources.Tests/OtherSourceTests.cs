using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Sources.Maildir;

namespace Ktriage.Sources.Tests;

public class OtherSourceTests
{
    const string Eml = "From: a@example.org\nTo: b@example.org\nSubject: hi\nMessage-ID: <e@x>\n\nFrom here, a body line.\n";

    [Fact]
    public async Task MaildirReadsCurAndNewInNameOrder()
    {
        using var tmp = new TempDir();
        tmp.Write("md/new/1700000003.M3.host", "Message-ID: <3@x>\n\nthree\n");
        tmp.Write("md/cur/1700000001.M1.host:2,S", "Message-ID: <1@x>\n\none\n");
        tmp.Write("md/cur/1700000002.M2.host:2,", "Message-ID: <2@x>\n\ntwo\n");
        tmp.Write("md/cur/.hidden", "junk");
        Directory.CreateDirectory(tmp["md/tmp"]);

        var source = Assert.Single(SourceFactory.Open(tmp["md"]));
        Assert.IsType<MaildirSource>(source);
        var items = await source.AllAsync();

        Assert.Equal(["one", "two", "three"], items.Select(m => m.Text().Split("\n\n")[1].Trim()));
        Assert.EndsWith("1700000003.M3.host", items[2].Locator.Path);
    }

    [Fact]
    public async Task EmlIsOneMessageAsIs()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("report.eml", Eml);
        var m = Assert.Single(await Assert.Single(SourceFactory.Open(path)).AllAsync());
        Assert.Equal(Eml, m.Text());
        Assert.Equal(path, m.Locator.Origin);
    }

    [Fact]
    public async Task StdinWithFromLineIsAnMbox()
    {
        var input = MboxSourceTests.Mboxrd(Eml, Eml.Replace("<e@x>", "<f@x>"));
        var source = Assert.Single(SourceFactory.Open("-", new SourceOptions(Stdin: () => new MemoryStream(Encoding.UTF8.GetBytes(input)))));
        var items = await source.AllAsync();
        Assert.Equal(2, items.Count);
        Assert.Equal(Eml, items[0].Text()); // "From here" in the body came back unescaped
        Assert.All(items, m => Assert.Equal("-", m.Locator.Origin));
        Assert.All(items, m => Assert.Null(m.Checkpoint));
    }

    [Fact]
    public async Task StdinWithoutFromLineIsOneMessage()
    {
        var source = Assert.Single(SourceFactory.Open("-", new SourceOptions(Stdin: () => new MemoryStream(Encoding.UTF8.GetBytes(Eml)))));
        var m = Assert.Single(await source.AllAsync());
        Assert.Equal(Eml, m.Text());
    }

    [Fact]
    public async Task GzippedStdinIsDecompressed()
    {
        var gz = MboxSourceTests.Gzip(MboxSourceTests.Mboxrd(Eml));
        var source = Assert.Single(SourceFactory.Open("-", new SourceOptions(Stdin: () => new MemoryStream(gz))));
        Assert.Equal(Eml, Assert.Single(await source.AllAsync()).Text());
    }

    [Fact]
    public async Task EmptyStdinYieldsNothing()
    {
        var source = Assert.Single(SourceFactory.Open("-", new SourceOptions(Stdin: () => new MemoryStream())));
        Assert.Empty(await source.AllAsync());
    }
}
