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
    readonly Dictionary<string, RawStatement> commands = [];
    readonly Dictionary<string, long> listIds = [];
    long nextTid, nextRowId;
    bool done;

    public SqliteIngestBatch(SqliteConnection db, FtsIndexer fts, Crashes.ReportThreads threads)
    {
        this.db = db;
        this.fts = fts;
        // IMMEDIATE: take the write lock now, so two ingests serialize instead of failing mid-batch.
        tx = db.BeginTransaction(deferred: false);
        nextTid = Convert.ToInt64(Cmd("SELECT coalesce(max(tid), 0) + 1 FROM ids").Scalar());
        // Ids are allocated here rather than read back with RETURNING, which cost ~0.4 ms per row through
        // Microsoft.Data.Sqlite's reader (14 s of a 33k-message ingest). The batch holds the write lock. From the
        // AUTOINCREMENT counter, not max(id): ids of deleted messages are never handed out again.
        nextRowId = Convert.ToInt64(Cmd("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name='messages'), 0) + 1").Scalar());
        reportThreads = threads.Get(ReadReportThreads);
    }

    /// <summary>Threads holding a crash report: their replies get a reply_texts row (Crashes/ReplyText.cs).</summary>
    readonly HashSet<long> reportThreads;

    List<long> ReadReportThreads()
    {
        using var c = db.CreateCommand();
        c.Transaction = tx;
        c.CommandText = Crashes.ReportThreads.Query;
        using var r = c.ExecuteReader();
        var list = new List<long>();
        while (r.Read()) list.Add(r.GetInt64(0));
        return list;
    }

    RawStatement Cmd(string sql)
    {
        if (commands.TryGetValue(sql, out var cmd)) return cmd;
        return commands[sql] = new RawStatement(db, sql);
    }

    long ListId(string name)
    {
        if (listIds.TryGetValue(name, out var id)) return id;
        Cmd("INSERT INTO lists(name) VALUES($p0) ON CONFLICT(name) DO NOTHING").Bind(name).Run();
        id = Convert.ToInt64(Cmd("SELECT id FROM lists WHERE name=$p0").Bind(name).Scalar());
        listIds[name] = id;
        return id;
    }

    public AddOutcome Add(Message m, RawMessage raw, string list, MessageFacts? facts = null)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var listId = ListId(list);
        if (Cmd("SELECT 1 FROM copies WHERE content_hash=$p0").Bind(m.ContentHash).Scalar() is not null)
            return AddOutcome.Duplicate;

        var existing = Cmd("SELECT id FROM messages WHERE message_id=$p0 AND body_hash=$p1").Bind(m.MessageId, m.BodyHash).Scalar();
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
            Cmd("""
                INSERT INTO messages(id, message_id, body_hash, synthetic_id, thread_id, list_id, subject, from_name, from_email,
                    to_addrs, cc_addrs, date, date_from_header, in_reply_to, refs)
                VALUES($p14,$p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7,$p8,$p9,$p10,$p11,$p12,$p13)
                """).Bind(m.MessageId, m.BodyHash, m.SyntheticId ? 1 : 0, tid, listId, m.Subject, m.From?.Name ?? "", m.From?.Email ?? "",
                string.Join(", ", m.To), string.Join(", ", m.Cc), m.Date.ToUnixTimeSeconds(), m.DateFromHeader ? 1 : 0,
                m.InReplyTo, string.Join(' ', m.References), rowId).Run();
            t0 = Mark("messages", t0);
            fts.Index(rowId, m);
            t0 = Mark("fts", t0);
            if (facts is not null) StoreFacts(rowId, facts);
            t0 = Mark("facts", t0);
            if (facts?.Crashes.Count > 0) reportThreads.Add(tid);
            if (m.InReplyTo is not null && reportThreads.Contains(tid) && Crashes.ReplyText.Row(m, facts) is { } reply)
                Cmd("INSERT INTO reply_texts(message, own, inline_subject, diff) VALUES($p0,$p1,$p2,$p3)").Bind(rowId, reply.Own, reply.InlineSubject, reply.Diff).Run();
            t0 = Mark("reply texts", t0);
            outcome = AddOutcome.Added;
        }
        Cmd("INSERT INTO copies(message, content_hash, list_id, origin, blob, git_commit, raw) VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p6)").Bind(rowId, m.ContentHash, listId, raw.Locator.Origin, raw.Locator.Blob, raw.Locator.Commit, raw.Bytes).Run();
        Mark("copies", t0);
        return outcome;
    }

    void StoreFacts(long rowId, MessageFacts facts)
    {
        if (facts.HasPatchFacts && facts.Patch is { } p)
        {
            Cmd("INSERT INTO patches(message, kind, version, counter, total, patch_id, info, description, in_words) VALUES($p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7,$p8)").Bind(rowId, p.Kind.ToString(), p.Subject.Version, p.Subject.Counter, p.Subject.Total, p.PatchId,
                facts.PatchJson, facts.Description, facts.InWords).Run();
            var file = Cmd("INSERT INTO patch_files(message, path) VALUES($p0,$p1)");
            foreach (var path in p.Files.SelectMany(f => new[] { f.OldPath, f.NewPath }).OfType<string>().Where(x => x != "/dev/null").Distinct())
                file.Bind(rowId, path).Run();
            var function = Cmd("INSERT INTO patch_functions(message, function) VALUES($p0,$p1)");
            foreach (var f in p.Functions.Distinct()) function.Bind(rowId, f).Run();
            var trailer = Cmd("INSERT INTO trailers(message, name, value, email) VALUES($p0,$p1,$p2,$p3)");
            foreach (var t in p.Trailers) trailer.Bind(rowId, t.Name, t.Value, t.Email?.ToLowerInvariant()).Run();
        }
        var crash = Cmd("INSERT INTO crash_reports(message, ord, title, type, report) VALUES($p0,$p1,$p2,$p3,$p4)");
        for (var i = 0; i < facts.Crashes.Count; i++)
        {
            var r = facts.Crashes[i];
            crash.Bind(rowId, i, r.Title, r.Type, facts.CrashJsons[i]).Run();
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
            if (lookup.Bind(id).Scalar() is { } t) { tids.Add(Convert.ToInt64(t)); known.Add(id); }
        }
        var tid = tids.Count > 0 ? tids.Min : nextTid++;
        foreach (var loser in tids.Where(t => t != tid))
        {
            if (reportThreads.Contains(loser)) reportThreads.Add(tid);
            Cmd("UPDATE ids SET tid=$p0 WHERE tid=$p1").Bind(tid, loser).Run();
            Cmd("UPDATE messages SET thread_id=$p0 WHERE thread_id=$p1").Bind(tid, loser).Run();
        }
        var insert = Cmd("INSERT INTO ids(mid, tid) VALUES($p0,$p1) ON CONFLICT(mid) DO NOTHING");
        foreach (var id in all)
            if (!known.Contains(id)) insert.Bind(id, tid).Run();
        return tid;
    }

    public AddOutcome Delete(Message m, RawMessage raw, string list)
    {
        // public-inbox deletes by content: the `d` blob is the message that was removed.
        var row = Cmd("SELECT message FROM copies WHERE content_hash=$p0").Bind(m.ContentHash).Scalar();
        if (row is null)
        {
            row = Cmd("SELECT id FROM messages WHERE message_id=$p0 AND body_hash=$p1").Bind(m.MessageId, m.BodyHash).Scalar();
            if (row is null) return AddOutcome.NotFound;
            Cmd("DELETE FROM copies WHERE message=$p0").Bind(row).Run();
        }
        else Cmd("DELETE FROM copies WHERE content_hash=$p0").Bind(m.ContentHash).Run();
        if (Cmd("SELECT 1 FROM copies WHERE message=$p0").Bind(row).Scalar() is null)
        {
            fts.Delete(Convert.ToInt64(row));
            Cmd("DELETE FROM messages WHERE id=$p0").Bind(row).Run();
        }
        return AddOutcome.Deleted;
    }

    public void Problem(RawMessage raw) =>
        Cmd("INSERT INTO problems(origin, locator, problem, at) VALUES($p0,$p1,$p2,$p3) ON CONFLICT(origin, locator) DO UPDATE SET problem=excluded.problem, at=excluded.at").Bind(raw.Locator.Origin, raw.Locator.ToString(), raw.Problem ?? "unreadable", DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Run();

    public void Resolved(SourceLocator locator) =>
        Cmd("DELETE FROM problems WHERE origin=$p0 AND locator=$p1").Bind(locator.Origin, locator.ToString()).Run();

    public void SetCheckpoint(string origin, string value) =>
        Cmd("INSERT INTO checkpoints(origin, value) VALUES($p0,$p1) ON CONFLICT(origin) DO UPDATE SET value=excluded.value").Bind(origin, value).Run();

    public void Commit()
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        tx.Commit();
        done = true;
        // Only now: the index commits what it was given for this batch, with indexed_upto.
        fts.Committed(nextRowId - 1);
        Mark("commit", t0);
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
