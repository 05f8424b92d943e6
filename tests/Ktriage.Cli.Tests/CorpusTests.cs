using System.Diagnostics;
using Ktriage.TestSupport;
using Xunit.Abstractions;

namespace Ktriage.Cli.Tests;

/// <summary>The real lore archives: threads must group exactly like public-inbox's, ingest must survive kill -9.</summary>
public sealed class CorpusTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-corpus-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string CloneVirtualization()
    {
        var repo = Path.Combine(dir, "virtualization-0.git");
        var git = Process.Start("git", ["clone", "-q", "--bare", SharedData.Path("corpus/virtualization-0-first3000.bundle"), repo])!;
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return repo;
    }

    internal static string ExtractIoUring(string dir)
    {
        var tar = Process.Start("tar", ["xf", SharedData.Path("corpus/io-uring-0.git.tar"), "-C", dir])!;
        tar.WaitForExit();
        Assert.Equal(0, tar.ExitCode);
        return Path.Combine(dir, "io-uring-0.git");
    }

    [SharedFact("corpus/virtualization-0-first3000.bundle", "corpus/virtualization-0-first3000.pi-tid.tsv")]
    public void Virtualization_threads_equal_public_inbox_tid_partition()
    {
        var repo = CloneVirtualization();
        var db = Path.Combine(dir, "v.db");
        var r = Ktriage.Run(db, "ingest", repo, "--list", "virtualization", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var mine = Ktriage.ThreadsByBlob(db);
        var reference = Partition.ReadTsv(SharedData.Path("corpus/virtualization-0-first3000.pi-tid.tsv"));
        var (precision, recall, common) = Partition.Compare(mine, reference);
        output.WriteLine($"virtualization: {common} messages, {mine.Values.Distinct().Count()} threads (public-inbox {reference.Values.Distinct().Count()}), pairwise precision {precision:F4} recall {recall:F4}");
        Assert.Equal(3000, common);
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
    }

    [SharedFact("corpus/io-uring-0.git.tar", "corpus/io-uring-0.pi-tid.tsv")]
    public void IoUring_archive_ingested_in_two_runs_threads_equal_public_inbox_and_crash_links_equal_a_full_recompute()
    {
        var repo = ExtractIoUring(dir);
        var db = Path.Combine(dir, "io.db");
        // First the older two thirds (as if the mirror was made then), then the rest: incremental ingest and
        // incremental crash links must end where one full run ends.
        var tip = Git(repo, "rev-parse", "master");
        var commits = Git(repo, "rev-list", "master").Split('\n');
        Git(repo, "update-ref", "refs/heads/master", commits[commits.Length / 3]);
        var first = Ktriage.Run(db, "ingest", repo, "--json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Git(repo, "update-ref", "refs/heads/master", tip);
        var r = Ktriage.Run(db, "ingest", repo, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        output.WriteLine(first.Stdout + r.Stdout);
        using (var doc = System.Text.Json.JsonDocument.Parse(r.Stdout))
        {
            // One blob is missing from this copy of the archive: reported, and ingest went on.
            Assert.Contains("cc2fb8c5589caec17495361c6822c72d4529aa83", first.Stdout + r.Stdout);
            Assert.True(doc.RootElement.GetProperty("added").GetInt64() > 10000);
        }
        var mine = Ktriage.ThreadsByBlob(db);
        var reference = Partition.ReadTsv(SharedData.Path("corpus/io-uring-0.pi-tid.tsv"));
        var (precision, recall, common) = Partition.Compare(mine, reference);
        output.WriteLine($"io-uring: {common} of {reference.Count} public-inbox messages, pairwise precision {precision:F6} recall {recall:F6}");
        Assert.Equal(reference.Count, common);
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);

        var again = Ktriage.Run(db, "ingest", repo, "--json");
        Assert.Equal(0, again.ExitCode);
        using (var doc2 = System.Text.Json.JsonDocument.Parse(again.Stdout))
            Assert.Equal(0, doc2.RootElement.GetProperty("added").GetInt64());

        var incremental = CrashTables(db);
        var clustersIncremental = Ktriage.Run(db, "crashes", "--json").Stdout;
        Sql(db, "DELETE FROM meta WHERE key = 'crash_links'");   // forget the link state: the next read recomputes all
        var clustersFull = Ktriage.Run(db, "crashes", "--json").Stdout;
        var full = CrashTables(db);
        Assert.True(full.Count > 10000, $"{full.Count} rows");
        output.WriteLine($"crash tables: {full.Count} rows, {full.Except(incremental).Count()} only in the full recompute, {incremental.Except(full).Count()} only after the incremental one");
        Assert.Equal(full, incremental);
        Assert.Equal(clustersFull, clustersIncremental);
    }

    static string Git(string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("git", ["-C", repo, .. args]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    static void Sql(string db, string sql)
    {
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db}");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every row of the crash knowledge base, as text.</summary>
    static List<string> CrashTables(string db)
    {
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly");
        conn.Open();
        var rows = new List<string>();
        foreach (var sql in new[] { "SELECT * FROM crash_clusters ORDER BY id", "SELECT * FROM cluster_members ORDER BY report", "SELECT * FROM fix_links ORDER BY cluster, message_id",
                     "SELECT * FROM cluster_titles ORDER BY title, cluster", "SELECT * FROM cluster_stacks ORDER BY cluster, ord", "SELECT * FROM cluster_frames ORDER BY frame, cluster" })
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            using var r = cmd.ExecuteReader();
            while (r.Read())
                rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "null" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        return rows;
    }

    [SharedFact("corpus/virtualization-0-first3000.bundle")]
    public void Ingest_killed_with_sigkill_at_several_points_then_rerun_gives_exactly_the_same_messages()
    {
        var repo = CloneVirtualization();
        var clean = Path.Combine(dir, "clean.db");
        Assert.Equal(0, Ktriage.Run(clean, "ingest", repo, "-q").ExitCode);
        var expected = Snapshot(clean);

        var db = Path.Combine(dir, "killed.db");
        var kills = 0;
        foreach (var delayMs in new[] { 600, 900, 1300, 1800, 2500 })
        {
            using var p = Process.Start(Ktriage.StartInfo(db, "ingest", repo, "-q"))!;
            Thread.Sleep(delayMs);
            if (!p.HasExited) { p.Kill(); kills++; } // Process.Kill sends SIGKILL
            p.WaitForExit();
        }
        output.WriteLine($"killed {kills} ingests mid-way");
        Assert.True(kills >= 2, "the ingest finished before it could be killed; the test proves nothing");
        var rerun = Ktriage.Run(db, "ingest", repo, "--json");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(expected, Snapshot(db));
    }

    /// <summary>Everything a user would see of the stored messages, as one comparable string.</summary>
    static string Snapshot(string db)
    {
        var r = Ktriage.Run(db, "messages", "--json");
        Assert.Equal(0, r.ExitCode);
        var rows = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject()).ToList();
        // Thread numbers may differ between runs; the grouping may not: name each thread by its smallest Message-ID.
        var threadName = rows.GroupBy(o => (long)o["threadId"]!)
            .ToDictionary(g => g.Key, g => g.Select(o => (string)o["messageId"]!).Min(StringComparer.Ordinal)!);
        var lines = rows.Select(o =>
        {
            o["threadId"] = threadName[(long)o["threadId"]!];
            return o.ToJsonString();
        }).Order(StringComparer.Ordinal);
        var stats = Ktriage.Run(db, "stats", "--json").Stdout;
        return string.Join('\n', lines) + "\n" + stats;
    }
}
