using System.Data.Common;
using System.Text.Json;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;

namespace Ktriage.Store.Crashes;

/// <summary>
/// The crash knowledge base of a store, the same on SQLite and PostgreSQL: clusters of duplicate reports and fix links,
/// derived from what ingest stored and kept up to date by <see cref="RefreshCrashLinks"/> (<see cref="CrashLinker"/>),
/// their reads, and matching new reports (<see cref="CrashMatchIndex"/>). The stores implement
/// <see cref="ICrashStore"/> and <see cref="ICrashLookup"/> with it.
/// </summary>
internal sealed class CrashKnowledge(CrashDialect dialect) : ICrashStore, ICrashLookup
{
    /// <summary>Bump when clustering or evidence logic changes, so stored results are recomputed.</summary>
    const string LinkerVersion = "links-17";

    static object? Scalar(DbConnection db, DbTransaction tx, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        var r = cmd.ExecuteScalar();
        return r is DBNull ? null : r;
    }

    /// <summary>
    /// Brings clusters and fix links up to date with the archive. Messages only ever get added with growing ids, so
    /// after a first full computation only what new messages can change is recomputed: every report is clustered
    /// again (cheap, in memory), and a cluster's fix links are recomputed when its membership changed or a new
    /// message could be evidence for it (see <see cref="CrashLinker.Affected"/>). A deletion, or a new linker version,
    /// recomputes everything. The state kept in meta is "version:last message id:message count". One transaction.
    /// </summary>
    public bool RefreshCrashLinks(bool force = false) => dialect.Use(db =>
    {
        using var exclusive = dialect.LockForRefresh(db);
        using var tx = dialect.BeginRefresh(db);
        var maxId = Convert.ToInt64(Scalar(db, tx, "SELECT coalesce(max(id),0) FROM messages"));
        var count = Convert.ToInt64(Scalar(db, tx, "SELECT count(*) FROM messages"));
        var state = (Scalar(db, tx, "SELECT value FROM meta WHERE key='crash_links'") as string)?.Split(':');
        long? upto = null;
        if (!force && state is [LinkerVersion, var u, var n] && long.TryParse(u, out var lastId) && long.TryParse(n, out var lastCount))
        {
            if (lastId == maxId && lastCount == count) return false;
            // Nothing deleted since: the messages now are the old ones plus those with larger ids.
            var added = Convert.ToInt64(Scalar(db, tx, $"SELECT count(*) FROM messages WHERE id > {lastId}"));
            if (lastCount + added == count) upto = lastId;
        }
        using (var linker = new CrashLinker(db, tx, dialect)) linker.Run(upto);
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO meta(key, value) VALUES('crash_links', @v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
            cmd.Bind("@v", $"{LinkerVersion}:{maxId}:{count}");
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    });

    public IReadOnlyList<CrashMatch> MatchCrash(CrashReport report, int max = 5) =>
        dialect.Use(db => CrashMatcher.Matches(CrashMatchIndex.ItemFor(report), new CrashMatchIndex(db)).Take(max).ToList());

    const string SelectCluster = """
        SELECT c.id, c.title, c.alt_titles, c.type, c.bot, c.bot_ids, c.first_seen, c.last_seen, c.reports, c.copies, c.lists,
               c.key_functions, c.guilty_file
        FROM crash_clusters c
        """;

    static ClusterRow ReadCluster(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), JsonSerializer.Deserialize<List<string>>(r.GetString(2))!, r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), JsonSerializer.Deserialize<List<string>>(r.GetString(5))!,
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(6)), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(7)), r.GetInt32(8), r.GetInt32(9),
        JsonSerializer.Deserialize<List<string>>(r.GetString(10))!, JsonSerializer.Deserialize<List<string>>(r.GetString(11))!,
        r.IsDBNull(12) ? null : r.GetString(12));

    List<T> Read<T>(string sql, Func<DbDataReader, T> read, params (string, object?)[] args) => dialect.Use(db =>
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        // Null: a filter not given, whose condition the statement leaves out.
        foreach (var (n, v) in args) if (v is not null) cmd.Bind(n, v);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    });

    // Conditions only for the filters given: "@p IS NULL OR …" leaves PostgreSQL without a type for a null parameter.
    public IReadOnlyList<ClusterRow> CrashClusters(string? list = null, DateTimeOffset? since = null) => Read(
        SelectCluster + " WHERE 1=1" + (since is null ? "" : " AND c.last_seen >= @since") + (list is null ? "" : """
           AND EXISTS(SELECT 1 FROM cluster_members cm JOIN copies cp ON cp.message = cm.message
                      JOIN lists l ON l.id = cp.list_id WHERE cm.cluster = c.id AND l.name = @list)
        """) + " ORDER BY c.last_seen DESC, c.id DESC",
        ReadCluster, ("@since", since?.ToUnixTimeSeconds()), ("@list", list));

    public ClusterRow? CrashCluster(long id) => Read(SelectCluster + " WHERE c.id = @id", ReadCluster, ("@id", id)).FirstOrDefault();

    public long? ClusterOfMessage(string messageId) => Read(
        "SELECT cm.cluster FROM cluster_members cm JOIN messages m ON m.id = cm.message WHERE m.message_id = @id ORDER BY cm.copy_of IS NOT NULL, cm.report LIMIT 1",
        r => r.GetInt64(0), ("@id", Core.Mail.MessageIds.Normalize(messageId))).Cast<long?>().FirstOrDefault();

    public IReadOnlyList<ClusterReportRow> ClusterReports(long cluster) => Read("""
        SELECT cm.report, m.message_id, l.name, m.date, CASE WHEN m.from_name <> '' THEN m.from_name ELSE m.from_email END,
               cr.title, cm.bot, cm.bot_id, (SELECT om.message_id FROM crash_reports o JOIN messages om ON om.id = o.message WHERE o.id = cm.copy_of),
               cm.reason
        FROM cluster_members cm JOIN crash_reports cr ON cr.id = cm.report JOIN messages m ON m.id = cm.message JOIN lists l ON l.id = m.list_id
        WHERE cm.cluster = @c ORDER BY m.date, cm.report
        """, r => new ClusterReportRow(r.GetInt64(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3)), r.GetString(4),
            r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.GetString(9)), ("@c", cluster));

    // Two statements rather than "@c IS NULL OR f.cluster = @c", which SQLite answers by scanning every link.
    public IReadOnlyList<FixLinkRow> FixLinks(long? cluster = null) => Read($"""
        SELECT f.cluster, f.message_id, f.message IS NOT NULL, f.subject, l.name, f.date, f.evidence, f.signals
        FROM fix_links f LEFT JOIN messages m ON m.id = f.message LEFT JOIN lists l ON l.id = m.list_id
        {(cluster is null ? "" : "WHERE f.cluster = @c")} ORDER BY f.cluster, f.score DESC, f.date
        """, r => new FixLinkRow(r.GetInt64(0), r.GetString(1), r.GetBoolean(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(5)),
            JsonSerializer.Deserialize<List<StoredEvidence>>(r.GetString(6), StoreJson.Options)!,
            JsonSerializer.Deserialize<List<StoredSignal>>(r.GetString(7), StoreJson.Options)!), ("@c", cluster));
}
