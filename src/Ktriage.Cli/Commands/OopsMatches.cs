using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Store;
using Spectre.Console;

namespace Ktriage.Cli.Commands;

/// <summary>
/// <c>ktriage oops --db</c>: the clusters of the archive a new report belongs to (by the clustering rules) and their
/// best fixes. <c>oops</c> needs no database: one is consulted only when asked for (<c>--db</c>) or configured
/// (<c>$KTRIAGE_DB</c>), and only when the file exists (it is never created here).
/// </summary>
internal sealed class OopsMatches : IDisposable
{
    public sealed record Match(CrashMatch How, ClusterRow Cluster, CrashStatus Status, int Fixes, CrashRanking.RankedFix? Best);

    const int MaxMatches = 5;
    readonly IArchiveStore store;
    readonly ICrashStore crashes;
    readonly ICrashLookup lookup;

    OopsMatches(IArchiveStore store, ICrashStore crashes, ICrashLookup lookup) => (this.store, this.crashes, this.lookup) = (store, crashes, lookup);

    /// <summary>The archive to match against, or null when none was asked for.</summary>
    public static OopsMatches? Open(ParseResult pr)
    {
        var explicitDb = !string.IsNullOrEmpty(pr.GetValue(Globals.Db));
        var env = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KTRIAGE_DB"));
        if (!explicitDb && !env) return null;
        var path = Globals.DbPath(pr);
        if (!Store.Postgres.PostgresArchiveStore.IsUrl(path) && !File.Exists(path))
        {
            // Analysis never depends on an archive: say why there are no matches, and carry on.
            if (explicitDb && !pr.GetValue(Globals.Quiet)) Console.Error.WriteLine($"{path}: no such database; not matching against an archive");
            return null;
        }
        var crashes = CrashView.Open(pr, out var store);
        if (store is not ICrashLookup lookup)
        {
            store.Dispose();
            throw new UserError($"{path}: this store cannot match crashes");
        }
        return new OopsMatches(store, crashes, lookup);
    }

    public List<Match> Find(CrashReport report) => lookup.MatchCrash(report, MaxMatches).Select(m =>
    {
        var cluster = crashes.CrashCluster(m.Cluster)!;
        var ranked = CrashRanking.Rank(crashes.FixLinks(m.Cluster), EvidenceKinds.All);
        return new Match(m, cluster, CrashRanking.Status(cluster, ranked), ranked.Count, ranked.FirstOrDefault());
    }).ToList();

    /// <summary>The report as DESIGN.md's Report, plus <c>matches</c>.</summary>
    public static JsonNode ReportJson(CrashReport report, List<Match> matches)
    {
        // Parsed from text rather than SerializeToNode: values built that way are escaped with the default encoder
        // ("…" as \u2026), not the relaxed one the other commands print with.
        var node = JsonNode.Parse(JsonSerializer.Serialize(report, Globals.JsonOptions))!;
        node["matches"] = JsonNode.Parse(JsonSerializer.Serialize(matches.Select(m => new
        {
            clusterId = m.Cluster.Id, title = m.Cluster.Title, score = Math.Round(m.How.Score, 3), reason = m.How.Reason,
            reports = m.Cluster.Reports, firstSeen = m.Cluster.FirstSeen, lastSeen = m.Cluster.LastSeen, lists = m.Cluster.Lists,
            status = m.Status.Name,
            bestFix = m.Best is null ? null : new
            {
                messageId = m.Best.Row.MessageId, subject = m.Best.Row.Subject, score = m.Best.Score, status = m.Best.Status,
                evidence = m.Best.Evidence.Select(e => e.Detail),
            },
        }), Globals.JsonOptions));
        return node;
    }

    public static void Print(IAnsiConsole w, List<Match> matches)
    {
        if (matches.Count == 0)
        {
            w.MarkupLine("  [grey]seen before:[/] no matching crash in the archive");
            return;
        }
        foreach (var m in matches)
        {
            var c = m.Cluster;
            w.MarkupLine($"  [grey]seen before:[/] [bold]cluster {c.Id}[/] {Markup.Escape(c.Title)} [grey]({Markup.Escape(m.How.Reason)})[/]");
            w.MarkupLine($"    {c.Reports} report{(c.Reports == 1 ? "" : "s")}, {c.FirstSeen:yyyy-MM-dd} … {c.LastSeen:yyyy-MM-dd}"
                + $" on {Markup.Escape(string.Join(", ", c.Lists))}; status [bold]{Markup.Escape(m.Status.Name)}[/]");
            if (m.Best is { } best)
            {
                w.MarkupLine($"    [green]best fix[/] ({best.Score:F2}, {Markup.Escape(best.Status)}): "
                    + Markup.Escape(best.Row.Subject ?? "") + $" [grey]<{Markup.Escape(best.Row.MessageId)}>[/]");
                w.MarkupLine($"      [grey]{Markup.Escape(string.Join("; ", best.Evidence.Select(e => e.Detail)))}[/]");
                if (m.Fixes > 1) w.MarkupLine($"    [grey]{m.Fixes - 1} more candidate fix{(m.Fixes == 2 ? "" : "es")}: ktriage crash {c.Id}[/]");
            }
            else w.MarkupLine("    [grey]no candidate fix in the archive[/]");
        }
    }

    public void Dispose() => store.Dispose();
}
