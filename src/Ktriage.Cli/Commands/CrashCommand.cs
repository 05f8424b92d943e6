using System.CommandLine;
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
                if (pr.GetValue(Globals.Json))
                {
                    Globals.WriteJsonLine(JsonShapes.Cluster(cluster, status, reports, ranked));
                    return 0;
                }
                Print(cluster, reports, ranked, status);
            }
            return 0;
        });
        return cmd;
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
