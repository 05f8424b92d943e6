using System.CommandLine;
using Ktriage.Cli.Ingest;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.Core.Threads;
using Ktriage.Sources;
using Ktriage.Store;
using Ktriage.Store.Sqlite;

namespace Ktriage.Cli.Commands;

/// <summary>Ingests a small built-in archive (a crash report, its fix, review and test replies, a patch series)
/// into a fresh database and shows what ktriage understood: the README's first command.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("demo", "Ingest a small built-in sample archive and show what ktriage finds in it");
        cmd.SetAction(async (pr, ct) =>
        {
            var dir = Path.Combine(Path.GetTempPath(), $"ktriage-demo-{Environment.ProcessId}");
            Directory.CreateDirectory(dir);
            try
            {
                var mbox = Path.Combine(dir, "linux-nfs.mbox");
                await using (var resource = typeof(DemoCommand).Assembly.GetManifestResourceStream("Ktriage.Cli.Demo.sample.mbox")!)
                await using (var file = File.Create(mbox))
                    await resource.CopyToAsync(file, ct);
                var dbPath = pr.GetValue(Globals.Db) ?? Path.Combine(dir, "demo.db");
                using var store = SqliteArchiveStore.Open(dbPath);
                foreach (var source in SourceFactory.Open(mbox))
                {
                    var summary = await new IngestPipeline(store).RunAsync(source, "linux-nfs", null, ct);
                    Console.WriteLine($"Ingested {summary.Added} messages from the sample linux-nfs archive into {dbPath}\n");
                }
                Show(store);
            }
            finally
            {
                if (pr.GetValue(Globals.Db) is null) Directory.Delete(dir, recursive: true);
            }
            return 0;
        });
        return cmd;
    }

    static void Show(IArchiveStore store)
    {
        var s = store.Stats();
        Console.WriteLine($"{s.Messages} messages in {s.Threads} threads; " +
                          string.Join(", ", s.Extra.Where(e => e.Value > 0).Select(e => $"{e.Value} {e.Key}")));
        foreach (var thread in store.Messages().GroupBy(m => m.ThreadId))
        {
            Console.WriteLine();
            var roots = ThreadTree.Build(thread.Select(m => new ThreadItem<MessageRow>(m.MessageId, m.InReplyTo, m.References, m.Date, m)));
            foreach (var r in roots) Print(store, r, 0);
        }
    }

    /// <summary>The thread as a tree, each message with what ktriage understood in it.</summary>
    static void Print(IArchiveStore store, ThreadNode<MessageRow> n, int depth)
    {
        var pad = new string(' ', depth * 2) + (depth > 0 ? "`- " : "");
        var notes = new string(' ', depth * 2 + (depth > 0 ? 3 : 0)) + "   ";
        if (n.Value is not { } row)
        {
            Console.WriteLine($"{pad}[not found] <{n.MessageId}>");
        }
        else
        {
            Console.WriteLine($"{pad}{row.Subject}  ({(string.IsNullOrEmpty(row.From) ? row.FromEmail : row.From)}, {row.Date:yyyy-MM-dd})");
            var message = MailParser.Parse(store.Copies(row.Id)[0].Raw);
            foreach (var crash in CrashAnalyzer.Analyze(message.AllText))
            {
                Console.WriteLine($"{notes}crash: {crash.Title}" + (crash.CrashSite is { } site ? $" at {site.Function}+{site.Offset}/{site.Size}" : ""));
                foreach (var hint in crash.Hints.Take(2)) Console.WriteLine($"{notes}  hint: {hint.Message}");
            }
            var patch = PatchAnalyzer.Analyze(message);
            if (patch.Kind != MessageKind.Comment)
                Console.WriteLine($"{notes}{patch.Kind}" + (patch.Files.Count > 0 ? $": {string.Join(", ", patch.Files.Select(f => f.NewPath ?? f.OldPath))}" : "") +
                                  (patch.Functions.Count > 0 ? $" ({string.Join(", ", patch.Functions.Take(4))})" : ""));
            foreach (var t in patch.Trailers.Where(t => t.LName is "fixes" or "closes" or "reported-by"))
                Console.WriteLine($"{notes}{t.Name}: {t.Value}");
            foreach (var signal in patch.Signals)
                Console.WriteLine($"{notes}{signal.Kind.ToString().ToLowerInvariant()}{(signal.Formal ? "" : " (informal)")}: \"{signal.Evidence}\"");
        }
        foreach (var c in n.Children) Print(store, c, depth + 1);
    }
}
