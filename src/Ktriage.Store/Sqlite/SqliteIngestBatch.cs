using System.Text.Json;
using Ktriage.Core.Mail;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>One write transaction. Statements are prepared once per batch: ingest runs thousands of messages through it.</summary>
internal sealed class SqliteIngestBatch : IIngestBatch
{
    /// <summary>KTRIAGE_INGEST_TIMING=1: per-stage store-thread timers, printed by the ingest pipeline.</summary>
    public static readonly bool Timing = Environment.GetEnvironmentVariable("KTRIAGE_INGEST_TIMING") == "1";
    public static readonly Dictionary<string, long> Ticks = [];
    static long Mark(string stage, long since)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (Timing) { Ticks.TryGetValue(stage, out var t); Ticks[stage] = t + now - since; }
        return now;
    }

    readonly SqliteConnection db;
    readonly FtsIndexer fts;
    readonly SqliteTransaction tx;
    readonly Dictionary<string, SqliteCommand> commands = [];
    readonly Dictionary<string, long> listIds = [];
    long nextTid, nextRowId;
    bool done;

    public SqliteIngestBatch(SqliteConnection db, FtsIndexer fts)
    {
        this.db = db;
        this.fts = fts;
        // IMMEDIATE: take the write lock now, so two ingests serialize instead of failing mid-batch.
        tx = db.BeginTransaction(deferred: false);
        nextTid = Convert.ToInt64(Cmd("SELECT coalesce(max(tid), 0) + 1 FROM ids").ExecuteScalar());
        // Ids are allocated here rather than read back with RETURNING, which cost ~0.4 ms per row through
        // Microsoft.Data.Sqlite's reader (14 s of a 33k-message ingest). The batch holds the write lock. From the
        // AUTOINCREMENT counter, not max(id): ids of deleted messages are never handed out again.
        nextRowId = Convert.ToInt64(Cmd("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name='messages'), 0) + 1").ExecuteScalar());
    }

    SqliteCommand Cmd(string sql)
    {
        if (commands.TryGetValue(sql, out var cmd)) return cmd;
        cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        commands[sql] = cmd;
        return cmd;
    }

    static SqliteCommand Bind(SqliteCommand cmd, params object?[] values)
    {
        if (cmd.Parameters.Count != values.Length)
        {
            cmd.Parameters.Clear();
            for (var i = 0; i < values.Length; i++) cmd.Parameters.Add(new SqliteParameter($"$p{i}", null));
        }
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd;
    }

    long ListId(string name)
    {
        if (listIds.TryGetValue(name, out var id)) return id;
        Bind(Cmd("INSERT INTO lists(name) VALUES($p0) ON CONFLICT(name) DO NOTHING"), name).ExecuteNonQuery();
        id = Convert.ToInt64(Bind(Cmd("SELECT id FROM lists WHERE name=$p0"), name).ExecuteScalar());
        listIds[name] = id;
        return id;
    }

    public AddOutcome Add(Message m, RawMessage raw, string list, MessageFacts? facts = null)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var listId = ListId(list);
        if (Bind(Cmd("SELECT 1 FROM copies WHERE content_hash=$p0"), m.ContentHash).ExecuteScalar() is not null)
            return AddOutcome.Duplicate;

        var existing = Bind(Cmd("SELECT id FROM messages WHERE message_id=$p0 AND body_hash=$p1"), m.MessageId, m.BodyHash).ExecuteScalar();
        AddOutcome outcome;
        long rowId;
        t0 = Mark("dedup", t0);
        if (existing is not null)
        {
            rowId = Convert.ToInt64(existing);
            outcome = AddOutcome.NewCopy;
        }
        else
        {
            var tid = AssignThread(m);
            t0 = Mark("thread", t0);
            rowId = nextRowId++;
            Bind(Cmd("""
                INSERT INTO messages(id, message_id, body_hash, synthetic_id, thread_id, list_id, subject, from_name, from_email,
                    to_addrs, cc_addrs, date, date_from_header, in_reply_to, refs)
                VALUES($p14,$p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7,$p8,$p9,$p10,$p11,$p12,$p13)
                """),
                m.MessageId, m.BodyHash, m.SyntheticId ? 1 : 0, tid, listId, m.Subject, m.From?.Name ?? "", m.From?.Email ?? "",
                string.Join(", ", m.To), string.Join(", ", m.Cc), m.Date.ToUnixTimeSeconds(), m.DateFromHeader ? 1 : 0,
                m.InReplyTo, string.Join(' ', m.References), rowId).ExecuteNonQuery();
            t0 = Mark("messages", t0);
            fts.Index(rowId, m);
            t0 = Mark("fts", t0);
            if (facts is not null) StoreFacts(rowId, facts);
            t0 = Mark("facts", t0);
            outcome = AddOutcome.Added;
        }
        Bind(Cmd("INSERT INTO copies(message, content_hash, list_id, origin, blob, git_commit, raw) VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p6)"),
            rowId, m.ContentHash, listId, raw.Locator.Origin, raw.Locator.Blob, raw.Locator.Commit, raw.Bytes).ExecuteNonQuery();
        Mark("copies", t0);
        return outcome;
    }

    void StoreFacts(long rowId, MessageFacts facts)
    {
        if (facts.HasPatchFacts && facts.Patch is { } p)
        {
            Bind(Cmd("INSERT INTO patches(message, kind, version, counter, total, patch_id, info) VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p6)"),
                rowId, p.Kind.ToString(), p.Subject.Version, p.Subject.Counter, p.Subject.Total, p.PatchId,
                facts.PatchJson).ExecuteNonQuery();
            var file = Cmd("INSERT INTO patch_files(message, path) VALUES($p0,$p1)");
            foreach (var path in p.Files.SelectMany(f => new[] { f.OldPath, f.NewPath }).OfType<string>().Where(x => x != "/dev/null").Distinct())
                Bind(file, rowId, path).ExecuteNonQuery();
            var function = Cmd("INSERT INTO patch_functions(message, function) VALUES($p0,$p1)");
            foreach (var f in p.Functions.Distinct()) Bind(function, rowId, f).ExecuteNonQuery();
            var trailer = Cmd("INSERT INTO trailers(message, name, value, email) VALUES($p0,$p1,$p2,$p3)");
            foreach (var t in p.Trailers) Bind(trailer, rowId, t.Name, t.Value, t.Email?.ToLowerInvariant()).ExecuteNonQuery();
        }
        var crash = Cmd("INSERT INTO crash_reports(message, ord, title, type, report) VALUES($p0,$p1,$p2,$p3,$p4)");
        for (var i = 0; i < facts.Crashes.Count; i++)
        {
            var r = facts.Crashes[i];
            Bind(crash, rowId, i, r.Title, r.Type, facts.CrashJsons[i]).ExecuteNonQuery();
        }
    }

    /// <summary>Union of the message's ids and references into one thread, as public-inbox's tid: the oldest
    /// thread wins and the others are relabelled. Referenced-but-missing ids become ghosts (ids rows only).</summary>
    long AssignThread(Message m)
    {
        var all = new List<string>(1 + m.OtherIds.Count + m.References.Count) { m.MessageId };
        all.AddRange(m.OtherIds);
        all.AddRange(m.References);
        var tids = new SortedSet<long>();
        var known = new HashSet<string>();
        var lookup = Cmd("SELECT tid FROM ids WHERE mid=$p0");
        foreach (var id in all)
        {
            if (Bind(lookup, id).ExecuteScalar() is { } t) { tids.Add(Convert.ToInt64(t)); known.Add(id); }
        }
        var tid = tids.Count > 0 ? tids.Min : nextTid++;
        foreach (var loser in tids.Where(t => t != tid))
        {
            Bind(Cmd("UPDATE ids SET tid=$p0 WHERE tid=$p1"), tid, loser).ExecuteNonQuery();
            Bind(Cmd("UPDATE messages SET thread_id=$p0 WHERE thread_id=$p1"), tid, loser).ExecuteNonQuery();
        }
        var insert = Cmd("INSERT INTO ids(mid, tid) VALUES($p0,$p1) ON CONFLICT(mid) DO NOTHING");
        foreach (var id in all)
            if (!known.Contains(id)) Bind(insert, id, tid).ExecuteNonQuery();
        return tid;
    }

    public AddOutcome Delete(Message m, RawMessage raw, string list)
    {
        // public-inbox deletes by content: the `d` blob is the message that was removed.
        var row = Bind(Cmd("SELECT message FROM copies WHERE content_hash=$p0"), m.ContentHash).ExecuteScalar();
        if (row is null)
        {
            row = Bind(Cmd("SELECT id FROM messages WHERE message_id=$p0 AND body_hash=$p1"), m.MessageId, m.BodyHash).ExecuteScalar();
            if (row is null) return AddOutcome.NotFound;
            Bind(Cmd("DELETE FROM copies WHERE message=$p0"), row).ExecuteNonQuery();
        }
        else Bind(Cmd("DELETE FROM copies WHERE content_hash=$p0"), m.ContentHash).ExecuteNonQuery();
        if (Bind(Cmd("SELECT 1 FROM copies WHERE message=$p0"), row).ExecuteScalar() is null)
        {
            fts.Delete(Convert.ToInt64(row));
            Bind(Cmd("DELETE FROM messages WHERE id=$p0"), row).ExecuteNonQuery();
        }
        return AddOutcome.Deleted;
    }

    public void Problem(RawMessage raw) =>
        Bind(Cmd("INSERT INTO problems(origin, locator, problem, at) VALUES($p0,$p1,$p2,$p3) ON CONFLICT(origin, locator) DO UPDATE SET problem=excluded.problem, at=excluded.at"),
            raw.Locator.Origin, raw.Locator.ToString(), raw.Problem ?? "unreadable", DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ExecuteNonQuery();

    public void SetCheckpoint(string origin, string value) =>
        Bind(Cmd("INSERT INTO checkpoints(origin, value) VALUES($p0,$p1) ON CONFLICT(origin) DO UPDATE SET value=excluded.value"), origin, value).ExecuteNonQuery();

    public void Commit()
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        tx.Commit();
        // Only now: the index commits what it was given for this batch, with indexed_upto.
        fts.Committed(nextRowId - 1);
        Mark("commit", t0);
        done = true;
    }

    public void Dispose()
    {
        foreach (var c in commands.Values) c.Dispose();
        if (!done)
        {
            tx.Rollback();
            fts.RolledBack();
        }
        tx.Dispose();
    }
}
