using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>Reads of the crash knowledge base (tables written by <see cref="RefreshCrashLinks"/>).</summary>
public sealed partial class SqliteArchiveStore
{
    const string SelectCluster = """
        SELECT c.id, c.title, c.alt_titles, c.type, c.bot, c.bot_ids, c.first_seen, c.last_seen, c.reports, c.copies, c.lists,
               c.key_functions, c.guilty_file
        FROM crash_clusters c
        """;

    static ClusterRow ReadCluster(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), JsonSerializer.Deserialize<List<string>>(r.GetString(2))!, r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), JsonSerializer.Deserialize<List<string>>(r.GetString(5))!,
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(6)), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(7)), r.GetInt32(8), r.GetInt32(9),
        JsonSerializer.Deserialize<List<string>>(r.GetString(10))!, JsonSerializer.Deserialize<List<string>>(r.GetString(11))!,
        r.IsDBNull(12) ? null : r.GetString(12));

    List<T> Read<T>(string sql, Func<SqliteDataReader, T> read, params (string, object?)[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    public IReadOnlyList<ClusterRow> CrashClusters(string? list = null, DateTimeOffset? since = null) => Read(
        SelectCluster + """
         WHERE ($since IS NULL OR c.last_seen >= $since)
           AND ($list IS NULL OR EXISTS(SELECT 1 FROM cluster_members cm JOIN copies cp ON cp.message = cm.message
                                        JOIN lists l ON l.id = cp.list_id WHERE cm.cluster = c.id AND l.name = $list))
         ORDER BY c.last_seen DESC, c.id DESC
        """, ReadCluster, ("$since", since?.ToUnixTimeSeconds()), ("$list", list));

    public ClusterRow? CrashCluster(long id) => Read(SelectCluster + " WHERE c.id = $id", ReadCluster, ("$id", id)).FirstOrDefault();

    public long? ClusterOfMessage(string messageId) => Read(
        "SELECT cm.cluster FROM cluster_members cm JOIN messages m ON m.id = cm.message WHERE m.message_id = $id ORDER BY cm.copy_of IS NOT NULL, cm.report LIMIT 1",
        r => r.GetInt64(0), ("$id", Core.Mail.MessageIds.Normalize(messageId))).Cast<long?>().FirstOrDefault();

    public IReadOnlyList<ClusterReportRow> ClusterReports(long cluster) => Read("""
        SELECT cm.report, m.message_id, l.name, m.date, CASE WHEN m.from_name <> '' THEN m.from_name ELSE m.from_email END,
               cr.title, cm.bot, cm.bot_id, (SELECT om.message_id FROM crash_reports o JOIN messages om ON om.id = o.message WHERE o.id = cm.copy_of),
               cm.reason
        FROM cluster_members cm JOIN crash_reports cr ON cr.id = cm.report JOIN messages m ON m.id = cm.message JOIN lists l ON l.id = m.list_id
        WHERE cm.cluster = $c ORDER BY m.date, cm.report
        """, r => new ClusterReportRow(r.GetInt64(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3)), r.GetString(4),
            r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.GetString(9)), ("$c", cluster));

    // Two statements rather than "$c IS NULL OR f.cluster = $c", which SQLite answers by scanning every link.
    public IReadOnlyList<FixLinkRow> FixLinks(long? cluster = null) => Read($"""
        SELECT f.cluster, f.message_id, f.message IS NOT NULL, f.subject, l.name, f.date, f.evidence, f.signals
        FROM fix_links f LEFT JOIN messages m ON m.id = f.message LEFT JOIN lists l ON l.id = m.list_id
        {(cluster is null ? "" : "WHERE f.cluster = $c")} ORDER BY f.cluster, f.score DESC, f.date
        """, r => new FixLinkRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2) != 0, r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(5)),
            JsonSerializer.Deserialize<List<StoredEvidence>>(r.GetString(6), StoreJson.Options)!,
            JsonSerializer.Deserialize<List<StoredSignal>>(r.GetString(7), StoreJson.Options)!), ("$c", cluster));
}
