using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

public sealed partial class SqliteArchiveStore
{
    // One row per distinct message; the first copy gives blob and list.
    const string SelectMessage = """
        SELECT m.id, m.message_id,
               (SELECT c.blob FROM copies c WHERE c.message = m.id ORDER BY c.id LIMIT 1),
               l.name, m.thread_id, m.subject, m.from_name, m.from_email, m.date, m.in_reply_to, m.refs,
               (SELECT count(*) FROM copies c WHERE c.message = m.id),
               EXISTS(SELECT 1 FROM messages o WHERE o.message_id = m.message_id AND o.id <> m.id)
        FROM messages m JOIN lists l ON l.id = m.list_id
        """;

    static MessageRow ReadMessage(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetInt64(4),
        r.GetString(5), r.GetString(6), r.GetString(7), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(8)),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.GetString(10).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.GetInt32(11), r.GetInt64(12) != 0);

    IEnumerable<MessageRow> Query(string where, params (string, object?)[] args) => Query(db, where, args);

    static IEnumerable<MessageRow> Query(SqliteConnection db, string where, params (string, object?)[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = SelectMessage + " " + where;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ReadMessage(r);
    }

    public IEnumerable<MessageRow> Messages(string? list = null) => list is null
        ? Query("ORDER BY m.id")
        : Query("WHERE m.id IN (SELECT c.message FROM copies c JOIN lists cl ON cl.id = c.list_id WHERE cl.name = $l) ORDER BY m.id", ("$l", list));

    public IReadOnlyList<MessageRow> FindMessages(string messageId) =>
        Query("WHERE m.message_id = $id ORDER BY m.id", ("$id", Core.Mail.MessageIds.Normalize(messageId))).ToList();

    public IReadOnlyList<MessageRow> ThreadMessages(long threadId) =>
        Query("WHERE m.thread_id = $t ORDER BY m.date, m.id", ("$t", threadId)).ToList();

    /// <summary>Runs a query on the main connection and reads every row with <paramref name="read"/>.</summary>
    List<T> Rows<T>(string sql, Func<SqliteDataReader, T> read, params (string, object?)[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    public IReadOnlyList<CopyRow> Copies(long messageRowId) =>
        Rows("SELECT c.message, l.name, c.origin, c.blob, c.git_commit, c.raw FROM copies c JOIN lists l ON l.id = c.list_id WHERE c.message = $m ORDER BY c.id",
            r => new CopyRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), (byte[])r.GetValue(5)),
            ("$m", messageRowId));

    public IReadOnlyList<string> SimilarIds(string fragment, int limit) =>
        Rows("SELECT DISTINCT message_id FROM messages WHERE instr(message_id, $f) > 0 LIMIT $n", r => r.GetString(0),
            ("$f", fragment), ("$n", limit));

    // Index rows of messages deleted in main whose deletion has not reached the index file yet cannot match: the
    // condition selects messages rows (ids are never reused, so such a row cannot name another message).
    public IReadOnlyList<MessageRow> Search(string query, int limit)
    {
        var parsed = Core.Search.QueryParser.Parse(query);
        FlushIndex();
        if (SearchConnection() is not { } conn) return [];
        var sql = new SqliteSearchSql(word => SqliteStemVariants.Of(conn, word)) { Connection = conn };
        var where = sql.Compile(parsed);
        if (sql.UsesCrashLinks && Scalar(conn, "SELECT 1 FROM sqlite_master WHERE name = 'fix_links'") is null)
            throw new StoreException($"{Path}: fixed: needs the crash knowledge base: run 'ktriage crashes' once");
        // The page of ids first: the per-row columns (first blob, copies, shared id) only for the rows shown.
        return Query(conn,
            $"WHERE m.id IN (SELECT m.id FROM messages m WHERE {where} ORDER BY m.date DESC, m.id DESC LIMIT @n) ORDER BY m.date DESC, m.id DESC",
            [.. sql.Parameters.Select(p => (p.Name, (object?)p.Value)), ("@n", limit)]).ToList();
    }

    public IReadOnlyList<ProblemRow> Problems(int limit) =>
        Rows("SELECT origin, locator, problem, at FROM problems ORDER BY id LIMIT $n",
            r => new ProblemRow(r.GetString(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3))),
            ("$n", limit));

    public StoreStats Stats() => StoreStats.Read(sql => Convert.ToInt64(Scalar(db, sql)));
}
