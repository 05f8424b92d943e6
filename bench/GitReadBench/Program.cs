// Reads every message of one epoch and prints counts, bytes, time and peak memory.
//   GitReadBench sources EPOCH.git     -> through Ktriage.Sources (git log --raw + cat-file --batch)
//   GitReadBench libgit2 EPOCH.git     -> LibGit2Sharp: walk commits, read tree entry "m", read the blob
//   GitReadBench dump ANY-SOURCE       -> prints every item (kind, locator, bytes): to look at what a source yields
//   GitReadBench stages ANY-SOURCE     -> CPU seconds of each ingest stage (parse, body hash, patch, crash, facts JSON)
//                                         over every message, on one thread, messages held in memory first
using System.Diagnostics;
using Ktriage.Core.Mail;
using Ktriage.Sources;
using LibGit2Sharp;

if (args.Length != 2) { Console.Error.WriteLine("usage: GitReadBench sources|libgit2 EPOCH.git"); return 2; }
var (mode, repo) = (args[0], args[1]);
var sw = Stopwatch.StartNew();
long messages = 0, problems = 0, bytes = 0;

if (mode == "dump")
{
    foreach (var source in SourceFactory.Open(repo))
        await foreach (var m in source.ReadAsync(null))
            Console.WriteLine($"=== {m.Kind} {m.Locator} {m.Problem}\n{System.Text.Encoding.UTF8.GetString(m.Bytes)}");
    return 0;
}
if (mode == "stages")
{
    var raws = new List<RawMessage>();
    foreach (var source in SourceFactory.Open(repo))
        await foreach (var m in source.ReadAsync(null))
            if (m.Kind == RawKind.Message) raws.Add(m);
    for (var round = 0; round < 2; round++) // the first round includes JIT
    {
        double parse = 0, hash = 0, patch = 0, crash = 0, facts = 0;
        foreach (var raw in raws)
        {
            var t0 = ThreadCpu.Seconds();
            var msg = MailParser.Parse(raw);
            var t1 = ThreadCpu.Seconds();
            _ = msg.BodyHash;
            var t2 = ThreadCpu.Seconds();
            var p = Ktriage.Core.Patches.PatchAnalyzer.Analyze(msg);
            var t3 = ThreadCpu.Seconds();
            var c = Ktriage.Core.Crashes.CrashAnalyzer.Analyze(msg.AllText);
            var t4 = ThreadCpu.Seconds();
            new Ktriage.Store.MessageFacts(p, c).Prepare();
            var t5 = ThreadCpu.Seconds();
            parse += t1 - t0; hash += t2 - t1; patch += t3 - t2; crash += t4 - t3; facts += t5 - t4;
        }
        Console.WriteLine($"round {round}: {raws.Count} messages, CPU s: parse {parse:F2}, body hash {hash:F2}, patch {patch:F2}, crash {crash:F2}, facts JSON {facts:F2}");
    }
    // The store thread's share: every message added in batches of 2000 to a fresh database (FTS5 runs on its own thread).
    var parsed = raws.Select(r => { var m = MailParser.Parse(r); return (r, m, new Ktriage.Store.MessageFacts(Ktriage.Core.Patches.PatchAnalyzer.Analyze(m), Ktriage.Core.Crashes.CrashAnalyzer.Analyze(m.AllText)).Prepare()); }).ToList();
    for (var round = 0; round < 2; round++)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grb-{Environment.ProcessId}-{round}.db");
        using (var store = Ktriage.Store.Sqlite.SqliteArchiveStore.Open(path))
        {
            var t0 = ThreadCpu.Seconds();
            var batch = store.BeginBatch();
            var n = 0;
            foreach (var (r, m, f) in parsed)
            {
                batch.Add(m, r, "bench", f);
                if (++n % 2000 == 0) { batch.Commit(); batch.Dispose(); batch = store.BeginBatch(); }
            }
            batch.Commit(); batch.Dispose();
            Console.WriteLine($"store round {round}: {ThreadCpu.Seconds() - t0:F2} CPU s on the store thread");
            store.FlushIndex();
        }
        foreach (var f in Directory.GetFiles(Path.GetTempPath(), $"grb-{Environment.ProcessId}-{round}.db*")) File.Delete(f);
    }
    return 0;
}
if (mode == "sources")
{
    foreach (var source in SourceFactory.Open(repo))
        await foreach (var m in source.ReadAsync(null))
        {
            if (m.Kind == RawKind.Problem) problems++; else { messages++; bytes += m.Bytes.Length; }
        }
}
else if (mode == "libgit2")
{
    using var r = new Repository(repo);
    var filter = new CommitFilter { IncludeReachableFrom = r.Branches["master"]?.Tip ?? r.Head.Tip, SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse, FirstParentOnly = true };
    foreach (var c in r.Commits.QueryBy(filter))
    {
        try
        {
            if (c.Tree["m"]?.Target is not Blob blob) { problems++; continue; }
            using var s = blob.GetContentStream();
            var buf = new byte[blob.Size];
            s.ReadExactly(buf);
            messages++; bytes += buf.Length;
        }
        catch (LibGit2SharpException) { problems++; }
    }
}
else { Console.Error.WriteLine($"unknown mode {mode}"); return 2; }

sw.Stop();
Console.WriteLine($"{mode}: {messages} messages, {problems} problems, {bytes / (1 << 20)} MiB in {sw.Elapsed.TotalSeconds:F2} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
return 0;

static class ThreadCpu
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int getrusage(int who, out RUsage usage);
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    struct RUsage { public long UserSec, UserUsec, SysSec, SysUsec; public long M0, M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12, M13; }
    /// <summary>User + system CPU of the calling thread (RUSAGE_THREAD): other processes' load does not count.</summary>
    public static double Seconds()
    {
        getrusage(1, out var u);
        return u.UserSec + u.SysSec + (u.UserUsec + u.SysUsec) / 1e6;
    }
}
