// Reads every message of one epoch and prints counts, bytes, time and peak memory.
//   GitReadBench sources EPOCH.git     -> through Ktriage.Sources (git log --raw + cat-file --batch)
//   GitReadBench libgit2 EPOCH.git     -> LibGit2Sharp: walk commits, read tree entry "m", read the blob
//   GitReadBench dump ANY-SOURCE       -> prints every item (kind, locator, bytes): to look at what a source yields
//   GitReadBench stages ANY-SOURCE     -> CPU seconds of each ingest stage (parse, body hash, patch, crash, facts JSON)
//                                         over every message, on one thread, messages held in memory first
//   GitReadBench patchstages ANY-SOURCE [ROUNDS] -> CPU seconds of each step of patch analysis (diff, pull, trailers,
//                                         review signals, commit mentions, patch-id) and of the body hash, per round,
//                                         on one thread (round 0 includes JIT); the store is not run
//   GitReadBench factsdump ANY-SOURCE  -> per message: id, body hash, the stored facts JSON (patch, crashes) and
//                                         description, one line each: diff two builds' outputs to prove equal results
//   GitReadBench crashmem ANY-SOURCE   -> ingest's parse stage (Task.Run per message, 64 in flight) without the store:
//                                         peak RSS vs GC heap, to see what crash analysis keeps (KTRIAGE_NOCRASH=1: skip it)
//   GitReadBench crashlist ANY-SOURCE  -> every crash report found, as ingest finds it: locator, context flags
//                                         (f=frames s=site c=CPU/PID m=modules r=registers), title, header line
//   GitReadBench jitmem MIB            -> JIT every method of the ktriage assemblies and list those whose compilation
//                                         raises peak RSS by more than MIB; run with DOTNET_TieredCompilation=0 to see
//                                         the fully optimizing JIT (tier 1 without PGO, as the CLI runs)
using System.Diagnostics;
using Ktriage.Core.Mail;
using Ktriage.Sources;
using LibGit2Sharp;

if (args.Length == 2 && args[0] == "jitmem")
{
    // Peak RSS (VmHWM) is reset before each method through /proc/self/clear_refs, so each figure is that JIT's own peak.
    static long PeakKiB() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    static long RssKiB() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    long limitKiB = long.Parse(args[1]) << 10;
    int methods = 0, heavy = 0;
    var flags = System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly;
    foreach (var asm in new[] { typeof(MailParser).Assembly, typeof(SourceFactory).Assembly, typeof(Ktriage.Store.MessageFacts).Assembly })
        foreach (var type in asm.GetTypes().Where(t => !t.ContainsGenericParameters))
            foreach (var m in type.GetMethods(flags).Cast<System.Reflection.MethodBase>().Concat(type.GetConstructors(flags)))
            {
                if (m.IsAbstract || m.ContainsGenericParameters || m.GetMethodBody() is null) continue;
                File.WriteAllText("/proc/self/clear_refs", "5");
                long before = RssKiB();
                try { System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle); } catch (Exception) { continue; }
                methods++;
                long grew = PeakKiB() - before;
                if (grew > limitKiB) { heavy++; Console.WriteLine($"  +{grew >> 10,4} MiB peak  {type.FullName}.{m.Name}"); }
            }
    Console.WriteLine($"jitmem: {methods} methods compiled, {heavy} raised peak RSS by more than {args[1]} MiB");
    return 0;
}
if (args.Length != 2 && !(args.Length == 3 && args[0] == "patchstages")) { Console.Error.WriteLine("usage: GitReadBench sources|libgit2 EPOCH.git"); return 2; }
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
if (mode == "factsdump")
{
    foreach (var source in SourceFactory.Open(repo))
        await foreach (var raw in source.ReadAsync(null))
        {
            if (raw.Kind != RawKind.Message) continue;
            var m = MailParser.Parse(raw);
            var p = Ktriage.Core.Patches.PatchAnalyzer.Analyze(m);
            var f = new Ktriage.Store.MessageFacts(p, Ktriage.Core.Crashes.CrashAnalyzer.Analyze(m.AllText));
            Console.WriteLine($"{m.MessageId}\t{m.BodyHash}\t{f.PatchJson}\t{string.Join("\t", f.CrashJsons)}");
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(Ktriage.Core.Links.LinkText.CommitMessage(m.Body)));
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(Ktriage.Core.Links.LinkText.InlinePatchSubject(m.Body)));
        }
    return 0;
}
if (mode == "patchstages")
{
    var raws = new List<RawMessage>();
    foreach (var source in SourceFactory.Open(repo))
        await foreach (var m in source.ReadAsync(null))
            if (m.Kind == RawKind.Message) raws.Add(m);
    var msgs = raws.Select(r => MailParser.Parse(r)).ToList();
    var rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
    for (var round = 0; round < rounds; round++)
    {
        // The steps of PatchAnalyzer.AnalyzeCore, one by one (the analysis itself is timed as a whole too).
        double hash = 0, subject = 0, diff = 0, pull = 0, own = 0, trailers = 0, signals = 0, commits = 0, patchId = 0, whole = 0, desc = 0;
        long hashBytes = 0, analyzeBytes = 0, crashBytes = 0, factsBytes = 0;
        var stepBytes = new long[8];
        long Mark() => GC.GetAllocatedBytesForCurrentThread();
        foreach (var msg in msgs)
        {
            // A copy with no cached body hash, so each round computes it.
            var fresh = new Message { MessageId = msg.MessageId, References = msg.References, Date = msg.Date, Subject = msg.Subject, Body = msg.Body, Attachments = msg.Attachments, ContentHash = msg.ContentHash, Raw = msg.Raw };
            var a0 = GC.GetAllocatedBytesForCurrentThread();
            var t0 = ThreadCpu.Seconds();
            _ = fresh.BodyHash;
            var t1 = ThreadCpu.Seconds();
            hashBytes += GC.GetAllocatedBytesForCurrentThread() - a0;
            var m0 = Mark();
            var s = Ktriage.Core.Patches.SubjectInfo.Parse(msg.Subject);
            var t2 = ThreadCpu.Seconds();
            var m1 = Mark();
            var d = Ktriage.Core.Patches.PatchAnalyzer.DiffOf(msg);
            var t3 = ThreadCpu.Seconds();
            var m2 = Mark();
            var pr = s.IsReply ? null : Ktriage.Core.Patches.PullRequest.Find(msg.Body);
            var t4 = ThreadCpu.Seconds();
            stepBytes[0] += m1 - m0; stepBytes[1] += m2 - m1;
            var m3 = Mark();
            var comment = s.IsReply || (pr is null && d.IsEmpty && !(s.CounterStated && s.Counter == 0));
            string prose;
            IReadOnlyList<Ktriage.Core.Patches.Trailer> tr;
            double t5, t6, t7;
            if (comment)
            {
                var o0 = Mark();
                prose = Ktriage.Core.Patches.PatchAnalyzer.OwnText(msg.Body);
                t5 = ThreadCpu.Seconds();
                var o1 = Mark();
                tr = Ktriage.Core.Patches.TrailerParser.Find(prose, followup: true).Trailers;
                t6 = ThreadCpu.Seconds();
                var o2 = Mark();
                Ktriage.Core.Patches.ReviewSignals.Find(prose, tr, msg.From?.ToString());
                t7 = ThreadCpu.Seconds();
                stepBytes[5] += o1 - o0; stepBytes[6] += o2 - o1; stepBytes[7] += Mark() - o2;
            }
            else
            {
                t5 = ThreadCpu.Seconds();
                var parts = Ktriage.Core.Patches.TrailerParser.Split(msg.Body);
                prose = parts.Message;
                tr = parts.Trailers;
                t6 = t7 = ThreadCpu.Seconds();
            }
            var m4 = Mark();
            Ktriage.Core.Patches.CommitMentions.Find(prose, tr);
            var t8 = ThreadCpu.Seconds();
            var m5 = Mark();
            if (!comment) Ktriage.Core.Patches.PatchId.Compute(d.Text);
            var t9 = ThreadCpu.Seconds();
            var m6 = Mark();
            stepBytes[2] += m4 - m3; stepBytes[3] += m5 - m4; stepBytes[4] += m6 - m5;
            var a1 = GC.GetAllocatedBytesForCurrentThread();
            var analyzed = Ktriage.Core.Patches.PatchAnalyzer.Analyze(msg);
            var t10 = ThreadCpu.Seconds();
            var a2 = GC.GetAllocatedBytesForCurrentThread();
            var crashes = Ktriage.Core.Crashes.CrashAnalyzer.Analyze(msg.AllText);
            var a3 = GC.GetAllocatedBytesForCurrentThread();
            new Ktriage.Store.MessageFacts(analyzed, crashes).Prepare();
            var a4 = GC.GetAllocatedBytesForCurrentThread();
            analyzeBytes += a2 - a1; crashBytes += a3 - a2; factsBytes += a4 - a3;
            var t10b = ThreadCpu.Seconds();
            Ktriage.Core.Links.LinkText.CommitMessage(msg.Body);
            var t11 = ThreadCpu.Seconds();
            hash += t1 - t0; subject += t2 - t1; diff += t3 - t2; pull += t4 - t3; own += t5 - t4; trailers += t6 - t5;
            signals += t7 - t6; commits += t8 - t7; patchId += t9 - t8; whole += t10 - t9; desc += t11 - t10b;
        }
        Console.WriteLine($"round {round}: CPU s: body hash {hash:F2} | subject {subject:F2}, diff {diff:F2}, pull {pull:F2}, own text {own:F2}, trailers {trailers:F2}, signals {signals:F2}, commits {commits:F2}, patch-id {patchId:F2} | analyze {whole:F2} | description {desc:F2}; MB allocated: body hash {hashBytes >> 20}, subject {stepBytes[0] >> 20}, diff {stepBytes[1] >> 20}, own text+trailers+signals {stepBytes[2] >> 20} (replies: own text {stepBytes[5] >> 20}, trailers {stepBytes[6] >> 20}, signals {stepBytes[7] >> 20}), commits {stepBytes[3] >> 20}, patch-id {stepBytes[4] >> 20}, analyze {analyzeBytes >> 20}, crash {crashBytes >> 20}, facts JSON {factsBytes >> 20}");
    }
    return 0;
}
if (mode == "crashlist")
{
    foreach (var source in SourceFactory.Open(repo))
        await foreach (var raw in source.ReadAsync(null))
        {
            if (raw.Kind != RawKind.Message) continue;
            var m = MailParser.Parse(raw);
            var text = m.AllText;
            foreach (var r in Ktriage.Core.Crashes.CrashAnalyzer.Analyze(text))
            {
                var ctx = (r.Frames.Count > 0 ? "f" : "-") + (r.CrashSite is not null ? "s" : "-") + (r.Cpu is not null || r.Pid is not null ? "c" : "-")
                    + (r.Modules.Count > 0 ? "m" : "-") + (r.Registers.Count > 0 ? "r" : "-");
                var lines = text.Split('\n');
                var head = r.StartLine - 1 < lines.Length ? lines[r.StartLine - 1].Trim() : "";
                Console.WriteLine($"{raw.Locator}\t{ctx}\t{r.Title}\t{(head.Length > 160 ? head[..160] : head)}");
            }
        }
    return 0;
}
if (mode == "crashmem")
{
    bool crash = Environment.GetEnvironmentVariable("KTRIAGE_NOCRASH") != "1";
    long peakRss = 0, gcAtPeak = 0, committedAtPeak = 0, reports = 0;
    string statusAtPeak = "", mapsAtPeak = "";
    bool smaps = Environment.GetEnvironmentVariable("KTRIAGE_SMAPS") == "1";
    long mapsRss = 0;
    // Biggest mappings by RSS: which allocator holds the memory (GC regions, malloc arenas, JIT code heap…).
    static string BiggestMappings()
    {
        var maps = new List<(long Rss, string Head)>();
        string head = "";
        foreach (var l in File.ReadLines("/proc/self/smaps"))
        {
            if (l.Length > 0 && char.IsAsciiHexDigit(l[0]) && l.Contains('-') && !l.StartsWith("Rss")) head = l;
            else if (l.StartsWith("Rss:")) maps.Add((long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]), head));
        }
        return string.Join("\n", maps.OrderByDescending(m => m.Rss).Take(14).Select(m => $"  {m.Rss >> 10,5} MiB  {m.Head}"));
    }
    using var sampler = new Timer(_ =>
    {
        var status = File.ReadAllLines("/proc/self/status");
        long rss = long.Parse(status.First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) << 10;
        if (rss <= peakRss) return;
        var info = GC.GetGCMemoryInfo();
        (peakRss, gcAtPeak, committedAtPeak) = (rss, GC.GetTotalMemory(false), info.TotalCommittedBytes);
        if (smaps && rss > mapsRss + (16 << 20)) { mapsRss = rss; mapsAtPeak = BiggestMappings(); }
        statusAtPeak = string.Join(" ", status.Where(l => l.StartsWith("Rss") || l.StartsWith("Threads")).Select(l => string.Join("", l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
    }, null, 0, 50);
    var channel = System.Threading.Channels.Channel.CreateBounded<Task<int>>(64);
    var producer = Task.Run(async () =>
    {
        foreach (var source in SourceFactory.Open(repo))
            await foreach (var raw in source.ReadAsync(null))
            {
                if (raw.Kind != RawKind.Message) { problems++; continue; }
                messages++; bytes += raw.Bytes.Length;
                await channel.Writer.WriteAsync(Task.Run(() =>
                {
                    var m = MailParser.Parse(raw);
                    var patch = Ktriage.Core.Patches.PatchAnalyzer.Analyze(m);
                    var crashes = crash ? Ktriage.Core.Crashes.CrashAnalyzer.Analyze(m.AllText) : [];
                    new Ktriage.Store.MessageFacts(patch, crashes).Prepare();
                    return crashes.Count;
                }));
            }
        channel.Writer.Complete();
    });
    await foreach (var t in channel.Reader.ReadAllAsync()) reports += await t;
    await producer;
    if (smaps) Console.WriteLine("biggest mappings at the peak:\n" + mapsAtPeak);
    Console.WriteLine($"crashmem (crash analysis {(crash ? "on" : "off")}): {reports} reports; peak RSS {peakRss >> 20} MiB, GC heap then {gcAtPeak >> 20} MiB, GC committed {committedAtPeak >> 20} MiB; {statusAtPeak}; threads now {Process.GetCurrentProcess().Threads.Count}");
}
else if (mode == "sources")
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
