using Ktriage.Core;
using Ktriage.Core.Search;
using Npgsql;

namespace Ktriage.Store.Postgres;

/// <summary>The shared-server store: PostgreSQL through Npgsql. Same tables and meaning as the SQLite store; full text
/// in tsvector columns with GIN indexes. Several ingest processes may write at once (see <see cref="PostgresIngestBatch"/>).</summary>
public sealed partial class PostgresArchiveStore : IArchiveStore
{
    readonly NpgsqlDataSource source;
    readonly bool readOnly;
    /// <summary>The URL as given, for messages (password removed).</summary>
    public string Display { get; }

    PostgresArchiveStore(NpgsqlDataSource source, string display, bool readOnly)
    {
        this.source = source;
        Display = display;
        this.readOnly = readOnly;
    }

    public static bool IsUrl(string s) =>
        s.StartsWith("postgres://", StringComparison.Ordinal) || s.StartsWith("postgresql://", StringComparison.Ordinal);

    /// <summary>postgres://user[:password]@host[:port]/database[?host=/socket/dir&amp;port=N&amp;sslmode=…] → an Npgsql
    /// connection string. Query parameters are passed through as connection string keywords.</summary>
    public static string ConnectionString(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsUrl(url))
            throw new StoreException($"{url}: not a PostgreSQL URL (postgres://user@host/database)");
        var b = new NpgsqlConnectionStringBuilder();
        if (uri.Host.Length > 0) b.Host = Uri.UnescapeDataString(uri.Host);
        if (uri.Port > 0) b.Port = uri.Port;
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) b.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) b.Password = Uri.UnescapeDataString(user[1]);
        var db = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (db.Length == 0) throw new StoreException($"{Redact(url)}: no database name (postgres://user@host/database)");
        b.Database = db;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            try { b[key] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "true"; }
            catch (ArgumentException) { throw new StoreException($"{Redact(url)}: unknown connection parameter '{key}'"); }
        }
        // Ingest runs the same few statements thousands of times: let Npgsql prepare them.
        if (b.MaxAutoPrepare == 0) b.MaxAutoPrepare = 64;
        b.ApplicationName ??= "ktriage";
        return b.ConnectionString;
    }

    static string Redact(string url) => SafeRegex.Replace(url, @"//([^:/@]+):[^@/]*@", "//$1:***@");

    public static PostgresArchiveStore Open(string url, bool readOnly = false)
    {
        var display = Redact(url);
        var dataSource = NpgsqlDataSource.Create(ConnectionString(url));
        try
        {
            using var conn = dataSource.OpenConnection();
            Migrate(conn, display, readOnly);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException)
        {
            dataSource.Dispose();
            throw new StoreException($"{display}: cannot open database: {e.Message}", e);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
        return new PostgresArchiveStore(dataSource, display, readOnly);
    }

    static void Migrate(NpgsqlConnection conn, string display, bool readOnly)
    {
        var migrations = PostgresSchema.Migrations;
        // (Two statements: a query naming a missing table fails at planning, whatever CASE says.)
        int Version() => Scalar(conn, null, "SELECT to_regclass('schema_version') IS NOT NULL") is true
            ? Convert.ToInt32(Scalar(conn, null, "SELECT coalesce(max(version), 0) FROM schema_version")) : 0;
        var version = Version();
        if (version > migrations.Length)
            throw new StoreException($"{display}: database schema {version} is newer than this ktriage ({migrations.Length}); upgrade ktriage");
        if (version == migrations.Length) return;
        if (readOnly) throw new StoreException(version == 0 ? $"{display}: no ktriage database here yet (run 'ktriage ingest' first)"
            : $"{display}: database schema {version} is older than this ktriage ({migrations.Length}): run 'ktriage crashes' (or an ingest) once to upgrade it");
        using var tx = conn.BeginTransaction();
        // Two workers opening a new database at once: the second waits here, then finds the migrations applied.
        Exec(conn, tx, $"SELECT pg_advisory_xact_lock({PostgresSchema.MigrateLock})");
        Exec(conn, tx, "CREATE TABLE IF NOT EXISTS schema_version(version int PRIMARY KEY)");
        version = Convert.ToInt32(Scalar(conn, tx, "SELECT coalesce(max(version), 0) FROM schema_version"));
        for (var v = version; v < migrations.Length; v++)
        {
            Exec(conn, tx, migrations[v]);
            Exec(conn, tx, $"INSERT INTO schema_version(version) VALUES({v + 1})");
            // 2 replaced the per-field columns by message_doc: their text comes back from the raw copies.
            if (v == 1) RebuildText(conn, tx);
        }
        tx.Commit();
    }

    internal NpgsqlConnection Connect() => source.OpenConnection();

    /// <summary>Full text of every stored message, from its first copy (the migration that changed the index).</summary>
    static void RebuildText(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        // In slices of ids: a whole archive's raw mail is not held in memory.
        for (long last = 0; ;)
        {
            var rows = new List<(long Id, long Date, byte[] Raw)>();
            using (var cmd = new NpgsqlCommand("SELECT m.id, m.date, (SELECT c.raw FROM copies c WHERE c.message = m.id ORDER BY c.id LIMIT 1) FROM messages m WHERE m.id > $1 ORDER BY m.id LIMIT 500", conn, tx) { CommandTimeout = 0 })
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = last });
                using var r = cmd.ExecuteReader();
                while (r.Read()) rows.Add((r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? [] : (byte[])r.GetValue(2)));
            }
            if (rows.Count == 0) return;
            last = rows[^1].Id;
            foreach (var (id, date, raw) in rows)
            {
                Core.Mail.Message m;
                try { m = Core.Mail.MailParser.Parse(raw); } catch (Exception) { continue; }
                var (head, body) = PostgresTextIndex.Document(conn, SearchFields.Of(m));
                using var insert = new NpgsqlCommand("INSERT INTO message_doc(message, date, head, body) VALUES($1, $2, $3::tsvector, $4::tsvector)", conn, tx);
                insert.Parameters.Add(new NpgsqlParameter { Value = id });
                insert.Parameters.Add(new NpgsqlParameter { Value = date });
                insert.Parameters.Add(new NpgsqlParameter { Value = head });
                insert.Parameters.Add(new NpgsqlParameter { Value = body });
                insert.ExecuteNonQuery();
            }
        }
    }

    internal static void Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, int? timeout = null)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        if (timeout is { } t) cmd.CommandTimeout = t;
        cmd.ExecuteNonQuery();
    }

    internal static object? Scalar(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params (string, object?)[] args)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        var r = cmd.ExecuteScalar();
        return r is DBNull ? null : r;
    }

    object? Scalar(string sql, params (string, object?)[] args)
    {
        try
        {
            using var conn = Connect();
            return Scalar(conn, null, sql, args);
        }
        catch (NpgsqlException e) { throw new StoreException($"{Display}: {e.Message}", e); }
    }

    public string? GetCheckpoint(string origin) => Scalar("SELECT value FROM checkpoints WHERE origin=@o", ("@o", origin)) as string;

    /// <summary>Messages stored through this store since the statistics were last refreshed.</summary>
    internal int Added;

    /// <summary>After an ingest: fresh statistics for the tables search plans on, when it added enough to change them.
    /// A new database has none until autovacuum gets to it, and plans made without them ran 4× slower (virtualization:
    /// `virtio` 47 → 11 ms). About a second for io-uring.</summary>
    public void FlushIndex()
    {
        if (readOnly || Added < 500) return;
        try
        {
            using var conn = Connect();
            Exec(conn, null, "ANALYZE messages, message_doc, copies", timeout: 0);
            Added = 0;
        }
        catch (NpgsqlException e) { throw new StoreException($"{Display}: {e.Message}", e); }
    }

    /// <summary>Kept across this store's batches (<see cref="Crashes.ReportThreads"/>).</summary>
    internal Crashes.ReportThreads ReportThreads { get; } = new();

    public IIngestBatch BeginBatch() =>
        readOnly ? throw new StoreException($"{Display}: opened read-only, cannot ingest") : new PostgresIngestBatch(this);

    // One row per distinct message; the first copy gives blob and list (as the SQLite store).
    const string SelectMessage = """
        SELECT m.id, m.message_id,
               (SELECT c.blob FROM copies c WHERE c.message = m.id ORDER BY c.id LIMIT 1),
               l.name, m.thread_id, m.subject, m.from_name, m.from_email, m.date, m.in_reply_to, m.refs,
               (SELECT count(*) FROM copies c WHERE c.message = m.id)::int,
               EXISTS(SELECT 1 FROM messages o WHERE o.message_id = m.message_id AND o.id <> m.id)
        FROM messages m JOIN lists l ON l.id = m.list_id
        """;

    static MessageRow ReadMessage(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetInt64(4),
        r.GetString(5), r.GetString(6), r.GetString(7), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(8)),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.GetString(10).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.GetInt32(11), r.GetBoolean(12));

    /// <summary>Runs a query on a pooled connection and reads every row with <paramref name="read"/>; server errors are
    /// store errors (one line naming the database).</summary>
    List<T> Rows<T>(string sql, Func<NpgsqlDataReader, T> read, params (string, object?)[] args)
    {
        try { return ReadRows(sql, read, args); }
        catch (NpgsqlException e) { throw new StoreException($"{Display}: {e.Message}", e); }
    }

    List<T> ReadRows<T>(string sql, Func<NpgsqlDataReader, T> read, (string, object?)[] args)
    {
        using var conn = Connect();
        using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(read(r));
        return list;
    }

    List<MessageRow> Query(string where, params (string, object?)[] args) => Rows(SelectMessage + " " + where, ReadMessage, args);

    public IEnumerable<MessageRow> Messages(string? list = null)
    {
        // Streamed: a whole archive is not held in memory.
        using var conn = Connect();
        using var cmd = new NpgsqlCommand(SelectMessage + (list is null ? " ORDER BY m.id"
            : " WHERE m.id IN (SELECT c.message FROM copies c JOIN lists cl ON cl.id = c.list_id WHERE cl.name = @l) ORDER BY m.id"), conn);
        if (list is not null) cmd.Parameters.AddWithValue("@l", list);
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ReadMessage(r);
    }

    public IReadOnlyList<MessageRow> FindMessages(string messageId) =>
        Query("WHERE m.message_id = @id ORDER BY m.id", ("@id", Core.Mail.MessageIds.Normalize(messageId)));

    public IReadOnlyList<MessageRow> ThreadMessages(long threadId) =>
        Query("WHERE m.thread_id = @t ORDER BY m.date, m.id", ("@t", threadId));

    public IReadOnlyList<CopyRow> Copies(long messageRowId) =>
        Rows("SELECT c.message, l.name, c.origin, c.blob, c.git_commit, c.raw FROM copies c JOIN lists l ON l.id = c.list_id WHERE c.message = @m ORDER BY c.id",
            r => new CopyRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), (byte[])r.GetValue(5)),
            ("@m", messageRowId));

    public IReadOnlyList<string> SimilarIds(string fragment, int limit) =>
        Rows("SELECT DISTINCT message_id FROM messages WHERE strpos(message_id, @f) > 0 LIMIT @n", r => r.GetString(0),
            ("@f", fragment), ("@n", limit));

    public IReadOnlyList<MessageRow> Search(string query, int limit)
    {
        var node = QueryParser.Parse(query);
        try
        {
            using var conn = Connect();
            var sql = new PostgresSearchSql(PostgresTextIndex.Stems(conn, PostgresTextIndex.StemmedWords(node))) { Connection = conn };
            // The page of ids first: the per-row columns (first blob, copies, shared id) only for the rows shown. A query
            // of text terms only is answered by message_doc alone: the GIN index gives the hits, their date column the order.
            var page = sql.TextOnly(node) is { } text
                ? $"SELECT d.message FROM message_doc d WHERE {text} ORDER BY d.date DESC, d.message DESC LIMIT @n"
                // (fix_links exists from migration 2 on: fixed: needs no check that the tables are there.)
                : $"SELECT m.id FROM messages m WHERE {sql.Compile(node)} ORDER BY m.date DESC, m.id DESC LIMIT @n";
            var ids = new List<long>();
            using (var tx = conn.BeginTransaction())
            {
                // Documents live out of line (TOAST), which the planner does not cost: for a common word it would rather
                // test every document (a sequential scan, or a walk by date) than read the GIN index: 0.7 s instead of
                // 20 ms. For the page of ids of a text query, only bitmap scans are left to it.
                // And no JIT: a page takes milliseconds, compiling it 50-150 ms, which PostgreSQL 15 starts whenever a plan has
                // a disabled node (its cost counts 10^10 per node; l:io-uring OR f:axboe: 213 → 60 ms).
                Exec(conn, tx, sql.UsesText ? "SET LOCAL jit = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off" : "SET LOCAL jit = off");
                using var cmd = new NpgsqlCommand(page, conn, tx);
                foreach (var (n, v) in sql.Parameters) cmd.Parameters.AddWithValue(n, v);
                cmd.Parameters.AddWithValue("@n", limit);
                using (var r = cmd.ExecuteReader())
                    while (r.Read()) ids.Add(r.GetInt64(0));
                tx.Commit();
            }
            if (ids.Count == 0) return [];
            using var rows = new NpgsqlCommand(SelectMessage + " WHERE m.id = ANY(@ids) ORDER BY m.date DESC, m.id DESC", conn);
            rows.Parameters.AddWithValue("@ids", ids.ToArray());
            using var reader = rows.ExecuteReader();
            var list = new List<MessageRow>();
            while (reader.Read()) list.Add(ReadMessage(reader));
            return list;
        }
        catch (NpgsqlException e) { throw new StoreException($"{Display}: {e.Message}", e); }
    }

    public IReadOnlyList<ProblemRow> Problems(int limit) =>
        Rows("SELECT origin, locator, problem, at FROM problems ORDER BY id LIMIT @n",
            r => new ProblemRow(r.GetString(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3))),
            ("@n", limit));

    public StoreStats Stats() => StoreStats.Read(sql => Convert.ToInt64(Scalar(sql)));

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("KTRIAGE_PG_TIMING") == "1" && !readOnly)
            Console.Error.WriteLine($"postgres: check {PostgresIngestBatch.CheckSeconds:F2}s write {PostgresIngestBatch.WriteSeconds:F2}s (lock wait {PostgresIngestBatch.LockSeconds:F2}s)");
        source.Dispose();
    }
}
