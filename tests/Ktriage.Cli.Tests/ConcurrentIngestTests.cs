using System.Diagnostics;
using System.Text.Json;
using Ktriage.TestSupport;
using Xunit.Abstractions;

namespace Ktriage.Cli.Tests;

/// <summary>Several `ktriage ingest` processes writing one PostgreSQL database at the same time.</summary>
[NeedsPostgres]
public sealed class ConcurrentIngestTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-concurrent-").FullName;
    readonly TestDatabase db = TestPostgres.Url is null ? null! : new TestDatabase();

    public void Dispose()
    {
        db?.Dispose();
        Directory.Delete(dir, true);
    }

    static void Git(string gitDir, params string[] args)
    {
        var p = Process.Start(new ProcessStartInfo("git", ["--git-dir", gitDir, .. args]) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {err}");
    }

    /// <summary>The 3,000-message virtualization archive cut into two epochs like public-inbox rolls them over: epoch 0
    /// the first 1,500 messages, epoch 1 the rest as a new repository (its first commit a root commit; raw-permissive:
    /// one commit of the archive has the time zone +1700).</summary>
    (string E0, string E1) TwoEpochs()
    {
        var full = Path.Combine(dir, "full.git");
        var clone = Process.Start("git", ["clone", "-q", "--bare", SharedData.Path("corpus/virtualization-0-first3000.bundle"), full])!;
        clone.WaitForExit();
        Assert.Equal(0, clone.ExitCode);
        var e0 = Path.Combine(dir, "git", "0.git");
        var e1 = Path.Combine(dir, "git", "1.git");
        Process.Start("git", ["clone", "-q", "--bare", full, e0])!.WaitForExit();
        Git(e0, "update-ref", "refs/heads/master", "master~1500");
        Process.Start("git", ["init", "-q", "--bare", e1])!.WaitForExit();
        var export = Process.Start(new ProcessStartInfo("sh", ["-c", $"git --git-dir '{full}' fast-export master~1500..master | git --git-dir '{e1}' fast-import --quiet --date-format=raw-permissive"]))!;
        export.WaitForExit();
        Assert.Equal(0, export.ExitCode);
        return (e0, e1);
    }

    [StoreFact("corpus/virtualization-0-first3000.bundle", "corpus/virtualization-0-first3000.pi-tid.tsv")]
    public void Concurrent_ingests_of_two_epochs_store_every_message_once_and_thread_across_epochs()
    {
        var (e0, e1) = TwoEpochs();
        // Epoch 0 and epoch 1 at once, and epoch 1 a second time at once (the same messages racing each other).
        var runs = new[] { e0, e1, e1 }.Select(repo =>
        {
            var p = Process.Start(Ktriage.StartInfo(db.Url, "ingest", repo, "--list", "virtualization", "--json"))!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardInput.Close();
            return (Process: p, Stdout: stdout, Stderr: stderr);
        }).ToList();
        foreach (var (p, stdout, stderr) in runs)
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(10)), "ingest hung");
            Assert.True(p.ExitCode == 0, stderr.Result);
            output.WriteLine(stdout.Result);
        }

        var r = Ktriage.Run(db.Url, "messages", "--json");
        Assert.Equal(0, r.ExitCode);
        var blobs = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("blob").GetString()).ToList();
        Assert.Equal(3000, blobs.Count);
        Assert.Equal(3000, blobs.Distinct().Count());
        var stats = Ktriage.Run(db.Url, "stats", "--json");
        using (var doc = JsonDocument.Parse(stats.Stdout))
            Assert.Equal(3000, doc.RootElement.GetProperty("counts").GetProperty("copies").GetInt64());

        // Threads: exactly public-inbox's grouping of the whole archive, although replies in epoch 1 were stored while
        // (or before) their parents in epoch 0 were.
        var mine = Ktriage.ThreadsByBlob(db.Url);
        var reference = Partition.ReadTsv(SharedData.Path("corpus/virtualization-0-first3000.pi-tid.tsv"));
        var (precision, recall, common) = Partition.Compare(mine, reference);
        output.WriteLine($"{common} messages, {mine.Values.Distinct().Count()} threads, precision {precision:F4} recall {recall:F4}");
        Assert.Equal(3000, common);
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
    }
}
