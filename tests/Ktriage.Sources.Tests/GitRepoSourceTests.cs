using System.Diagnostics;
using Ktriage.Core.Mail;
using Ktriage.Sources.PublicInbox;
using Ktriage.TestSupport;

namespace Ktriage.Sources.Tests;

public class GitRepoSourceTests
{
    [Fact]
    public async Task V2InboxReadsEveryEpochInNumericOrder()
    {
        using var tmp = new TempDir();
        var inbox = tmp["lkml"];
        // Epochs 0, 2 and 10: text order would put 10 before 2.
        var n = 0;
        foreach (var epoch in new[] { 0, 10, 2 })
        {
            var b = new GitRepoBuilder(Path.Combine(inbox, "git", $"{epoch}.git"));
            for (var i = 0; i < 2; i++) b.CommitV2(GitRepoBuilder.Message(epoch * 100 + i));
            n += 2;
        }
        Directory.CreateDirectory(Path.Combine(inbox, "git", "notes")); // not an epoch: ignored

        var sources = SourceFactory.Open(inbox);

        Assert.Equal(["0.git", "2.git", "10.git"], sources.Select(s => Path.GetFileName(s.Origin)));
        Assert.All(sources, s => Assert.Equal("lkml", s.DefaultList));
        var items = await sources.AllAsync();
        Assert.Equal(["<m0@", "<m1@", "<m200@", "<m201@", "<m1000@", "<m1001@"],
            items.Select(m => m.Text().Split("Message-ID: ")[1][..(m.Text().Split("Message-ID: ")[1].IndexOf('@') + 1)]));
    }

    [Fact]
    public async Task BareEpochYieldsBlobCommitTimeAndCheckpointPerMessage()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["io-uring-0.git"]);
        var c1 = b.CommitV2(GitRepoBuilder.Message(1));
        var c2 = b.CommitV2(GitRepoBuilder.Message(2));

        var source = Assert.Single(SourceFactory.Open(b.GitDir));
        Assert.Equal("io-uring", source.DefaultList);
        var items = await source.AllAsync();

        Assert.Equal(2, items.Count);
        Assert.All(items, m => Assert.Equal(RawKind.Message, m.Kind));
        Assert.Equal(GitRepoBuilder.Message(1), items[0].Text());
        Assert.Equal(new SourceLocator(b.GitDir, c1.Blob, c1.Commit), items[0].Locator);
        Assert.Equal(c2.Commit, items[1].Checkpoint);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000 + 60), items[0].CommitTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000 + 120), items[1].CommitTime);
    }

    [Fact]
    public async Task V2DeletionCommitYieldsTheDeletedMessage()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        b.CommitV2(GitRepoBuilder.Message(1));
        b.CommitV2(GitRepoBuilder.Message(2));
        var del = b.CommitV2(GitRepoBuilder.Message(1), file: "d"); // public-inbox: tree holds d = the removed message
        b.CommitV2(GitRepoBuilder.Message(3));

        var items = await new GitRepoSource(b.GitDir, "e").AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Message, RawKind.Deletion, RawKind.Message], items.Select(i => i.Kind));
        Assert.Equal(GitRepoBuilder.Message(1), items[2].Text());
        Assert.Equal(del.Commit, items[2].Locator.Commit);
        Assert.Equal(GitRepoBuilder.Message(3), items[3].Text());
    }

    [Fact]
    public async Task SameMessageCommittedTwiceIsYieldedTwice()
    {
        // io-uring has such a commit: its tree equals its parent's, so `git log --raw` shows no change.
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        b.CommitV2(GitRepoBuilder.Message(1));
        var again = b.CommitV2(GitRepoBuilder.Message(1));
        b.CommitV2(GitRepoBuilder.Message(2));

        var items = await new GitRepoSource(b.GitDir, "e").AllAsync();

        Assert.Equal(3, items.Count);
        Assert.Equal(again.Commit, items[1].Locator.Commit);
        Assert.Equal(again.Blob, items[1].Locator.Blob);
        Assert.Equal(items[0].Text(), items[1].Text());

        // Resuming right before the repeat: the reader has not seen the blob yet and must ask git for it.
        var resumed = await new GitRepoSource(b.GitDir, "e").AllAsync(b.Commits[0].Commit);
        Assert.Equal(2, resumed.Count);
        Assert.Equal(again.Blob, resumed[0].Locator.Blob);
        Assert.Equal(GitRepoBuilder.Message(1), resumed[0].Text());
    }

    [Fact]
    public async Task V1RepoYieldsAddedMessagesAndDeletions()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["v1inbox"]);
        const string p1 = "ab/cdef0123456789abcdef0123456789abcdef01", p2 = "12/3456789abcdef0123456789abcdef012345678";
        var files = new Dictionary<string, string> { [p1] = GitRepoBuilder.Message(1) };
        b.CommitV1(files, p1);
        files[p2] = GitRepoBuilder.Message(2);
        b.CommitV1(files, p2);
        files.Remove(p1);
        var del = b.CommitV1(files, p1);

        var source = Assert.Single(SourceFactory.Open(b.GitDir));
        var items = await source.AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Message, RawKind.Deletion], items.Select(i => i.Kind));
        Assert.Equal(GitRepoBuilder.Message(2), items[1].Text());
        Assert.Equal(GitRepoBuilder.Message(1), items[2].Text());
        Assert.Equal(del.Commit, items[2].Checkpoint);
    }

    [Fact]
    public async Task V1RepoWhoseLastMessageWasDeletedIsStillReadAsV1()
    {
        // The tip's tree is empty, so the layout cannot be seen there: the paths in the history decide.
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["v1inbox"]);
        const string p1 = "ab/cdef0123456789abcdef0123456789abcdef01";
        b.CommitV1(new Dictionary<string, string> { [p1] = GitRepoBuilder.Message(1) }, p1);
        b.CommitV1(new Dictionary<string, string>(), p1);

        var items = await new GitRepoSource(b.GitDir, "v1").AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Deletion], items.Select(i => i.Kind));
        Assert.Equal(GitRepoBuilder.Message(1), items[1].Text());
    }

    [Fact]
    public async Task MissingBlobIsReportedWithItsCommitAndReadingGoesOn()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        b.CommitV2(GitRepoBuilder.Message(1));
        var lost = b.CommitV2(GitRepoBuilder.Message(2));
        b.CommitV2(GitRepoBuilder.Message(3));
        b.DeleteLooseObject(lost.Blob);

        var items = await new GitRepoSource(b.GitDir, "e").AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Problem, RawKind.Message], items.Select(i => i.Kind));
        Assert.Contains(lost.Commit, items[1].Problem);
        Assert.Contains(lost.Blob, items[1].Problem);
        Assert.Contains("missing", items[1].Problem);
        Assert.Equal(lost.Commit, items[1].Locator.Commit);
        Assert.Equal(lost.Commit, items[1].Checkpoint); // ingest can move past it
        Assert.Equal(GitRepoBuilder.Message(3), items[2].Text());
    }

    [Fact]
    public async Task CorruptLooseObjectIsReportedLikeAMissingOne()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        var bad = b.CommitV2(GitRepoBuilder.Message(1));
        b.CommitV2(GitRepoBuilder.Message(2));
        var path = Path.Combine(b.GitDir, "objects", bad.Blob[..2], bad.Blob[2..]);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllText(path, "not zlib data");

        var items = await new GitRepoSource(b.GitDir, "e").AllAsync();

        Assert.Equal([RawKind.Problem, RawKind.Message], items.Select(i => i.Kind));
        Assert.Contains(bad.Commit, items[0].Problem);
    }

    [Fact]
    public async Task CorruptPackedBlobCostsOneCommitAndReadingGoesOn()
    {
        // A damaged pack makes `git cat-file` die ("fatal: packed object … is corrupt"), unlike a loose object.
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        var rnd = new Random(7);
        string Noise() => Convert.ToBase64String(Enumerable.Range(0, 3000).Select(_ => (byte)rnd.Next(256)).ToArray());
        for (var i = 1; i <= 5; i++) b.CommitV2(GitRepoBuilder.Message(i, Noise())); // incompressible: no deltas between blobs
        b.Run("repack", "-adq");
        var bad = b.Commits[2];
        var pack = Directory.GetFiles(Path.Combine(b.GitDir, "objects", "pack"), "*.pack").Single();
        var offset = b.Run("verify-pack", "-v", Path.ChangeExtension(pack, ".idx")).Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(f => f[0] == bad.Blob)[^1];
        File.SetAttributes(pack, FileAttributes.Normal);
        using (var fs = new FileStream(pack, FileMode.Open, FileAccess.Write))
        {
            fs.Position = long.Parse(offset) + 200;
            fs.Write(new byte[40]);
        }

        var items = await new GitRepoSource(b.GitDir, "e").AllAsync();

        Assert.Equal([RawKind.Message, RawKind.Message, RawKind.Problem, RawKind.Message, RawKind.Message], items.Select(i => i.Kind));
        Assert.Contains(bad.Commit, items[2].Problem);
        Assert.Matches("cut short|stopped", items[2].Problem);
        Assert.Contains("corrupt", items[2].Problem); // git's own reason is passed on
        Assert.Equal(bad.Commit, items[2].Checkpoint);
        Assert.StartsWith("From: Tester 4", items[3].Text());
    }

    [Fact]
    public async Task ResumeFromCheckpointYieldsOnlyNewerCommits()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        for (var i = 1; i <= 3; i++) b.CommitV2(GitRepoBuilder.Message(i));
        var source = new GitRepoSource(b.GitDir, "e");
        var first = await source.AllAsync();

        for (var i = 4; i <= 5; i++) b.CommitV2(GitRepoBuilder.Message(i));
        var next = await source.AllAsync(first[^1].Checkpoint);

        Assert.Equal([GitRepoBuilder.Message(4), GitRepoBuilder.Message(5)], next.Select(m => m.Text()));
        Assert.Empty(await source.AllAsync(next[^1].Checkpoint));
    }

    [Fact]
    public async Task CheckpointNotInHistoryIsReportedThenEverythingIsRead()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        b.CommitV2(GitRepoBuilder.Message(1));
        b.CommitV2(GitRepoBuilder.Message(2));

        var items = await new GitRepoSource(b.GitDir, "e").AllAsync("0123456789abcdef0123456789abcdef01234567");

        Assert.Equal(RawKind.Problem, items[0].Kind);
        Assert.Contains("rewritten", items[0].Problem);
        Assert.Equal(2, items.Count(i => i.Kind == RawKind.Message));
    }

    [Fact]
    public async Task EmptyEpochYieldsNothing()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        Assert.Empty(await new GitRepoSource(b.GitDir, "e").AllAsync());
    }

    [Fact]
    public async Task UnreadableRepositoryIsASourceErrorNotAnEmptyOne()
    {
        using var tmp = new TempDir();
        var b = new GitRepoBuilder(tmp["e.git"]);
        b.CommitV2(GitRepoBuilder.Message(1));
        File.WriteAllText(Path.Combine(b.GitDir, "HEAD"), "garbage\n"); // git no longer recognises it as a repository

        var e = await Assert.ThrowsAsync<SourceException>(() => new GitRepoSource(b.GitDir, "e").AllAsync());
        Assert.StartsWith(b.GitDir + ": git cannot read this repository", e.Message);
    }

    [SharedFact("corpus/io-uring-0.git.tar")]
    public async Task IoUringArchiveHas33494MessagesAndOneMissingBlob()
    {
        using var tmp = new TempDir();
        Untar(SharedData.Path("corpus/io-uring-0.git.tar"), tmp.Path);
        var source = Assert.Single(SourceFactory.Open(tmp["io-uring-0.git"]));

        int messages = 0, deletions = 0;
        long bytes = 0;
        var problems = new List<RawMessage>();
        string? last = null;
        await foreach (var m in source.ReadAsync(null))
        {
            switch (m.Kind)
            {
                case RawKind.Message: messages++; bytes += m.Bytes.Length; break;
                case RawKind.Deletion: deletions++; break;
                default: problems.Add(m); break;
            }
            last = m.Checkpoint;
        }

        Assert.Equal(33494, messages);
        Assert.Equal(0, deletions);
        var problem = Assert.Single(problems);
        Assert.Equal("ab7933436486a817bf7032d41ddf43703705078e", problem.Locator.Commit);
        Assert.Contains("ab7933436486a817bf7032d41ddf43703705078e", problem.Problem);
        Assert.Equal("13402fd07a919d07992615928b9d609b620717d9", last); // master's tip: the last commit
        Assert.InRange(bytes, 250L << 20, 262L << 20); // "256 MiB raw"
    }

    [SharedFact("corpus/io-uring-0.git.tar")]
    public async Task StoppingEarlyEndsTheGitProcesses()
    {
        using var tmp = new TempDir();
        Untar(SharedData.Path("corpus/io-uring-0.git.tar"), tmp.Path);
        var source = new GitRepoSource(tmp["io-uring-0.git"], "io-uring");
        var taken = 0;
        await foreach (var _ in source.ReadAsync(null))
            if (++taken == 10) break;

        Assert.Equal(10, taken);
        // No git child of ours may outlive the enumeration.
        var ours = Process.GetProcessesByName("git").Where(p => SafeCmdline(p).Contains(tmp.Path)).ToList();
        Assert.Empty(ours);
    }

    static string SafeCmdline(Process p)
    {
        try { return File.ReadAllText($"/proc/{p.Id}/cmdline"); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; }
    }

    internal static void Untar(string tar, string into)
    {
        using var p = Process.Start(new ProcessStartInfo("tar", ["xf", tar, "-C", into]) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
