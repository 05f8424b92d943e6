using System.CommandLine;
using Ktriage.Cli.Ingest;
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
        Console.WriteLine($"{s.Messages} messages in {s.Threads} threads");
        foreach (var thread in store.Messages().GroupBy(m => m.ThreadId))
        {
            Console.WriteLine();
            var roots = ThreadTree.Build(thread.Select(m => new ThreadItem<MessageRow>(m.MessageId, m.InReplyTo, m.References, m.Date, m)));
            foreach (var r in roots) Print(r, 0);
        }
    }

    static void Print(ThreadNode<MessageRow> n, int depth)
    {
        var who = n.Value is { } m ? (string.IsNullOrEmpty(m.From) ? m.FromEmail : m.From) : "";
        Console.WriteLine($"{new string(' ', depth * 2)}{(depth > 0 ? "`- " : "")}{n.Value?.Subject ?? "[not found]"}  ({who})");
        foreach (var c in n.Children) Print(c, depth + 1);
    }
}
