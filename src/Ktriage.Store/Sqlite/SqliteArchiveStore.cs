using Ktriage.Core.Mail;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>The embedded default store: one SQLite file in WAL mode, so readers can query while an ingest runs.</summary>
public sealed partial class SqliteArchiveStore : IArchiveStore
{
    readonly SqliteConnection db;
    readonly FtsIndexer? fts;
    readonly bool readOnly;
    SqliteConnection? searchDb;
    public string Path { get; }

    SqliteArchiveStore(string path, SqliteConnection connection, FtsIndexer? indexer, bool readOnly)
    {
        Path = path;
        db = connection;
        fts = indexer;
        this.readOnly = readOnly;
    }

    static SqliteConnection NewConnection(string full, bool readOnly) => new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());

    internal static SqliteConnection OpenConnection(string full, bool readOnly)
    {
        var conn = NewConnection(full, readOnly);
        try
        {
            conn.Open();
            Exec(conn, "PRAGMA busy_timeout=60000;");
        }
        catch
        {
            conn.Dispose();
            throw;
        }
        return conn;
    }

    /// <summary>Opens (creating when needed) the database at <paramref name="path"/> and applies pending migrations.</summary>
    public static SqliteArchiveStore Open(string path, bool readOnly = false)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new StoreException($"{path}: is a directory, expected a database file");
        if (!readOnly) Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        else if (!File.Exists(full)) throw new StoreException($"{path}: no such database (run 'ktriage ingest' first)");
        var conn = NewConnection(full, readOnly);
        FtsIndexer? indexer = null;
        try
        {
            conn.Open();
            using (var check = conn.CreateCommand())
            {
                // Fails early with SQLITE_NOTADB on a file that is not a database.
                check.CommandText = "PRAGMA schema_version";
                check.ExecuteScalar();
            }
            Exec(conn, "PRAGMA busy_timeout=60000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-4096;");
            if (!readOnly)
            {
                // 64 KiB pages: raw messages are mostly 4-20 KiB blobs, which 4 KiB pages split into overflow chains
                // (measured on io-uring: 4.1 s → 1.2 s to store 269 MB). Only effective before the first table exists.
                if (Convert.ToInt64(Scalar(conn, "PRAGMA page_count")) == 0) Exec(conn, "PRAGMA page_size=65536;");
                // WAL + synchronous=NORMAL: a killed process never corrupts the file or loses a committed batch.
                Exec(conn, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
                // Again after page_size: on a new file the cache set above was sized in 4 KiB pages (1024 of them), which
                // became 1024 pages of 64 KiB = 64 MiB of native memory once the page size changed (measured: 62 MiB).
                Exec(conn, "PRAGMA cache_size=-8192;");
                Migrate(conn, path);
                if (Environment.GetEnvironmentVariable("KTRIAGE_SQLITE_PRAGMAS") is { Length: > 0 } extra) Exec(conn, extra);
                indexer = new FtsIndexer(full);
                indexer.Bind(conn);
                indexer.CatchUp(conn);
            }
        }
        catch (SqliteException e)
        {
            indexer?.Dispose();
            conn.Dispose();
            throw new StoreException($"{path}: cannot open database: {e.SqliteErrorCode switch { 26 => "file is not a database", _ => e.Message }}", e);
        }
        return new SqliteArchiveStore(full, conn, indexer, readOnly);
    }

    static void Migrate(SqliteConnection conn, string path)
    {
        var version = Convert.ToInt32(Scalar(conn, "PRAGMA user_version"));
        var migrations = SqliteSchema.Migrations;
        if (version > migrations.Length)
            throw new StoreException($"{path}: database schema {version} is newer than this ktriage ({migrations.Length}); upgrade ktriage");
        for (var v = version; v < migrations.Length; v++)
        {
            using var tx = conn.BeginTransaction(deferred: false);
            using (var cmd = conn.CreateCommand())
            {
                cmd.Transaction = tx;
                // Two processes opening a new database at once: the second gets the write lock after the first
                // migrated, so the version is read again under the lock ("table lists already exists" otherwise).
                cmd.CommandText = "PRAGMA user_version";
                var now = Convert.ToInt32(cmd.ExecuteScalar());
                if (now > v)
                {
                    tx.Commit();
                    v = now - 1;
                    continue;
                }
                cmd.CommandText = migrations[v] + $";PRAGMA user_version={v + 1};";
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    internal static void Exec(SqliteConnection conn, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection conn, string sql, params (string, object?)[] args)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return cmd.ExecuteScalar();
    }

    public string? GetCheckpoint(string origin) =>
        Scalar(db, "SELECT value FROM checkpoints WHERE origin=$o", ("$o", origin)) as string;

    /// <summary>Store-thread stage timers (KTRIAGE_INGEST_TIMING=1), or null when timing is off.</summary>
    public static string? TimingReport() => SqliteIngestBatch.Timing
        ? string.Join(" ", SqliteIngestBatch.Ticks.Select(kv => $"{kv.Key}={kv.Value / (double)System.Diagnostics.Stopwatch.Frequency:F2}s"))
          + $" sqlite-memory={SQLitePCL.raw.sqlite3_memory_used() >> 20}MiB (highwater {SQLitePCL.raw.sqlite3_memory_highwater(0) >> 20}MiB)"
        : null;

    /// <summary>SQLite memory of this store's connections (cache, schema, statements), for KTRIAGE_INGEST_TIMING.</summary>
    public string MemoryReport()
    {
        static string Of(string name, SqliteConnection c)
        {
            int Get(int op) { SQLitePCL.raw.sqlite3_db_status(c.Handle, op, out var cur, out _, 0); return cur >> 20; }
            return $"{name}: cache {Get(1)} MiB schema {Get(2)} MiB stmt {Get(3)} MiB";
        }
        return Of("main", db) + $" (cache_size {Scalar(db, "PRAGMA cache_size")} cache_spill {Scalar(db, "PRAGMA cache_spill")} page_size {Scalar(db, "PRAGMA page_size")})" + (fts is null ? "" : "; " + Of("fts", fts.Connection));
    }

    public IIngestBatch BeginBatch() =>
        new SqliteIngestBatch(db, fts ?? throw new StoreException($"{Path}: opened read-only, cannot ingest"), reportThreads);

    readonly Crashes.ReportThreads reportThreads = new();

    /// <summary>Waits until the full-text index has caught up with every committed batch.</summary>
    public void FlushIndex() => fts?.Flush();

    /// <summary>The connection searches run on: the main file with the full-text file attached as <c>fts</c>, or null when
    /// there is no index yet. A writable store searches on its own read connection: ATTACHing to the writing connection
    /// would make its write transactions lock the index file too, which the indexer thread writes.</summary>
    SqliteConnection? SearchConnection()
    {
        if (searchDb is not null) return searchDb;
        var ftsPath = FtsIndexer.PathFor(Path);
        if (!File.Exists(ftsPath)) return null;
        var conn = readOnly ? db : OpenConnection(Path, readOnly: true);
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "ATTACH DATABASE $f AS fts";
            cmd.Parameters.AddWithValue("$f", ftsPath);
            cmd.ExecuteNonQuery();
        }
        SqliteStemVariants.Register(conn);
        return searchDb = conn;
    }

    public void Dispose()
    {
        fts?.Dispose();
        if (searchDb is not null && searchDb != db) searchDb.Dispose();
        db.Dispose();
    }
}
