using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Ktriage.Core.Mail;
using Ktriage.Sources.Mbox;

namespace Ktriage.Sources.Tests;

public class MboxSourceTests
{
    // Bodies with every kind of line the escaping rules care about.
    static readonly string[] Messages =
    [
        "From: a@example.org\nSubject: one\nMessage-ID: <1@x>\n\nFrom here on it breaks.\n>From quoted once\n>>From quoted twice\nend\n",
        "From: b@example.org\nSubject: two\nMessage-ID: <2@x>\n\nplain body\n\nFrom the report above, see:\n",
        "From: c@example.org\nSubject: three\nMessage-ID: <3@x>\n\nlast\n",
    ];

    /// <summary>What lore serves: every ^>*From line gets one more '>'.</summary>
    static string WriteMboxrd(IEnumerable<string> messages) =>
        string.Concat(messages.Select(m => "From mboxrd@z Thu Jan  1 00:00:00 1970\n" + Regex.Replace(m, "^(>*From )", ">$1", RegexOptions.Multiline) + "\n"));

    /// <summary>mboxo: only ^From lines get a '>'.</summary>
    static string WriteMboxo(IEnumerable<string> messages) =>
        string.Concat(messages.Select(m => "From someone@example.org Mon Sep 17 00:00:00 2001\n" + Regex.Replace(m, "^From ", ">From ", RegexOptions.Multiline) + "\n"));

    [Fact]
    public async Task MboxrdRoundTripsEveryFromLine()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("list.mbox", WriteMboxrd(Messages));

        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();

        Assert.Equal(Messages, items.Select(m => m.Text()));
        Assert.All(items, m => Assert.Equal(RawKind.Message, m.Kind));
        Assert.Equal([0L, Encoding.UTF8.GetByteCount(WriteMboxrd(Messages[..1]))], items.Take(2).Select(m => m.Locator.Offset!.Value));
    }

    [Fact]
    public async Task MboxoUnescapesOnlyOneLevel()
    {
        using var tmp = new TempDir();
        // mboxo cannot carry a body line that starts with ">From ": it comes back as "From ". That is the format's loss.
        string[] lossless = [Messages[1], Messages[2], "From: d@x\nMessage-ID: <4@x>\n\nFrom start\n>>From stays double\n"];
        var path = tmp.Write("old.mbx", WriteMboxo(lossless));

        var asO = await Assert.Single(SourceFactory.Open(path, new SourceOptions(MboxVariant.O))).AllAsync();
        Assert.Equal(lossless, asO.Select(m => m.Text()));

        // Read as mboxrd (the default), ">>From" loses one '>': the variants differ exactly there.
        var asRd = await Assert.Single(SourceFactory.Open(path)).AllAsync();
        Assert.Contains("\n>From stays double\n", asRd[2].Text());
    }

    [Fact]
    public async Task UnescapedFromLineInABodyDoesNotSplitTheMessage()
    {
        using var tmp = new TempDir();
        // A naive writer left "From the report above," unescaped after a blank line: not an envelope (no date).
        var raw = "From x@y Mon Sep 17 00:00:00 2001\n" + Messages[1] + "\nFrom the second paragraph, unescaped\n\nFrom x@y Mon Sep 17 00:00:00 2001\n" + Messages[2];
        var items = await Assert.Single(SourceFactory.Open(tmp.Write("naive.mbox", raw))).AllAsync();

        Assert.Equal(2, items.Count);
        Assert.EndsWith("From the second paragraph, unescaped\n", items[0].Text());
    }

    [Fact]
    public async Task BlankLinesBeforeTheFirstEnvelopeAreSkipped()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("lead.mbox", "\n\n" + WriteMboxrd(Messages));
        Assert.Equal(Messages, (await Assert.Single(SourceFactory.Open(path)).AllAsync()).Select(m => m.Text()));
    }

    [Fact]
    public async Task CrlfMboxKeepsCrlfMessages()
    {
        using var tmp = new TempDir();
        var crlf = WriteMboxrd(Messages).Replace("\n", "\r\n");
        var items = await Assert.Single(SourceFactory.Open(tmp.Write("dos.mbox", crlf))).AllAsync();
        Assert.Equal(Messages.Select(m => m.Replace("\n", "\r\n")), items.Select(m => m.Text()));
    }

    [Fact]
    public async Task GzipMboxStreamsTheSameMessages()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("list.mbox.gz", Gzip(WriteMboxrd(Messages)));

        var source = Assert.Single(SourceFactory.Open(path));
        Assert.Equal("list", source.DefaultList);
        Assert.Equal(Messages, (await source.AllAsync()).Select(m => m.Text()));
    }

    [Fact]
    public async Task TruncatedGzipReportsAProblemAfterTheCompleteMessages()
    {
        using var tmp = new TempDir();
        // Large enough that the cut falls well after the first messages.
        var many = Enumerable.Range(0, 400).Select(i => $"From: n{i}@x\nMessage-ID: <{i}@x>\n\n{string.Join("\n", Enumerable.Range(0, 40).Select(j => $"line {i}.{j} {Guid.NewGuid()}"))}\n").ToList();
        var gz = Gzip(WriteMboxrd(many));
        var path = tmp.Write("cut.mbox.gz", gz[..(gz.Length / 2)]);

        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();

        var problem = Assert.Single(items, m => m.Kind == RawKind.Problem);
        Assert.Same(problem, items[^1]);
        Assert.Contains("cut.mbox.gz", problem.Problem);
        var good = items.Where(m => m.Kind == RawKind.Message).ToList();
        Assert.InRange(good.Count, 50, 399);
        Assert.Equal(many.Take(good.Count), good.Select(m => m.Text())); // every yielded message is complete
    }

    [Fact]
    public async Task ResumeAfterCheckpointReadsOnlyAppendedMessages()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("grow.mbox", WriteMboxrd(Messages[..2]));
        var source = Assert.Single(SourceFactory.Open(path));
        var first = await source.AllAsync();
        File.AppendAllText(path, WriteMboxrd(Messages[2..]));

        var next = await source.AllAsync(first[^1].Checkpoint);

        Assert.Equal([Messages[2]], next.Select(m => m.Text()));
        Assert.Empty(await source.AllAsync(next[^1].Checkpoint));
    }

    [Fact]
    public async Task ResumeInsideAGzipMboxSkipsWhatWasRead()
    {
        // A .gz cannot seek: the reader decompresses and discards up to the checkpoint.
        using var tmp = new TempDir();
        var path = tmp.Write("list.mbox.gz", Gzip(WriteMboxrd(Messages)));
        var source = Assert.Single(SourceFactory.Open(path));
        var all = await source.AllAsync();

        var rest = await source.AllAsync(all[0].Checkpoint);

        Assert.Equal(Messages[1..], rest.Select(m => m.Text()));
        Assert.Equal(all[1].Locator.Offset, rest[0].Locator.Offset);
    }

    [Fact]
    public async Task CheckpointThatNoLongerMatchesRereadsEverything()
    {
        using var tmp = new TempDir();
        var path = tmp.Write("x.mbox", WriteMboxrd(Messages));
        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync("17");
        Assert.Equal(RawKind.Problem, items[0].Kind);
        Assert.Equal(Messages, items.Skip(1).Select(m => m.Text()));
    }

    internal static byte[] Gzip(string text)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }

    internal static string Mboxrd(params string[] messages) => WriteMboxrd(messages);
}
