using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Ktriage.Cli.Tests;

/// <summary>Ingest under faults, with real processes: a full disk, a corrupt pack, a missing blob, a truncated
/// mbox, readers during an ingest, two ingests at once. Each time: a clear report, nothing lost or duplicated,
/// and a re-run completes.</summary>
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-faults-").FullName;

    public void Dispose()
    {
        if (mounted is not null) Sh("umount", mounted);
        Directory.Delete(dir, true);
    }

    string? mounted;

    static (int Exit, string Out) Sh(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>An mbox of <paramref name="count"/> messages of ~9 KB of incompressible words.</summary>
    string GeneratedMbox(int count, string name = "gen.mbox")
    {
        var rnd = new Random(1);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Append($"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: T{i} <t{i}@example.com>\nSubject: message {i}\nMessage-ID: <g{i}@example.com>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n");
            for (int w = 0; w < 1000; w++) sb.Append((char)('a' + rnd.Next(10))).Append((char)('a' + rnd.Next(10))).Append((char)('a' + rnd.Next(26))).Append(rnd.Next(100000)).Append(' ');
            sb.Append("\n\n");
        }
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Message-IDs with their number of stored copies.</summary>
    static Dictionary<string, int> Stored(string db)
    {
        var messages = Ktriage.Run(db, "messages", "--json");
        Assert.True(messages.ExitCode == 0, messages.Stderr);
        return messages.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("messageId").GetString()!)
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
    }

    static long Copies(string db)
    {
        var stats = Ktriage.Run(db, "stats", "--json");
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        return JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("counts").GetProperty("copies").GetInt64();
    }

    static Ktriage.Result Ingest(string db, string source, params string[] options) => Ingest(db, source, [], options);

    static Ktriage.Result Ingest(string db, string source, (string, string)[] env, params string[] options)
    {
        var psi = Ktriage.StartInfo(db, ["ingest", source, .. options]);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "ingest hung");
        return new Ktriage.Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void A_full_disk_stops_ingest_with_one_clear_line_and_a_rerun_after_freeing_space_completes()
    {
        var mbox = GeneratedMbox(600); // ~5.5 MB of mail
        var batch = ("KTRIAGE_BATCH", "50");
        // A 4 MiB file system when this machine lets us mount one (root, not in a locked-down container); else
        // SQLite's own cap on the database size, which fails writes the same way (SQLITE_FULL).
        var fsDir = Path.Combine(dir, "small-fs");
        Directory.CreateDirectory(fsDir);
        var tmpfs = Sh("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", fsDir).Exit == 0;
        if (tmpfs) mounted = fsDir;
        output.WriteLine(tmpfs ? "disk full: a 4 MiB tmpfs" : "disk full: PRAGMA max_page_count (mount not permitted here)");
        var db = Path.Combine(fsDir, "a.db");
        (string, string)[] full = tmpfs ? [batch] : [batch, ("KTRIAGE_SQLITE_PRAGMAS", "PRAGMA max_page_count=48;")];

        var first = Ingest(db, mbox, full);
        output.WriteLine(first.Stderr);
        Assert.Equal(1, first.ExitCode);
        var line = Assert.Single(first.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ktriage: {db}: the disk is full", line);
        Assert.Contains("run the same ingest again", line);

        // Free space, run again: everything is there exactly once.
        if (tmpfs) Assert.Equal(0, Sh("mount", "-o", "remount,size=256m", fsDir).Exit);
        var again = Ingest(db, mbox, [batch]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        var stored = Stored(db);
        Assert.Equal(600, stored.Count);
        Assert.All(stored.Values, n => Assert.Equal(1, n));
        Assert.Equal(600, Copies(db));
        Assert.Contains("0 added, 0 new copies", Ingest(db, mbox).Stdout);
    }

    [Fact]
    public void Two_ingests_of_the_same_mbox_into_a_new_database_at_once_serialize_and_store_each_message_once()
    {
        var mbox = GeneratedMbox(300);
        var db = Path.Combine(dir, "two.db");
        var runs = Enumerable.Range(0, 2).Select(_ =>
        {
            var psi = Ktriage.StartInfo(db, "ingest", mbox, "--json");
            psi.Environment["KTRIAGE_BATCH"] = "25";
            var p = Process.Start(psi)!;
            p.StandardInput.Close();
            return (p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
        }).ToList();
        long added = 0;
        foreach (var (p, stdout, stderr) in runs)
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "ingest hung");
            Assert.True(p.ExitCode == 0, stderr.Result);
            added += JsonDocument.Parse(stdout.Result).RootElement.GetProperty("added").GetInt64();
            p.Dispose();
        }
        Assert.Equal(300, added);
        Assert.Equal(300, Stored(db).Count);
        Assert.Equal(300, Copies(db));
    }

    [Fact]
    public void Readers_during_an_ingest_see_whole_batches_and_never_fail()
    {
        // Enough messages that the ingest outlasts several reader processes even on a loaded machine (with 600 it
        // sometimes finished before the second reader started).
        var mbox = GeneratedMbox(3000);
        var db = Path.Combine(dir, "read.db");
        var one = Path.Combine(dir, "one.eml");
        File.WriteAllText(one, "From: a@b\nSubject: first\nMessage-ID: <first@example.com>\n\nfirst\n");
        Assert.Equal(0, Ingest(db, one).ExitCode); // the database exists: readers can open it
        var psi = Ktriage.StartInfo(db, "ingest", mbox, "-q");
        psi.Environment["KTRIAGE_BATCH"] = "50";
        using var ingest = Process.Start(psi)!;
        ingest.StandardInput.Close();
        var seen = new List<long>();
        while (!ingest.HasExited)
        {
            var stats = Ktriage.Run(db, "stats", "--json");
            Assert.True(stats.ExitCode == 0, "a reader failed during the ingest: " + stats.Stderr);
            seen.Add(JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("counts").GetProperty("messages").GetInt64());
            var search = Ktriage.Run(db, "search", "message", "--json");
            Assert.True(search.ExitCode == 0, "a search failed during the ingest: " + search.Stderr);
        }
        ingest.WaitForExit();
        Assert.Equal(0, ingest.ExitCode);
        output.WriteLine("messages seen by readers: " + string.Join(", ", seen));
        Assert.True(seen.Count >= 2, "the ingest finished before a reader ran; the test proves nothing");
        // Counts only grow, by whole batches of 50 (plus the one message stored before).
        Assert.Equal(seen.Order(), seen);
        Assert.All(seen, n => Assert.Equal(1, n % 50));
        Assert.Equal(3001, Stored(db).Count);
    }

    /// <summary>A public-inbox v2 epoch of <paramref name="count"/> commits whose blobs do not delta (random text).</summary>
    (string GitDir, List<(string Commit, string Blob)> Commits) Epoch(int count)
    {
        var git = Path.Combine(dir, "e.git");
        Assert.Equal(0, Sh("git", "init", "-q", "--bare", git).Exit);
        var commits = new List<(string, string)>();
        var rnd = new Random(3);
        string? parent = null;
        for (int i = 1; i <= count; i++)
        {
            var noise = Convert.ToBase64String(Enumerable.Range(0, 3000).Select(_ => (byte)rnd.Next(256)).ToArray());
            var msg = Path.Combine(dir, "m");
            File.WriteAllText(msg, $"From: T{i} <t{i}@example.org>\nSubject: message {i}\nMessage-ID: <e{i}@example.org>\nDate: Mon, 1 Jan 2024 00:00:{i:00} +0000\n\n{noise}\n");
            var blob = Sh("git", "--git-dir", git, "hash-object", "-w", msg).Out.Trim();
            var treeIn = Path.Combine(dir, "tree");
            File.WriteAllText(treeIn, $"100644 blob {blob}\tm\n");
            var tree = Sh("sh", "-c", $"git --git-dir '{git}' mktree < '{treeIn}'").Out.Trim();
            var env = "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@x";
            var commit = Sh("sh", "-c", $"{env} git --git-dir '{git}' commit-tree {tree} {(parent is null ? "" : "-p " + parent)} -m m{i}").Out.Trim();
            Assert.Equal(0, Sh("git", "--git-dir", git, "update-ref", "refs/heads/master", commit).Exit);
            commits.Add((commit, blob));
            parent = commit;
        }
        return (git, commits);
    }

    [Fact]
    public void A_corrupt_pack_costs_one_message_with_a_clear_problem_and_reruns_add_nothing_twice()
    {
        var (git, commits) = Epoch(6);
        Assert.Equal(0, Sh("git", "--git-dir", git, "repack", "-adq").Exit);
        var pack = Directory.GetFiles(Path.Combine(git, "objects", "pack"), "*.pack").Single();
        var bad = commits[2];
        var offset = Sh("git", "verify-pack", "-v", Path.ChangeExtension(pack, ".idx")).Out.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(f => f.Length > 0 && f[0] == bad.Blob)[^1];
        File.SetAttributes(pack, FileAttributes.Normal);
        using (var fs = new FileStream(pack, FileMode.Open, FileAccess.Write))
        {
            fs.Position = long.Parse(offset) + 200;
            fs.Write(new byte[40]);
        }
        var db = Path.Combine(dir, "pack.db");

        var first = Ingest(db, git);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("5 added", first.Stdout);
        Assert.Contains("1 problems", first.Stdout);
        Assert.Contains($"problem: {git}", first.Stdout);
        Assert.Contains(bad.Commit, first.Stdout);
        Assert.Equal(5, Stored(db).Count);

        var again = Ingest(db, git);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("0 added", again.Stdout);
        Assert.Equal(5, Copies(db));
    }

    [Fact]
    public void A_missing_blob_is_reported_the_rest_stored_once_and_a_rerun_completes()
    {
        var (git, commits) = Epoch(4);
        var missing = commits[1].Blob;
        File.Delete(Path.Combine(git, "objects", missing[..2], missing[2..]));
        var db = Path.Combine(dir, "missing.db");

        var first = Ingest(db, git);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("3 added", first.Stdout);
        Assert.Contains($"blob {missing} is missing", first.Stdout);

        var again = Ingest(db, git);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("0 added", again.Stdout);
        Assert.Equal(3, Stored(db).Count);
        Assert.Equal(3, Copies(db));
    }

    [Fact]
    public void Retry_problems_stores_a_repaired_blob_and_clears_its_problem_without_touching_the_rest()
    {
        var (git, commits) = Epoch(4);
        var missing = commits[1].Blob;
        var objectFile = Path.Combine(git, "objects", missing[..2], missing[2..]);
        var saved = File.ReadAllBytes(objectFile);
        File.Delete(objectFile);
        var db = Path.Combine(dir, "retry.db");
        Assert.Equal(0, Ingest(db, git).ExitCode);
        Assert.Equal(3, Stored(db).Count);
        Assert.Equal(1, Counts(db).GetProperty("problems").GetInt64());

        // Still missing: reported again, nothing else read again or changed.
        var still = Ingest(db, git, "--retry-problems");
        Assert.True(still.ExitCode == 0, still.Stderr);
        Assert.Contains("0 added", still.Stdout);
        Assert.Contains($"blob {missing} is missing", still.Stdout);
        Assert.Equal(1, Counts(db).GetProperty("problems").GetInt64());

        File.WriteAllBytes(objectFile, saved); // e.g. fetched again from lore
        var plain = Ingest(db, git);
        Assert.Contains("0 added", plain.Stdout); // a plain re-run never goes back: the checkpoint is past it

        var retried = Ingest(db, git, "--retry-problems", "--json");
        Assert.True(retried.ExitCode == 0, retried.Stderr);
        var summary = JsonDocument.Parse(retried.Stdout).RootElement;
        Assert.Equal(1, summary.GetProperty("added").GetInt64());
        Assert.Equal(1, summary.GetProperty("resolved").GetInt64());
        Assert.Equal(0, summary.GetProperty("duplicates").GetInt64()); // only that commit was read again
        Assert.Equal(4, Stored(db).Count);
        Assert.Equal(4, Copies(db));
        Assert.Equal(0, Counts(db).GetProperty("problems").GetInt64());

        var again = Ingest(db, git, "--retry-problems");
        Assert.Contains("0 added", again.Stdout);
        Assert.Equal(4, Copies(db));
    }

    static JsonElement Counts(string db)
    {
        var stats = Ktriage.Run(db, "stats", "--json");
        Assert.True(stats.ExitCode == 0, stats.Stderr);
        return JsonDocument.Parse(stats.Stdout).RootElement.GetProperty("counts");
    }

    [Fact]
    public void A_truncated_mbox_gz_keeps_the_complete_messages_and_the_rerun_on_the_whole_file_adds_the_rest_once()
    {
        var plain = File.ReadAllBytes(GeneratedMbox(40));
        var whole = Path.Combine(dir, "whole.gz");
        using (var gz = new GZipStream(File.Create(whole), CompressionLevel.Fastest)) gz.Write(plain);
        var path = Path.Combine(dir, "list.mbox.gz");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var db = Path.Combine(dir, "trunc.db");

        var first = Ingest(db, path);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("1 problems", first.Stdout);
        Assert.Contains("incomplete and was skipped", first.Stdout);
        var partial = Stored(db).Count;
        Assert.InRange(partial, 5, 35);

        File.WriteAllBytes(path, bytes); // the download finished
        var again = Ingest(db, path);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"{40 - partial} added", again.Stdout);
        var stored = Stored(db);
        Assert.Equal(40, stored.Count);
        Assert.Equal(40, Copies(db));
    }

    [Fact]
    public void A_plain_mbox_cut_mid_line_stores_the_complete_messages_and_the_rerun_on_the_whole_file_adds_the_last_once()
    {
        var whole = File.ReadAllBytes(GeneratedMbox(20));
        var path = Path.Combine(dir, "cut.mbox");
        File.WriteAllBytes(path, whole[..(whole.Length - 100)]);
        var db = Path.Combine(dir, "cut.db");

        var first = Ingest(db, path);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("19 added", first.Stdout);
        Assert.Contains("ends in the middle of a line", first.Stdout);

        File.WriteAllBytes(path, whole);
        var again = Ingest(db, path);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("1 added, 0 new copies", again.Stdout);
        Assert.Equal(20, Stored(db).Count);
        Assert.Equal(20, Copies(db));
    }

    [Fact]
    public void An_oversized_message_is_skipped_naming_the_limit_and_a_bad_limit_is_a_usage_error()
    {
        var mbox = Path.Combine(dir, "big.mbox");
        File.WriteAllText(mbox, string.Concat(Enumerable.Range(0, 3).Select(i =>
            $"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: a@b\nSubject: s{i}\nMessage-ID: <b{i}@x>\n\n{new string('x', i == 1 ? 50_000 : 10)}\n\n")));
        var db = Path.Combine(dir, "limits.db");
        var r = Ingest(db, mbox, [("KTRIAGE_MAX_MESSAGE_BYTES", "10000")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("2 added", r.Stdout);
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", r.Stdout);
        Assert.Equal(["b0@x", "b2@x"], Stored(db).Keys.Order());

        var bad = Ingest(db, mbox, [("KTRIAGE_MAX_HEADERS", "many")]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("ktriage: KTRIAGE_MAX_HEADERS=many: expected a positive whole number", bad.Stderr.Trim());
    }
}
