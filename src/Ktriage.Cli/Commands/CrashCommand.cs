using System.CommandLine;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Maintainers;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

internal static class CrashCommand
{
    static readonly Argument<string> Id = new("ID|MSGID") { Description = "Cluster id (from 'ktriage crashes') or the Message-ID of a report" };

    public static Command Create()
    {
        var cmd = new Command("crash", "One crash cluster: its reports and candidate fixes with evidence") { Id, CrashesCommand.EvidenceOpt };
        cmd.SetAction(pr =>
        {
            var kinds = CrashView.ParseKinds(pr.GetValue(CrashesCommand.EvidenceOpt));
            var given = pr.GetValue(Id)!;
            var crashes = CrashView.Open(pr, out var store);
            using (store)
            {
                var cluster = Resolve(crashes, store, given);
                var reports = crashes.ClusterReports(cluster.Id);
                var ranked = CrashRanking.Rank(crashes.FixLinks(cluster.Id), kinds);
                var status = CrashRanking.Status(cluster, ranked);
                var who = Owners(store, reports);
                if (pr.GetValue(Globals.Json))
                {
                    var shape = JsonShapes.Cluster(cluster, status, reports, ranked);
                    if (who is null) Globals.WriteJsonLine(shape);
                    else
                    {
                        // The cluster's JSON plus its owners (only when a kernel tree is imported).
                        var node = System.Text.Json.JsonSerializer.SerializeToNode(shape, Globals.JsonOptions)!.AsObject();
                        node["who"] = System.Text.Json.JsonSerializer.SerializeToNode(who, Globals.JsonOptions);
                        Globals.WriteJsonLine(node);
                    }
                    return 0;
                }
                Print(cluster, reports, ranked, status);
                if (who is not null)
                {
                    Console.WriteLine();
                    WhoView.Print(who);
                }
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Owners of the cluster's first report (the one a reply goes to), when a kernel tree is imported.</summary>
    static WhoReport? Owners(IArchiveStore store, IReadOnlyList<ClusterReportRow> reports)
    {
        var first = reports.FirstOrDefault(r => r.CopyOf is null) ?? reports.FirstOrDefault();
        if (first is null || store is not IKernelStore { } kernels || kernels.KernelTrees().Count == 0) return null;
        var row = store.FindMessages(first.MessageId).FirstOrDefault();
        if (row is null) return null;
        var message = MailParser.Parse(store.Copies(row.Id)[0].Raw);
        var text = message.AllText;
        var crash = CrashAnalyzer.Analyze(text) is { Count: > 0 } found ? found.FirstOrDefault(c => c.Title == first.Title) ?? found[0] : null;
        if (crash is null || WhoView.Tree(store, crash.KernelVersion) is not { } tree) return null;
        return WhoReport.ForCrash(tree, crash, text, message.MessageId, message.From?.ToString(), message.Subject);
    }

    static ClusterRow Resolve(ICrashStore crashes, IArchiveStore store, string given)
    {
        if (long.TryParse(given, out var id))
            return crashes.CrashCluster(id) ?? throw new UserError($"{given}: no crash cluster with this id (see 'ktriage crashes')");
        var message = Lookup.One(store, given);
        var cluster = crashes.ClusterOfMessage(message.MessageId)
            ?? throw new UserError($"{given}: this message carries no crash report");
        return crashes.CrashCluster(cluster)!;
    }

    static void Print(ClusterRow c, IReadOnlyList<ClusterReportRow> reports, IReadOnlyList<CrashRanking.RankedFix> fixes, Core.Links.CrashStatus status)
    {
        Console.WriteLine($"cluster {c.Id}: {c.Title}");
        foreach (var alt in c.AltTitles) Console.WriteLine($"  also: {alt}");
        Console.WriteLine($"  type {(c.Type.Length > 0 ? c.Type : "?")}; {c.Reports} report(s), {c.Copies} quoted/repeated copies; lists {string.Join(", ", c.Lists)}");
        Console.WriteLine($"  first seen {c.FirstSeen:yyyy-MM-dd}, last seen {c.LastSeen:yyyy-MM-dd}" + (c.BotIds.Count > 0 ? $"; {c.Bot ?? "bot"} id {string.Join(", ", c.BotIds)}" : ""));
        Console.WriteLine($"  status: {status.Name}" + (status.DaysToFix is { } d ? $" ({d} days after the first report)" : "") +
            (c.KeyFunctions.Count > 0 ? $"; stack: {string.Join(" < ", c.KeyFunctions)}" : "") + (c.GuiltyFile is { } gf ? $"; file {gf}" : ""));
        Console.WriteLine();
        Console.WriteLine("reports:");
        foreach (var r in reports)
            Console.WriteLine($"  {r.Date:yyyy-MM-dd} {r.List,-12} {r.From} <{r.MessageId}>" + (r.CopyOf is { } of ? $" (copy of <{of}>)" : ""));
        Console.WriteLine();
        if (fixes.Count == 0) { Console.WriteLine("no candidate fixes"); return; }
        Console.WriteLine("candidate fixes (best first):");
        var n = 0;
        foreach (var f in fixes.Take(10))
        {
            Console.WriteLine($"  {++n}. {f.Score:F2}  {f.Row.Subject ?? "(not in archive)"}  [{f.Status}]" + (f.Row.Date is { } date ? $"  {date:yyyy-MM-dd}" : ""));
            Console.WriteLine($"     {CrashRanking.Summary(f)}");
        }
        if (fixes.Count > 10) Console.WriteLine($"  … {fixes.Count - 10} weaker candidates (--json lists all)");
    }
}
