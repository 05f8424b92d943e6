using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ktriage.Store.Sqlite;

/// <summary>
/// A prepared statement driven through SQLitePCLRaw, the binding Microsoft.Data.Sqlite itself sits on, for the ingest
/// hot path: about 15 statements run per stored message, and SqliteCommand's per-execution work (parameters looked up
/// by name, a data reader for every scalar) cost more than SQLite's own. Parameters are positional: $p0, $p1, …
/// It runs on the connection's handle, so it takes part in the connection's current transaction.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    readonly sqlite3 db;
    readonly sqlite3_stmt stmt;
    readonly int[] slots;
    readonly string sql;

    public RawStatement(SqliteConnection connection, string sql)
    {
        db = connection.Handle ?? throw new InvalidOperationException("connection is not open");
        this.sql = sql;
        Check(raw.sqlite3_prepare_v2(db, sql, out stmt));
        var count = raw.sqlite3_bind_parameter_count(stmt);
        slots = new int[count];
        for (var i = 0; i < count; i++)
        {
            slots[i] = raw.sqlite3_bind_parameter_index(stmt, "$p" + i);
            if (slots[i] == 0) throw new ArgumentException($"statement parameters must be $p0..$p{count - 1}: {sql}");
        }
    }

    public RawStatement Bind(params object?[] values)
    {
        if (values.Length != slots.Length) throw new ArgumentException($"{slots.Length} parameters expected, {values.Length} given: {sql}");
        for (var i = 0; i < values.Length; i++)
        {
            var slot = slots[i];
            Check(values[i] switch
            {
                null or DBNull => raw.sqlite3_bind_null(stmt, slot),
                long l => raw.sqlite3_bind_int64(stmt, slot, l),
                int n => raw.sqlite3_bind_int64(stmt, slot, n),
                bool b => raw.sqlite3_bind_int64(stmt, slot, b ? 1 : 0),
                // As UTF-16: SQLite converts it in its own (native) memory. Through a managed UTF-8 copy, a message's
                // facts JSON (tens of MiB for a hostile one) could exceed the ingest's GC heap limit on the store thread.
                string s => raw.sqlite3_bind_text16(stmt, slot, s.AsSpan()),
                byte[] bytes => raw.sqlite3_bind_blob(stmt, slot, bytes),
                var other => throw new ArgumentException($"cannot bind {other.GetType().Name}"),
            });
        }
        return this;
    }

    /// <summary>Runs the statement to completion; returns the number of rows it changed.</summary>
    public int Run()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW) { }
            if (rc != raw.SQLITE_DONE) Check(rc);
            return raw.sqlite3_changes(db);
        }
        finally { raw.sqlite3_reset(stmt); }
    }

    /// <summary>The first column of the first row (long, string, byte[] or null), or null when there is no row.</summary>
    public object? Scalar()
    {
        try
        {
            var rc = raw.sqlite3_step(stmt);
            if (rc == raw.SQLITE_DONE) return null;
            if (rc != raw.SQLITE_ROW) Check(rc);
            return raw.sqlite3_column_type(stmt, 0) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, 0),
                raw.SQLITE_NULL => null,
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(stmt, 0).ToArray(),
                _ => raw.sqlite3_column_text(stmt, 0).utf8_to_string(),
            };
        }
        finally { raw.sqlite3_reset(stmt); }
    }

    void Check(int rc)
    {
        if (rc is raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE) return;
        throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}' in {sql}", rc, raw.sqlite3_extended_errcode(db));
    }

    public void Dispose() => stmt.Dispose();
}
