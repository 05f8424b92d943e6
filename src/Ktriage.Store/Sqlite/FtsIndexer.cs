using System.Collections.Concurrent;
using Ktriage.Core.Mail;
using Ktriage.Core.Search;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>The full-text index lives in its own database file (<c>&lt;db&gt;.fts</c>) written by its own thread, so
/// FTS5 tokenizing runs beside the store thread instead of on it. The store thread queues rows in message order, then,
/// AFTER its own batch committed, a "committed up to id N" marker: the indexer commits its transaction together with
/// <c>indexed_upto = N</c>. The index therefore never holds a row main has not committed, and a kill -9 between the
/// two commits leaves messages with id &gt; indexed_upto unindexed, which <see cref="CatchUp"/> re-indexes from their
/// raw copies on the next writable open. Message ids are never reused (AUTOINCREMENT), and readers join hits to
/// <c>messages</c>, so rows of deleted messages whose deletion reached main but not the index are invisible.</summary>
internal sealed class FtsIndexer : IDisposable
{
    /// <summary>Bump when columns or tokenizer change: an index of another version is dropped and rebuilt from the raw
    /// copies (<see cref="Bind"/>, then <see cref="CatchUp"/>).</summary>
    const string IndexVersion = "3";

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS fts_meta(key TEXT PRIMARY KEY, value NOT NULL);
        -- Contentless: the text lives in copies.raw of the main database; the index only needs to answer MATCH.
        -- One column per field of the search language (public-inbox's prefixes, see SearchFields). detail=full: phrases
        -- ("use after free", dfn:fs/io_uring.c) need positions. Words as written, no stemming: a phrase's words
        -- match as written, like public-inbox's; plain words are stemmed at query time (SqliteStemVariants: fixes ~ fixed).
        -- '_' is part of a word: nfsd_file_put is one term.
        CREATE VIRTUAL TABLE IF NOT EXISTS message_fts USING fts5(subject, author, to_addr, cc_addr, nq, quoted, dfn, dfa, dfb, dfhh, dfctx, fn,
            content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0 tokenchars ''_''');
        """;

    /// <summary>Set once when the index is (re)built (<see cref="Bind"/>; FTS5 keeps them in its config table): leaf pages
    /// of 16 KB instead of 4 KB and merges of 8 segments instead of 4 cut indexing io-uring's CPU by ~20% (FTS5 alone
    /// 5.2 → 4.2 s); a query reads a few more segments (bench/search.sh).</summary>
    const string Tuning = """
        INSERT INTO message_fts(message_fts, rank) VALUES('pgsz', 16000);
        INSERT INTO message_fts(message_fts, rank) VALUES('automerge', 8);
        """;

    /// <summary>The FTS5 column of one search field.</summary>
    public static string ColumnOf(TextField field) => field switch
    {
        TextField.Subject => "subject",
        TextField.From => "author",
        TextField.To => "to_addr",
        TextField.Cc => "cc_addr",
        TextField.NonQuoted => "nq",
        TextField.Quoted => "quoted",
        TextField.DiffFile => "dfn",
        TextField.DiffRemoved => "dfa",
        TextField.DiffAdded => "dfb",
        TextField.DiffHunk => "dfhh",
        TextField.DiffContext => "dfctx",
        TextField.FileName => "fn",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a single field"),
    };

    abstract record Op;
    // The fields are split on the indexer thread (SearchFields.Of), off the store thread.
    sealed record IndexOp(long RowId, Message Message) : Op
    {
        /// <summary>The message's text size in chars, for the queue's memory bound.</summary>
        public readonly long Chars = Message.Body.Length + Message.Attachments.Sum(a => (long)a.Text.Length);
    }
    sealed record DeleteOp(long RowId) : Op;
    sealed record CommitOp(long Upto) : Op;
    sealed record RollbackOp : Op;
    sealed record FlushOp(ManualResetEventSlim Done) : Op;

    readonly SqliteConnection db;
    // Bounded: message texts waiting here are the only memory this adds; the store thread blocks when the index lags,
    // after 256 operations or 4 Mi chars of text, whichever comes first (256 big patch mails would fill ingest's GC
    // heap limit, shared with the parse workers, and fail the index thread).
    readonly BlockingCollection<Op> queue = new(new ConcurrentQueue<Op>(), 256);
    readonly SizeBudget queuedText = new(4 << 20);
    readonly Thread thread;
    SqliteTransaction? tx;
    RawStatement? insert;
    SqliteCommand? delete;
    volatile Exception? failure;

    internal SqliteConnection Connection => db;

    public static string PathFor(string mainPath) => mainPath + ".fts";

    public FtsIndexer(string mainPath)
    {
        db = SqliteArchiveStore.OpenConnection(PathFor(mainPath), readOnly: false);
        SqliteArchiveStore.Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8192;");
        SqliteArchiveStore.Exec(db, Schema);
        thread = new Thread(Run) { IsBackground = true, Name = "ktriage-fts" };
        thread.Start();
    }

    /// <summary>Binds the index to one main database (a random token kept in both): an index left over from a deleted
    /// or replaced database would hold rows for ids the new one reuses, so it is emptied instead.</summary>
    public void Bind(SqliteConnection main)
    {
        // Two processes opening a new database at once both find no token: the first one's insert wins.
        SqliteArchiveStore.Exec(main, $"INSERT INTO meta(key, value) VALUES('fts_token', '{Guid.NewGuid():N}') ON CONFLICT(key) DO NOTHING");
        var token = (string)SqliteArchiveStore.Scalar(main, "SELECT value FROM meta WHERE key='fts_token'")!;
        bool Current(SqliteTransaction? tx = null)
        {
            using var c = db.CreateCommand();
            c.Transaction = tx;
            c.CommandText = "SELECT count(*) FROM fts_meta WHERE (key='token' AND value=$t) OR (key='version' AND value=$v)";
            c.Parameters.AddWithValue("$t", token);
            c.Parameters.AddWithValue("$v", IndexVersion);
            return Convert.ToInt64(c.ExecuteScalar()) == 2;
        }
        if (Current()) return;
        using var t = db.BeginTransaction();
        if (Current(t)) return; // another process rebuilt it while this one waited for the write lock
        SqliteArchiveStore.Exec(db, "DROP TABLE message_fts; DELETE FROM fts_meta;", t);
        SqliteArchiveStore.Exec(db, Schema, t);
        SqliteArchiveStore.Exec(db, Tuning, t);
        SqliteArchiveStore.Exec(db, $"INSERT INTO fts_meta(key, value) VALUES('token', '{token}'), ('version', '{IndexVersion}')", t);
        t.Commit();
    }

    public long IndexedUpto() =>
        Convert.ToInt64(SqliteArchiveStore.Scalar(db, "SELECT coalesce((SELECT value FROM fts_meta WHERE key='indexed_upto'), 0)"));

    void Post(Op op)
    {
        if (failure is { } f) throw new StoreException($"full-text index: {f.Message}", f);
        if (op is IndexOp i) queuedText.Enter(i.Chars);
        queue.Add(op);
    }

    public void Index(long rowId, Message message) => Post(new IndexOp(rowId, message));
    public void Delete(long rowId) => Post(new DeleteOp(rowId));
    /// <summary>Main committed every message with id ≤ <paramref name="upto"/>: commit what was queued before.</summary>
    public void Committed(long upto) => Post(new CommitOp(upto));
    /// <summary>Main rolled back: forget what was queued since the last commit.</summary>
    public void RolledBack() => Post(new RollbackOp());

    /// <summary>Waits until everything queued so far is applied (and committed, if it was followed by a marker).</summary>
    public void Flush()
    {
        using var done = new ManualResetEventSlim();
        Post(new FlushOp(done));
        done.Wait();
        if (failure is { } f) throw new StoreException($"full-text index: {f.Message}", f);
    }

    void Run()
    {
        foreach (var op in queue.GetConsumingEnumerable())
        {
            if (op is FlushOp flush) { flush.Done.Set(); continue; }
            if (failure is not null) { if (op is IndexOp skipped) queuedText.Leave(skipped.Chars); continue; }
            try { Apply(op); }
            catch (Exception e)
            {
                failure = e;
                try { tx?.Rollback(); } catch { /* already failed */ }
                EndTransaction();
            }
        }
    }

    void Apply(Op op)
    {
        switch (op)
        {
            case IndexOp i:
                Begin();
                try { Insert(i); }
                catch (OutOfMemoryException)
                {
                    // Ingest's heap limit (IngestMemory) is shared with the parse workers: a big message may meet a full
                    // heap here (splitting it into fields). Collect and try once more, as they do.
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    Insert(i);
                }
                finally { queuedText.Leave(i.Chars); }
                break;
            case DeleteOp d:
                Begin();
                delete!.Parameters[0].Value = d.RowId;
                delete.ExecuteNonQuery();
                break;
            case CommitOp c:
                Begin();
                using (var cmd = db.CreateCommand())
                {
                    cmd.Transaction = tx;
                    cmd.CommandText = "INSERT INTO fts_meta(key, value) VALUES('indexed_upto', $u) ON CONFLICT(key) DO UPDATE SET value=max(value, excluded.value)";
                    cmd.Parameters.AddWithValue("$u", c.Upto);
                    cmd.ExecuteNonQuery();
                }
                tx!.Commit();
                EndTransaction();
                break;
            case RollbackOp:
                tx?.Rollback();
                EndTransaction();
                break;
        }
    }

    void Insert(IndexOp i)
    {
        var values = new object?[SearchFields.Columns.Length + 1];
        values[0] = i.RowId;
        var n = 1;
        foreach (var (_, text) in SearchFields.Of(i.Message).All) values[n++] = text;
        insert!.Bind(values).Run();
    }

    void Begin()
    {
        if (tx is not null) return;
        tx = db.BeginTransaction(deferred: false);
        // Through SQLitePCLRaw (it runs in the connection's transaction): texts are bound as UTF-16 and converted in
        // SQLite's own memory, not copied into the GC heap as UTF-8 first.
        var columns = SearchFields.Columns.Select(ColumnOf).ToList();
        insert = new RawStatement(db, $"INSERT INTO message_fts(rowid, {string.Join(", ", columns)}) VALUES({string.Join(",", Enumerable.Range(0, columns.Count + 1).Select(i => "$p" + i))})");
        delete = db.CreateCommand();
        delete.Transaction = tx;
        delete.CommandText = "DELETE FROM message_fts WHERE rowid=$p0";
        delete.Parameters.Add(new SqliteParameter("$p0", null));
    }

    void EndTransaction()
    {
        insert?.Dispose();
        delete?.Dispose();
        tx?.Dispose();
        insert = null;
        delete = null;
        tx = null;
    }

    /// <summary>Indexes every message of <paramref name="main"/> with an id above indexed_upto (committed in main while
    /// the index was not: the process died between the two commits), re-reading the text from its first raw copy.</summary>
    public int CatchUp(SqliteConnection main)
    {
        var upto = IndexedUpto();
        var max = Convert.ToInt64(SqliteArchiveStore.Scalar(main, "SELECT coalesce(max(id), 0) FROM messages"));
        if (max <= upto) return 0;
        var n = 0;
        using (var cmd = main.CreateCommand())
        {
            cmd.CommandText = "SELECT m.id, (SELECT c.raw FROM copies c WHERE c.message = m.id ORDER BY c.id LIMIT 1) FROM messages m WHERE m.id > $u ORDER BY m.id";
            cmd.Parameters.AddWithValue("$u", upto);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (r.IsDBNull(1)) continue;
                var m = MailParser.Parse(RawMessage.Of((byte[])r.GetValue(1), new SourceLocator("catch-up")));
                Index(r.GetInt64(0), m);
                n++;
            }
        }
        Committed(max);
        Flush();
        return n;
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        thread.Join();
        try { tx?.Rollback(); } catch { /* nothing committed past the last marker */ }
        EndTransaction();
        queue.Dispose();
        db.Dispose();
    }
}
