// Reads every message of one epoch and prints counts, bytes, time and peak memory.
//   GitReadBench sources EPOCH.git     -> through Ktriage.Sources (git log --raw + cat-file --batch)
//   GitReadBench libgit2 EPOCH.git     -> LibGit2Sharp: walk commits, read tree entry "m", read the blob
//   GitReadBench dump ANY-SOURCE       -> prints every item (kind, locator, bytes): to look at what a source yields
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
