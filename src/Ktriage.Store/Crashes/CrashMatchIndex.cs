using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;

namespace Ktriage.Store.Crashes;

/// <summary>
/// "Have we seen this crash before": matches a new report against the stored clusters by the clustering rules
/// (<see cref="CrashMatcher"/>), through the match tables written with the clusters (SQLite migration 5, PostgreSQL
/// migration 2): titles by cluster_titles, stacks by the frame index cluster_frames → representative stacks in cluster_stacks.
/// </summary>
internal sealed class CrashMatchIndex(DbConnection db) : ICrashIndex
{
    /// <summary>A report as clustering sees it (no message: it comes from a log, not from the archive).</summary>
    public static CrashItem ItemFor(CrashReport report) => new(0, 0, 0, false, report.Title, report.AltTitles,
        report.Corrupted || report.Title.EndsWith(" in corrupted", StringComparison.Ordinal), null, CrashFrames.Normalize(report));

    /// <summary>Representative stacks as stored: one frame a line, "weight name".</summary>
    internal static string FormatStack(IReadOnlyList<NormalizedFrame> frames) =>
        string.Join('\n', frames.Select(f => f.Weight.ToString("R", CultureInfo.InvariantCulture) + " " + f.Name));

    internal static IReadOnlyList<NormalizedFrame> ParseStack(string text)
    {
        var list = new List<NormalizedFrame>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            list.Add(new NormalizedFrame(line[(space + 1)..], double.Parse(line.AsSpan(0, space), CultureInfo.InvariantCulture)));
        }
        return list;
    }

    List<T> Rows<T>(string sql, Func<DbDataReader, T> read, params (string, object)[] args)
    {
        using var c = db.CreateCommand();
        c.CommandText = sql;
        foreach (var (n, v) in args) c.Bind(n, v);
        using var r = c.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    public IEnumerable<long> WithTitle(string title) =>
        Rows("SELECT cluster FROM cluster_titles WHERE title = @t ORDER BY cluster", r => r.GetInt64(0), ("@t", title));

    public IEnumerable<(long Cluster, IReadOnlyList<IReadOnlyList<NormalizedFrame>> Stacks)> WithTopFrames(IReadOnlyList<string> frames, (double Min, double Max) totals)
    {
        if (frames.Count == 0) return [];
        var names = string.Join(',', frames.Select((_, i) => "@f" + i));
        // Plumbing frames (ret_from_fork, do_syscall_64) head many short stacks: with 100k reports a thousand
        // clusters share one; the total-weight bound leaves most of them unread.
        var rows = Rows($"""
            SELECT s.cluster, s.frames FROM cluster_stacks s
            WHERE s.cluster IN (SELECT cluster FROM cluster_frames WHERE frame IN ({names})) AND s.total BETWEEN @lo AND @hi
            ORDER BY s.cluster, s.ord
            """, r => (r.GetInt64(0), r.GetString(1)),
            [.. frames.Select((f, i) => ("@f" + i, (object)f)), ("@lo", totals.Min), ("@hi", Math.Min(totals.Max, 1e12))]);
        return rows.GroupBy(x => x.Item1)
            .Select(g => (g.Key, (IReadOnlyList<IReadOnlyList<NormalizedFrame>>)g.Select(x => ParseStack(x.Item2)).ToList()));
    }

    public bool Compatible(long cluster, string? botId)
    {
        if (botId is null) return true;
        var ids = Rows("SELECT bot_ids FROM crash_clusters WHERE id = @c", r => r.GetString(0), ("@c", cluster)).FirstOrDefault();
        var list = ids is null ? [] : JsonSerializer.Deserialize<List<string>>(ids) ?? [];
        return list.Count == 0 || list.Contains(botId);
    }
}

internal sealed partial class CrashLinker
{
    /// <summary>Clusters of this computation: also says what each cluster is matched by.</summary>
    readonly CrashClusterer clusterer = new();

    static readonly string[] MatchTables = ["cluster_titles", "cluster_stacks", "cluster_frames"];

    /// <summary>Writes what <see cref="CrashMatcher"/> needs to match a new report against cluster <paramref name="clusterId"/>.</summary>
    void StoreMatchKeys(long clusterId, int placed)
    {
        var (titles, stacks) = clusterer.MatchKeys(placed);
        foreach (var t in titles)
        {
            var c = Cmd("INSERT INTO cluster_titles(title, cluster) VALUES(@t, @c) ON CONFLICT DO NOTHING");
            c.Bind("@t", t);
            c.Bind("@c", clusterId);
            c.ExecuteNonQuery();
        }
        for (var i = 0; i < stacks.Count; i++)
        {
            var c = Cmd("INSERT INTO cluster_stacks(cluster, ord, frames, total) VALUES(@c, @o, @f, @t)");
            c.Bind("@c", clusterId);
            c.Bind("@o", i);
            c.Bind("@f", CrashMatchIndex.FormatStack(stacks[i]));
            c.Bind("@t", CrashFrames.TotalWeight(stacks[i]));
            c.ExecuteNonQuery();
            foreach (var f in CrashMatcher.TopFrames(stacks[i]))
            {
                var fc = Cmd("INSERT INTO cluster_frames(frame, cluster) VALUES(@f, @c) ON CONFLICT DO NOTHING");
                fc.Bind("@f", f);
                fc.Bind("@c", clusterId);
                fc.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Drops the match keys of one cluster, or of all (null).</summary>
    void DeleteMatchKeys(long? clusterId)
    {
        foreach (var table in MatchTables)
        {
            var c = Cmd(clusterId is null ? $"DELETE FROM {table}" : $"DELETE FROM {table} WHERE cluster = @id");
            if (clusterId is { } id) c.Bind("@id", id);
            c.ExecuteNonQuery();
        }
    }
}
