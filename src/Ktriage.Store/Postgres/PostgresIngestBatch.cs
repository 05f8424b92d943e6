using Ktriage.Core.Mail;
using Ktriage.Core.Search;
using Npgsql;
using NpgsqlTypes;

namespace Ktriage.Store.Postgres;

/// <summary>
/// One batch of an ingest against PostgreSQL. Several ingest processes may run at once, so the batch is built in memory
/// while the pipeline parses, and written in <see cref="Commit"/> in one transaction that first takes a cluster-wide
/// advisory lock: writes of concurrent workers serialise (threading merges ids across batches and must see every
/// earlier batch), parsing and understanding, the expensive part, run in parallel. No row lock is ever waited on
/// inside the lock, so there is nothing to deadlock on. Outcomes returned by <see cref="Add"/> are decided from
/// committed data plus the batch itself; the write re-checks everything, so a message another worker committed in
/// between is a copy or duplicate, never stored twice.
/// </summary>
internal sealed class PostgresIngestBatch(PostgresArchiveStore store) : IIngestBatch
{
    abstract record Op;
    /// <param name="Doc">the full-text document (PostgresTextIndex), built before the write lock; null for a copy of a
    /// known message (built in the write after all if that message was deleted meanwhile).</param>
    sealed record AddOp(Message Message, RawMessage Raw, string List, MessageFacts? Facts, (string Head, string Body)? Doc) : Op;
    sealed record DeleteOp(Message Message) : Op;
    sealed record ProblemOp(RawMessage Raw) : Op;
    sealed record ResolvedOp(SourceLocator Locator) : Op;

    readonly List<Op> ops = [];
    readonly Dictionary<string, string> checkpoints = [];
    readonly HashSet<string> hashes = [];
    readonly HashSet<(string, string)> messageKeys = [];
    NpgsqlConnection? reader;

    object? Read(string sql, params object?[] args)
    {
        reader ??= store.Connect();
        using var cmd = new NpgsqlCommand(sql, reader);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a ?? DBNull.Value });
        var r = cmd.ExecuteScalar();
        return r is DBNull ? null : r;
    }

    public AddOutcome Add(Message message, RawMessage raw, string list, MessageFacts? facts = null)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        try { return Check(message, raw, list, facts); }
        catch (NpgsqlException e) { throw new StoreException($"{store.Display}: {e.Message}", e); }
        finally { if (Timing) CheckSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds; }
    }

    AddOutcome Check(Message message, RawMessage raw, string list, MessageFacts? facts)
    {
        if (hashes.Contains(message.ContentHash)) return AddOutcome.Duplicate;
        // One round trip: 0 new, 1 a known message (new copy), 2 a known copy.
        var known = Convert.ToInt32(Read("""
            SELECT CASE WHEN EXISTS(SELECT 1 FROM copies WHERE content_hash=$1) THEN 2
                        WHEN EXISTS(SELECT 1 FROM messages WHERE message_id=$2 AND body_hash=$3) THEN 1 ELSE 0 END
            """, message.ContentHash, message.MessageId, message.BodyHash));
        if (known == 2) return AddOutcome.Duplicate;
        hashes.Add(message.ContentHash);
        var added = messageKeys.Add((message.MessageId, message.BodyHash)) && known == 0;
        // Splitting and stemming the text here keeps it out of the write phase, which concurrent workers take in turn.
        reader ??= store.Connect();
        ops.Add(new AddOp(message, raw, list, facts, added ? PostgresTextIndex.Document(reader, SearchFields.Of(message)) : null));
        return added ? AddOutcome.Added : AddOutcome.NewCopy;
    }

    public AddOutcome Delete(Message message, RawMessage raw, string list)
    {
        var known = messageKeys.Contains((message.MessageId, message.BodyHash))
            || Read("SELECT 1 FROM messages WHERE message_id=$1 AND body_hash=$2", message.MessageId, message.BodyHash) is not null;
        if (!known) return AddOutcome.NotFound;
        ops.Add(new DeleteOp(message));
        return AddOutcome.Deleted;
    }

    public void Problem(RawMessage raw) => ops.Add(new ProblemOp(raw));

    public void Resolved(SourceLocator locator) => ops.Add(new ResolvedOp(locator));

    public void SetCheckpoint(string origin, string value) => checkpoints[origin] = value;

    /// <summary>KTRIAGE_PG_TIMING=1: seconds spent checking (Add) and writing (Commit, incl. waiting for the lock).</summary>
    internal static double CheckSeconds, WriteSeconds, LockSeconds;
    static readonly bool Timing = Environment.GetEnvironmentVariable("KTRIAGE_PG_TIMING") == "1";

    public void Commit()
    {
        try { Write(); }
        catch (NpgsqlException e) { throw new StoreException($"{store.Display}: {e.Message}", e); }
    }

    void Write()
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        reader?.Dispose();
        reader = null;
        using var conn = store.Connect();
        using var tx = conn.BeginTransaction();
        // No time limit: another worker's batch may hold the lock for a while on a busy server.
        using (var wait = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.WriteLock})", conn, tx) { CommandTimeout = 0 })
            wait.ExecuteNonQuery();
        if (Timing) LockSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var w = new Writer(conn, tx, ops.Count(o => o is AddOp), store.ReportThreads);
        foreach (var op in ops)
        {
            switch (op)
            {
                case AddOp a: w.Add(a.Message, a.Raw, a.List, a.Facts, a.Doc); break;
                case DeleteOp d: w.Delete(d.Message); break;
                case ProblemOp p: w.Problem(p.Raw); break;
                case ResolvedOp r: w.Resolved(r.Locator); break;
            }
        }
        foreach (var (origin, value) in checkpoints)
            w.Run("INSERT INTO checkpoints(origin, value) VALUES($1,$2) ON CONFLICT(origin) DO UPDATE SET value=excluded.value", origin, value);
        w.Flush();
        tx.Commit();
        if (Timing) WriteSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        store.Added += ops.Count(o => o is AddOp);
        ops.Clear();
        checkpoints.Clear();
    }

    public void Dispose()
    {
        // Nothing was written before Commit: an abandoned batch leaves no trace.
        reader?.Dispose();
        reader = null;
    }

    /// <summary>The write phase, inside the transaction and the advisory lock. Writes are queued and sent together
    /// (one round trip) before the next read; message and thread ids are taken from their sequences up front, so
    /// storing one message costs one lookup and one batch of writes.</summary>
    sealed class Writer
    {
        readonly NpgsqlConnection conn;
        readonly NpgsqlTransaction tx;
        readonly Dictionary<string, long> listIds = [];
        readonly Queue<long> messageIds, threadIds;
        NpgsqlBatch pending;

        public Writer(NpgsqlConnection conn, NpgsqlTransaction tx, int adds, Crashes.ReportThreads threads)
        {
            this.conn = conn;
            this.tx = tx;
            pending = new NpgsqlBatch(conn, tx) { Timeout = 0 };
            messageIds = new Queue<long>(Longs("SELECT nextval('messages_id_seq') FROM generate_series(1, $1)", adds));
            threadIds = new Queue<long>(Longs("SELECT nextval('thread_ids') FROM generate_series(1, $1)", adds));
            reportThreads = threads.Get(() => Longs(Crashes.ReportThreads.Query));
        }

        /// <summary>Threads holding a crash report: their replies get a reply_texts row (Crashes/ReplyText.cs).</summary>
        readonly HashSet<long> reportThreads;

        static void Bind(NpgsqlParameterCollection ps, object?[] args)
        {
            foreach (var a in args)
                ps.Add(a is string s ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = s } : new NpgsqlParameter { Value = a ?? DBNull.Value });
        }

        NpgsqlCommand Cmd(string sql, object?[] args)
        {
            Flush();
            var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
            Bind(cmd.Parameters, args);
            return cmd;
        }

        /// <summary>Queues a write.</summary>
        public void Run(string sql, params object?[] args)
        {
            var c = new NpgsqlBatchCommand(sql);
            Bind(c.Parameters, args);
            pending.BatchCommands.Add(c);
        }

        public void Flush()
        {
            if (pending.BatchCommands.Count == 0) return;
            pending.ExecuteNonQuery();
            pending.Dispose();
            pending = new NpgsqlBatch(conn, tx) { Timeout = 0 };
        }

        object? One(string sql, params object?[] args)
        {
            using var c = Cmd(sql, args);
            var r = c.ExecuteScalar();
            return r is DBNull ? null : r;
        }

        List<long> Longs(string sql, params object?[] args)
        {
            using var c = Cmd(sql, args);
            using var r = c.ExecuteReader();
            var list = new List<long>();
            while (r.Read()) list.Add(r.GetInt64(0));
            return list;
        }

        long ListId(string name)
        {
            if (listIds.TryGetValue(name, out var id)) return id;
            Run("INSERT INTO lists(name) VALUES($1) ON CONFLICT(name) DO NOTHING", name);
            return listIds[name] = Convert.ToInt64(One("SELECT id FROM lists WHERE name=$1", name));
        }

        public void Add(Message m, RawMessage raw, string list, MessageFacts? facts, (string Head, string Body)? doc)
        {
            var listId = ListId(list);
            var all = ThreadIds(m);
            // One lookup: is the copy known (c), the message (m), which of its ids have a thread (i).
            bool copyKnown = false;
            long? existing = null;
            var tids = new SortedSet<long>();
            var known = new HashSet<string>();
            using (var c = Cmd("""
                SELECT 'c', NULL, 0 FROM copies WHERE content_hash=$1
                UNION ALL SELECT 'm', NULL, id FROM messages WHERE message_id=$2 AND body_hash=$3
                UNION ALL SELECT 'i', mid, tid FROM ids WHERE mid = ANY($4)
                """, [m.ContentHash, m.MessageId, m.BodyHash, all]))
            using (var r = c.ExecuteReader())
                while (r.Read())
                    switch (r.GetString(0))
                    {
                        case "c": copyKnown = true; break;
                        case "m": existing = r.GetInt64(2); break;
                        default: known.Add(r.GetString(1)); tids.Add(r.GetInt64(2)); break;
                    }
            if (copyKnown) return;
            long rowId;
            if (existing is { } e) rowId = e;
            else
            {
                var tid = AssignThread(all, tids, known);
                rowId = messageIds.Dequeue();
                Run("""
                    INSERT INTO messages(id, message_id, body_hash, synthetic_id, thread_id, list_id, subject, from_name, from_email,
                        to_addrs, cc_addrs, date, date_from_header, in_reply_to, refs)
                    VALUES($15,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
                    """,
                    m.MessageId, m.BodyHash, m.SyntheticId, tid, listId, Clean(m.Subject), Clean(m.From?.Name ?? ""), Clean(m.From?.Email ?? ""),
                    Clean(string.Join(", ", m.To)), Clean(string.Join(", ", m.Cc)), m.Date.ToUnixTimeSeconds(), m.DateFromHeader,
                    m.InReplyTo is null ? null : Clean(m.InReplyTo), Clean(string.Join(' ', m.References)), rowId);
                var (head, body) = doc ?? PostgresTextIndex.Document(conn, SearchFields.Of(m));
                Run("INSERT INTO message_doc(message, date, head, body) VALUES($1, $2, $3::tsvector, $4::tsvector)", rowId, m.Date.ToUnixTimeSeconds(), head, body);
                if (facts is not null) StoreFacts(rowId, facts);
                if (facts?.Crashes.Count > 0) reportThreads.Add(tid);
                if (m.InReplyTo is not null && reportThreads.Contains(tid) && Crashes.ReplyText.Row(m, facts) is { } reply)
                    Run("INSERT INTO reply_texts(message, own, inline_subject, diff) VALUES($1,$2,$3,$4)", rowId, reply.Own, reply.InlineSubject, reply.Diff);
            }
            Run("INSERT INTO copies(message, content_hash, list_id, origin, blob, git_commit, raw) VALUES($1,$2,$3,$4,$5,$6,$7)",
                rowId, m.ContentHash, listId, raw.Locator.Origin, raw.Locator.Blob, raw.Locator.Commit, raw.Bytes);
        }

        /// <summary>PostgreSQL text cannot hold NUL; mail occasionally does (the raw bytes keep it).</summary>
        static string Clean(string s) => s.Contains('\0') ? s.Replace("\0", "") : s;

        void StoreFacts(long rowId, MessageFacts facts)
        {
            if (facts.HasPatchFacts && facts.Patch is { } p)
            {
                Run("INSERT INTO patches(message, kind, version, counter, total, patch_id, info, description, in_words) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                    rowId, p.Kind.ToString(), p.Subject.Version, p.Subject.Counter, p.Subject.Total, p.PatchId, Clean(facts.PatchJson),
                    facts.Description is null ? null : Clean(facts.Description), facts.InWords);
                foreach (var path in p.Files.SelectMany(f => new[] { f.OldPath, f.NewPath }).OfType<string>().Where(x => x != "/dev/null").Distinct())
                    Run("INSERT INTO patch_files(message, path) VALUES($1,$2)", rowId, Clean(path));
                foreach (var f in p.Functions.Distinct()) Run("INSERT INTO patch_functions(message, function) VALUES($1,$2)", rowId, Clean(f));
                foreach (var t in p.Trailers)
                    Run("INSERT INTO trailers(message, name, value, email) VALUES($1,$2,$3,$4)", rowId, Clean(t.Name), Clean(t.Value), t.Email is null ? null : Clean(t.Email.ToLowerInvariant()));
            }
            for (var i = 0; i < facts.Crashes.Count; i++)
            {
                var r = facts.Crashes[i];
                // jsonb refuses \u0000 as well.
                Run("INSERT INTO crash_reports(message, ord, title, type, report) VALUES($1,$2,$3,$4,$5::jsonb)",
                    rowId, i, Clean(r.Title), r.Type, facts.CrashJsons[i].Replace("\\u0000", ""));
            }
        }

        static string[] ThreadIds(Message m)
        {
            var all = new List<string>(1 + m.OtherIds.Count + m.References.Count) { m.MessageId };
            all.AddRange(m.OtherIds);
            all.AddRange(m.References);
            return all.Select(Clean).Distinct().ToArray();
        }

        /// <summary>Union of the message's ids and references into one thread, as public-inbox's tid (and the SQLite
        /// store): the oldest thread wins and the others are relabelled; missing referenced ids become ghosts.</summary>
        long AssignThread(string[] all, SortedSet<long> tids, HashSet<string> known)
        {
            var tid = tids.Count > 0 ? tids.Min : threadIds.Dequeue();
            foreach (var loser in tids.Where(t => t != tid))
            {
                if (reportThreads.Contains(loser)) reportThreads.Add(tid);
                Run("UPDATE ids SET tid=$1 WHERE tid=$2", tid, loser);
                Run("UPDATE messages SET thread_id=$1 WHERE thread_id=$2", tid, loser);
            }
            var missing = all.Where(id => !known.Contains(id)).ToArray();
            if (missing.Length > 0) Run("INSERT INTO ids(mid, tid) SELECT unnest($1::text[]), $2 ON CONFLICT(mid) DO NOTHING", missing, tid);
            return tid;
        }

        public void Delete(Message m)
        {
            // public-inbox deletes by content: the `d` blob is the message that was removed.
            var row = One("SELECT message FROM copies WHERE content_hash=$1", m.ContentHash);
            if (row is null)
            {
                row = One("SELECT id FROM messages WHERE message_id=$1 AND body_hash=$2", m.MessageId, m.BodyHash);
                if (row is null) return;
                Run("DELETE FROM copies WHERE message=$1", row);
            }
            else Run("DELETE FROM copies WHERE content_hash=$1", m.ContentHash);
            if (One("SELECT 1 FROM copies WHERE message=$1", row) is null) Run("DELETE FROM messages WHERE id=$1", row);
        }

        public void Problem(RawMessage raw) =>
            Run("INSERT INTO problems(origin, locator, problem, at) VALUES($1,$2,$3,$4) ON CONFLICT(origin, locator) DO UPDATE SET problem=excluded.problem, at=excluded.at",
                raw.Locator.Origin, raw.Locator.ToString(), raw.Problem ?? "unreadable", DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        public void Resolved(SourceLocator locator) =>
            Run("DELETE FROM problems WHERE origin=$1 AND locator=$2", locator.Origin, locator.ToString());
    }
}
