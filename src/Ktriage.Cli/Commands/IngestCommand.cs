using System.CommandLine;
using Ktriage.Cli.Ingest;
using Ktriage.Sources;
using Spectre.Console;

namespace Ktriage.Cli.Commands;

internal static class IngestCommand
{
    static readonly Argument<string[]> SourcesArg = new("SOURCE")
    {
        Arity = ArgumentArity.OneOrMore,
        Description = "public-inbox inbox dir or epoch .git, mbox (.mbox/.mbx/.gz), maildir, .eml, lore page (.html/.txt), or - for stdin",
    };

    static readonly Option<string?> ListOpt = new("--list") { Description = "List name to file the messages under (default: from the source)" };

    static readonly Option<bool> RetryOpt = new("--retry-problems")
    {
        Description = "First read again what earlier ingests of these sources reported as problems (a repaired repository, " +
                      "a newer ktriage): git sources re-read just those commits, others are read whole; problems that are gone are cleared",
    };

    public static Command Create()
    {
        var cmd = new Command("ingest", "Add messages to the archive (incremental and idempotent)") { SourcesArg, ListOpt, RetryOpt };
        cmd.SetAction(async (pr, ct) =>
        {
            // Open everything first: a bad SOURCE is reported before anything is written.
            var sources = pr.GetValue(SourcesArg)!.SelectMany(s => SourceFactory.Open(s)).ToList();
            using var store = Globals.OpenStore(pr);
            IngestMemory.Limit();
            try { return await Run(pr, sources, store, ct); }
            catch (Exception e) when (StoreFaults.Explain(e, store) is { } explained) { throw explained; }
        });
        return cmd;
    }

    static async Task<int> Run(ParseResult pr, List<IMessageSource> sources, Ktriage.Store.IArchiveStore store, CancellationToken ct)
    {
        var pipeline = new IngestPipeline(store);
        var results = new List<(IMessageSource Source, string List, IngestSummary Summary)>();

        async Task RunAll(Action<IMessageSource, long>? progress)
        {
            foreach (var source in sources)
            {
                var list = pr.GetValue(ListOpt) ?? source.DefaultList;
                var retried = pr.GetValue(RetryOpt) ? await pipeline.RetryProblemsAsync(source, list, n => progress?.Invoke(source, n), ct) : null;
                var summary = await pipeline.RunAsync(source, list, n => progress?.Invoke(source, n), ct);
                if (retried is not null) summary = retried.Plus(summary);
                results.Add((source, list, summary));
            }
        }

        if (Globals.Interactive(pr))
            await AnsiConsole.Progress()
                .Columns(new SpinnerColumn(), new TaskDescriptionColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("ingesting");
                    task.IsIndeterminate = true;
                    await RunAll((s, n) => task.Description = $"{Markup.Escape(Path.GetFileName(s.Origin))}: {n:N0} messages");
                    task.StopTask();
                });
        else
            await RunAll(null);

        // The ingest's garbage (parse-ahead window, index queue) is dead now: give it back before the crash linker
        // builds its caches, so the command's peak RSS is the larger of the two phases, not their sum.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        (store as Ktriage.Store.ICrashStore)?.RefreshCrashLinks();
        Report(pr, results);
        return 0;
    }

    static void Report(ParseResult pr, List<(IMessageSource Source, string List, IngestSummary Summary)> results)
    {
        if (pr.GetValue(Globals.Json))
        {
            Globals.WriteJsonLine(new
            {
                added = results.Sum(r => r.Summary.Added),
                newCopies = results.Sum(r => r.Summary.NewCopies),
                duplicates = results.Sum(r => r.Summary.Duplicates),
                deleted = results.Sum(r => r.Summary.Deleted),
                problems = results.Sum(r => r.Summary.Problems),
                resolved = results.Sum(r => r.Summary.Resolved),
                seconds = Math.Round(results.Sum(r => r.Summary.Seconds), 3),
                sources = results.Select(r => new
                {
                    origin = r.Source.Origin, list = r.List, added = r.Summary.Added, newCopies = r.Summary.NewCopies,
                    duplicates = r.Summary.Duplicates, deleted = r.Summary.Deleted, problems = r.Summary.ProblemDetails, resolved = r.Summary.Resolved,
                }),
            });
            return;
        }
        if (pr.GetValue(Globals.Quiet)) return;
        foreach (var (source, list, s) in results)
        {
            Console.WriteLine($"{source.Origin} → {list}: {s.Added} added, {s.NewCopies} new copies, {s.Duplicates} already stored, " +
                              $"{s.Deleted} deleted, {s.Problems} problems{(s.Resolved > 0 ? $", {s.Resolved} earlier problems resolved" : "")} ({s.Seconds:F1} s)");
            foreach (var p in s.ProblemDetails.Take(20)) Console.WriteLine($"  problem: {p}");
            if (s.ProblemDetails.Count > 20) Console.WriteLine($"  … {s.ProblemDetails.Count - 20} more (ktriage stats --json)");
        }
    }
}
