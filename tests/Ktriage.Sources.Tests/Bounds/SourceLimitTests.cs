using System.IO.Compression;
using System.Text;
using Ktriage.Core;
using Ktriage.Core.Mail;

namespace Ktriage.Sources.Tests.Bounds;

/// <summary>Sources enforce the message size limit while reading (a huge message is never held in memory) and
/// refuse gzip bombs; each problem names the limit, and reading goes on after it.</summary>
public sealed class SourceLimitTests
{
    static string Msg(int i, string body = "hello") => $"From: t{i}@example.com\nSubject: m{i}\nMessage-ID: <m{i}@example.com>\n\n{body}\n";
    static string Envelope => "From mboxrd@z Thu Jan  1 00:00:00 1970\n";

    [Fact]
    public async Task An_mbox_message_over_the_limit_is_skipped_with_a_problem_and_the_next_is_read()
    {
        using var _ = InputLimits.Use(new InputLimits { MessageBytes = 64 << 10 });
        using var tmp = new TempDir();
        var big = string.Concat(Enumerable.Repeat("a line of a very long message\n", 10_000));
        var path = tmp.Write("l.mbox", Envelope + Msg(1) + "\n" + Envelope + Msg(2, big) + "\n" + Envelope + Msg(3) + "\n");

        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Problem, RawKind.Message], items.Select(i => i.Kind));
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", items[1].Problem);
        Assert.Contains($"at byte {items[1].Locator.Offset}", items[1].Problem);
        Assert.NotNull(items[1].Checkpoint); // a resumed read starts after it
        Assert.Contains("m3@example.com", items[2].Text());
    }

    [Fact]
    public async Task A_single_line_longer_than_the_limit_is_read_in_pieces_and_skipped()
    {
        // 8 MB without a newline (a flattened page or garbage): the reader must not buffer it whole, and the
        // "From " at the start of a later piece must not split the message.
        using var _ = InputLimits.Use(new InputLimits { MessageBytes = 1 << 20 });
        using var tmp = new TempDir();
        var line = new StringBuilder();
        while (line.Length < 8 << 20) line.Append("From x ").Append('y', 1 << 16);
        var path = tmp.Write("l.mbox", Envelope + Msg(1, line.ToString()) + "\n" + Envelope + Msg(2) + "\n");

        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();

        Assert.Equal([RawKind.Problem, RawKind.Message], items.Select(i => i.Kind));
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", items[0].Problem);
        Assert.Contains("m2@example.com", items[1].Text());
    }

    [Fact]
    public async Task An_mbox_cut_in_the_middle_of_a_line_skips_the_last_message_until_the_file_is_complete()
    {
        using var tmp = new TempDir();
        var whole = Envelope + Msg(1) + "\n" + Envelope + Msg(2) + "\n" + Envelope + Msg(3, "a body line that is long enough to cut") + "\n";
        var path = tmp.Write("l.mbox", whole[..(whole.Length - 12)]);
        var source = Assert.Single(SourceFactory.Open(path));

        var items = await source.AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Message, RawKind.Problem], items.Select(i => i.Kind));
        Assert.Contains("ends in the middle of a line", items[2].Problem);
        Assert.Equal(items[2].Locator.Offset.ToString(), items[2].Checkpoint);

        tmp.Write("l.mbox", whole); // the copy finished
        var rest = await source.AllAsync(items[2].Checkpoint);
        Assert.Contains("m3@example.com", Assert.Single(rest).Text());
        Assert.EndsWith("long enough to cut\n", Assert.Single(rest).Text());
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_after_the_messages_before_it()
    {
        using var _ = InputLimits.Use(new InputLimits { GzipRatio = 50, GzipRatioFloorBytes = 1 << 20 });
        using var tmp = new TempDir();
        var path = tmp["bomb.mbox.gz"];
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.SmallestSize))
        {
            gz.Write(Encoding.UTF8.GetBytes(Envelope + Msg(1) + "\n" + Envelope + Msg(2, "")));
            var zeros = Encoding.ASCII.GetBytes(new string('0', 1 << 16) + "\n");
            for (int i = 0; i < 1600; i++) gz.Write(zeros); // 100 MB of one repeated line: ~1000x
        }
        Assert.True(new FileInfo(path).Length < 1 << 20);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal([RawKind.Message, RawKind.Problem], items.Select(i => i.Kind));
        Assert.Contains("KTRIAGE_MAX_GZIP_RATIO", items[1].Problem);
        Assert.Contains("gzip bomb", items[1].Problem);
    }

    [Fact]
    public async Task Ordinary_gzip_mail_is_far_below_the_ratio()
    {
        using var tmp = new TempDir();
        var path = tmp["l.mbox.gz"];
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.SmallestSize))
            gz.Write(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => Envelope + Msg(i) + "\n"))));
        using var _ = InputLimits.Use(new InputLimits { GzipRatioFloorBytes = 1 });
        var items = await Assert.Single(SourceFactory.Open(path)).AllAsync();
        Assert.Equal(20_000, items.Count(i => i.Kind == RawKind.Message));
    }

    [Fact]
    public async Task A_git_blob_over_the_limit_is_reported_with_its_commit_and_reading_goes_on()
    {
        using var _ = InputLimits.Use(new InputLimits { MessageBytes = 32 << 10 });
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        b.CommitV2(GitRepoBuilder.Message(1));
        b.CommitV2(GitRepoBuilder.Message(2, new string('z', 100 << 10)));
        b.CommitV2(GitRepoBuilder.Message(3));

        var items = await new PublicInbox.GitRepoSource(b.GitDir, "e").AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Problem, RawKind.Message], items.Select(i => i.Kind));
        Assert.Contains(b.Commits[1].Commit, items[1].Problem);
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", items[1].Problem);
        Assert.Equal(b.Commits[1].Commit, items[1].Checkpoint);
    }

    [Fact]
    public async Task Eml_maildir_and_stdin_messages_over_the_limit_are_problems()
    {
        using var _ = InputLimits.Use(new InputLimits { MessageBytes = 1024 });
        using var tmp = new TempDir();
        var big = Msg(1, new string('b', 4000));
        var eml = await Assert.Single(SourceFactory.Open(tmp.Write("big.eml", big))).AllAsync();
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", Assert.Single(eml).Problem);

        tmp.Write("md/cur/1", Msg(1));
        tmp.Write("md/cur/2", big);
        Directory.CreateDirectory(tmp["md/new"]);
        Directory.CreateDirectory(tmp["md/tmp"]);
        var md = await Assert.Single(SourceFactory.Open(tmp["md"])).AllAsync();
        Assert.Equal([RawKind.Message, RawKind.Problem], md.Select(i => i.Kind));

        var stdin = await new StdinSource(() => new MemoryStream(Encoding.UTF8.GetBytes(big))).AllAsync();
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", Assert.Single(stdin).Problem);
    }
}
