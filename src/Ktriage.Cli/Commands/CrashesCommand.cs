using System.CommandLine;
using System.Globalization;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

internal static class CrashesCommand
{
    static readonly Option<string?> ListOpt = new("--list") { Description = "Only clusters with a report on this list" };
    static readonly Option<string?> SinceOpt = new("--since") { Description = "Only clusters seen on or after this date (YYYY-MM-DD)" };
    internal static readonly Option<string?> EvidenceOpt = new("--evidence")
    {
        Description = "Evidence kinds used to rank fixes: explicit, thread, content or all (comma-separated; default all)",
    };

    public static Command Create()
    {
        var cmd = new Command("crashes", "Crash clusters (duplicate reports grouped), newest first, with status and best fix") { ListOpt, SinceOpt, EvidenceOpt };
        cmd.SetAction(pr =>
        {
            var kinds = CrashView.ParseKinds(pr.GetValue(EvidenceOpt));
            DateTimeOffset? since = null;
            if (pr.GetValue(SinceOpt) is { } s)
                since = DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d
                    : throw new UserError($"--since {s}: not a date (expected YYYY-MM-DD)");
            var crashes = CrashView.Open(pr, out var store);
            using (store)
            {
                var clusters = crashes.CrashClusters(pr.GetValue(ListOpt), since);
                var fixes = crashes.FixLinks().GroupBy(f => f.Cluster).ToDictionary(g => g.Key, g => CrashRanking.Rank(g, kinds));
                var json = pr.GetValue(Globals.Json);
                foreach (var c in clusters)
                {
                    var ranked = fixes.GetValueOrDefault(c.Id) ?? [];
                    var status = CrashRanking.Status(c, ranked);
                    var best = ranked.FirstOrDefault();
                    if (json)
                    {
                        Globals.WriteJsonLine(JsonShapes.ClusterSummary(c, status, best));
                        continue;
                    }
                    Console.WriteLine($"{c.Id,6}  {c.LastSeen:yyyy-MM-dd}  {c.Reports,3}x  {status.Name,-12}  {c.Title}");
                    if (best is not null && !pr.GetValue(Globals.Quiet))
                        Console.WriteLine($"{"",8}fix ({best.Score:F2}): {best.Row.Subject ?? "<" + best.Row.MessageId + ">"}");
                }
                if (!json && clusters.Count == 0 && !pr.GetValue(Globals.Quiet)) Console.WriteLine("no crash clusters");
            }
            return 0;
        });
        return cmd;
    }
}
