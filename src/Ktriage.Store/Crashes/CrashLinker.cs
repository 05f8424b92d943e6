using System.Collections.Concurrent;
using System.Data.Common;
using Ktriage.Core;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;

namespace Ktriage.Store.Crashes;

/// <summary>
/// One recomputation of the crash knowledge base (see <see cref="CrashKnowledge.RefreshCrashLinks"/>): reads reports,
/// clusters them, gathers and scores candidate fixes, writes the tables. Plain ADO.NET on either store; the few
/// things SQL cannot say the same way on both are the <see cref="CrashDialect"/>'s. Cluster ids are the id of each
/// cluster's first report, so they stay stable as long as that report does.
/// </summary>
internal sealed partial class CrashLinker(DbConnection db, DbTransaction tx, CrashDialect dialect) : IDisposable
{
    const int MaxFixesPerCluster = 40;
    const int MaxFileCandidates = 80;
    const int SubsystemWindowDays = 7;

    static readonly JsonSerializerOptions Json = StoreJson.Options;
    sealed record Msg(long Id, string MessageId, long Thread, string? InReplyTo, string FromName, string FromEmail, DateTimeOffset Date, string Subject);

    /// <param name="List">the list of the report's message (only reports need theirs: candidate fixes are read by the thousand).</param>
    sealed record Rep(long Id, Msg Message, string List, ReportFacts Report, IReadOnlyList<NormalizedFrame> Frames, BotReport? Bot, string? BotId);

    /// <summary>What linking reads of a report once its frames are normalised (the whole report, registers, code
    /// bytes and all, stayed in the heap for the refresh).</summary>
    sealed record ReportFacts(string Title, List<string> AltTitles, string Type, bool Corrupted, string? GuiltyFile, string? KernelVersion);

    sealed record Member(Rep Rep, Placement Placement);

    readonly ConcurrentDictionary<long, Msg> messages = [];
    // KTRIAGE_LINK_TIMING=1 prints where the time goes (stderr): thread time summed over the workers.
    readonly PhaseTimes times = new();
    int parses, evaluated;
    long parseAllocated, replyVisits;
    readonly OnceCache<long, SearchText> fullTexts = new();

    // Clusters are computed on several threads (CrashLinker.Parallel.cs); the one connection is used by one at a time.
    // Only database work happens under this lock (no cache look-ups, which may wait for another thread's database work).
    readonly Lock dbLock = new();

    /// <summary>Holds the connection for one thread (<c>using (Db("db: what")) { … }</c>), timing the wait and the use.</summary>
    DbTurn Db(string what) => new(dbLock, times, what);

    // Prepared once per recomputation: preparing statements again for every cluster was a third of the time.
    readonly Dictionary<string, DbCommand> commands = [];

    /// <summary>A prepared command; call it inside <see cref="Db"/> and read its results before letting go.</summary>
    DbCommand Cmd(string sql)
    {
        // Parameters are kept and given new values (Bind): Npgsql keeps the parameters it resolved for a command text, and
        // a cleared and refilled collection left its prepared statements running with the old values.
        if (commands.TryGetValue(sql, out var c)) return c;
        c = db.CreateCommand();
        c.Transaction = tx;
        c.CommandText = sql;
        return commands[sql] = c;
    }

    public void Dispose()
    {
        foreach (var c in commands.Values) c.Dispose();
        recent.Dispose();
        recentNext.Dispose();
    }

    const string MsgColumns = "m.id, m.message_id, m.thread_id, m.in_reply_to, m.from_name, m.from_email, m.date, m.subject";
    const int MsgColumnCount = 8;

    static Msg ReadMsg(DbDataReader r, int o = 0) => new(r.GetInt64(o), r.GetString(o + 1), r.GetInt64(o + 2),
        r.IsDBNull(o + 3) ? null : r.GetString(o + 3), r.GetString(o + 4), r.GetString(o + 5).ToLowerInvariant(),
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(o + 6)), r.GetString(o + 7));

    Msg? GetMessage(long id)
    {
        if (messages.TryGetValue(id, out var m)) return m;
        using (Db("db: message"))
        {
            var c = Cmd($"SELECT {MsgColumns} FROM messages m WHERE m.id = @id");
            c.Bind("@id", id);
            using var r = c.ExecuteReader();
            return r.Read() ? CachedMsg(r) : null;
        }
    }

    List<Msg> ThreadOf(long thread)
    {
        using (Db("db: thread"))
        {
            var c = Cmd($"SELECT {MsgColumns} FROM messages m WHERE m.thread_id = @t ORDER BY m.date, m.id");
            c.Bind("@t", thread);
            using var r = c.ExecuteReader();
            var list = new List<Msg>();
            while (r.Read()) list.Add(CachedMsg(r));
            return list;
        }
    }

    // The texts derived from one message (own words, commit message, full text, inline subject, inline diff) are
    // asked for one after the other while a candidate is evaluated: each thread keeps its last few parses.
    readonly ThreadLocal<(long Id, Message? Message)[]> recent = new(() => new (long, Message?)[4]);
    readonly ThreadLocal<int> recentNext = new();

    Message? Parse(long id)
    {
        var ring = recent.Value!;
        foreach (var (rid, rm) in ring)
            if (rid == id && rm is not null) return rm;
        byte[]? raw;
        using (Db("db: raw"))
        {
            var c = Cmd("SELECT raw FROM copies WHERE message = @m ORDER BY id LIMIT 1");
            c.Bind("@m", id);
            raw = c.ExecuteScalar() as byte[];
        }
        if (raw is null) return null;
        Interlocked.Increment(ref parses);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Message? m;
        try { m = MailParser.Parse(raw); } catch (Exception) { m = null; }
        Interlocked.Add(ref parseAllocated, GC.GetAllocatedBytesForCurrentThread() - allocated);
        ring[recentNext.Value++ % ring.Length] = (id, m);
        return m;
    }

    /// <summary>What the linker keeps of a reply: what its own words say (<see cref="ReplySays"/>), the commit
    /// message part of its own words when it carries a diff (the message of a diff posted as a reply), its inline
    /// patch subject and diff. Not the own words themselves: they were the largest cache, and pushed the heap of an
    /// ingest's link phase into full collections; the few asked again are read again (<see cref="TestedBySender"/>).</summary>
    /// <param name="Own">the own words when they came from a parse (a reply ingest stored none for, or an older
    /// database): reading them again would be another parse.</param>
    sealed record ReplyFacts(ReplySays Says, string? OwnCommit, string? InlineSubject, InlineDiff? Diff, string? Own);

    readonly OnceCache<long, ReplyFacts> replies = new();
    int storedReplies, skippedTexts;

    /// <summary>A pure function of the message, whichever cluster asks first: clusters are computed in any order.</summary>
    ReplyFacts Reply(Msg msg) => replies.Get(msg.Id, _ =>
    {
        var text = ReplyTextOf(msg, out var stored);
        if (stored) Interlocked.Increment(ref storedReplies);
        var own = text.Own;
        var ok = SyzbotTestedOk().Match(own) is { Success: true } m ? m.Value : null;
        var head = ok is not null && TestedCommit().Match(own) is { Success: true } h ? h.Groups[1].Value : null;
        var says = new ReplySays(LinkText.FixReferences(own), LinkText.SyzFixTitles(own), ok, head);
        var diff = StoredDiff(msg.Id) || (msg.InReplyTo is not null && text.Diff is not null);
        return new ReplyFacts(says, diff ? OwnCommitOf(own) : null, text.InlineSubject, text.Diff, stored ? null : own);
    });

    /// <summary>A reply's <see cref="ReplyText"/>: as ingest stored it, or else computed from the raw copy.</summary>
    /// <param name="stored">whether it was stored.</param>
    ReplyText ReplyTextOf(Msg msg, out bool stored)
    {
        var id = msg.Id;
        stored = false;
        if (!LinkSchedule.Current.IgnoreStored)
            using (Db("db: reply text"))
            {
                var c = Cmd("SELECT own, inline_subject, diff FROM reply_texts WHERE message = @m");
                c.Bind("@m", id);
                using var r = c.ExecuteReader();
                if (r.Read())
                {
                    stored = true;
                    return ReplyText.FromRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));
                }
            }
        return Parse(id) is { } m ? ReplyText.Of(m, msg.InReplyTo is null || StoredDiff(id)) : new ReplyText("", null, null);
    }

    /// <summary>Null when the stored diff facts stand: a top-level message, a reply with stored facts, no diff in the text.</summary>
    InlineDiff? InlineDiffOf(Msg m) => m.InReplyTo is null || StoredDiff(m.Id) ? null : Reply(m).Diff;

    /// <summary>Subject and whole text, whitespace collapsed and lower-cased, for "does it name the crash".</summary>
    SearchText FullText(long id) => fullTexts.Get(id, id => new SearchText(Parse(id) is { } m ? InWords.Collapse(m.Subject, " ", m.AllText) : ""));

    /// <summary>A text kept for substring searches, ASCII texts (nearly all mail) as bytes: half the memory of a string,
    /// and these are the linker's largest cache.</summary>
    sealed class SearchText
    {
        readonly string? text;
        readonly byte[]? ascii;

        public SearchText(string s)
        {
            if (!System.Text.Ascii.IsValid(s)) { text = s; return; }
            ascii = new byte[s.Length];
            System.Text.Ascii.FromUtf16(s, ascii, out _);
        }

        public int Length => text?.Length ?? ascii!.Length;

        /// <summary>string.Contains(<paramref name="value"/>, Ordinal): an ASCII text contains only ASCII strings.</summary>
        public bool Contains(string value)
        {
            if (text is not null) return text.Contains(value, StringComparison.Ordinal);
            if (!System.Text.Ascii.IsValid(value)) return false;
            Span<byte> bytes = value.Length <= 256 ? stackalloc byte[value.Length] : new byte[value.Length];
            System.Text.Ascii.FromUtf16(value, bytes, out _);
            return ascii.AsSpan().IndexOf(bytes) >= 0;
        }
    }

    /// <summary>What ingest stored of a patch for linking: its commit message (patches.description) and the words that
    /// follow " in " in its text (patches.in_words, <see cref="InWords"/>); null where it did not (no patches row, a
    /// database of before those columns, too many words).</summary>
    sealed record StoredPatchText(string? Description, string? InWords);

    readonly OnceCache<long, StoredPatchText> storedPatchTexts = new();

    StoredPatchText StoredPatch(long id) => storedPatchTexts.Get(id, id =>
    {
        using (Db("db: commit message"))
        {
            var c = Cmd("SELECT description, in_words FROM patches WHERE message = @m");
            c.Bind("@m", id);
            using var r = c.ExecuteReader();
            return r.Read() ? new StoredPatchText(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) || LinkSchedule.Current.IgnoreStored ? null : r.GetString(1))
                : new StoredPatchText(null, null);
        }
    });

    readonly OnceCache<long, string> commitMessages = new();

    /// <summary>A patch's explanation, as stored at ingest (patches.description); parsed again only for messages
    /// stored before that column existed, or without a patches row.</summary>
    string CommitMessage(long id) => commitMessages.Get(id, id => StoredPatch(id).Description ?? LinkText.CommitMessage(Parse(id)?.Body ?? ""));

    static string OwnCommitOf(string own) => own.IndexOf("diff --git", StringComparison.Ordinal) is var cut and >= 0 ? own[..cut] : own;

    readonly OnceCache<long, string> ownCommits = new();

    /// <summary>The explanation of a patch sent as a reply: its own words up to the diff. Kept with the reply when it
    /// carries a diff; a reply without one is a candidate fix only rarely (named by a Closes: tag, pointed to).</summary>
    string OwnCommitText(Msg m) => Reply(m).OwnCommit ?? ownCommits.Get(m.Id, _ => OwnCommitOf(OwnWords(m)));

    /// <summary>A reply's own words, again.</summary>
    string OwnWords(Msg m) => Reply(m).Own ?? ReplyTextOf(m, out _).Own;

    readonly OnceCache<long, int> seriesTotals = new();

    int SeriesTotal(long id) => seriesTotals.Get(id, id =>
    {
        using (Db("db: series"))
        {
            var c = Cmd("SELECT total FROM patches WHERE message = @m");
            c.Bind("@m", id);
            return c.ExecuteScalar() is { } n and not DBNull ? Convert.ToInt32(n) : 1;
        }
    });

    /// <param name="upto">null: recompute everything; else the last message id the stored results saw.</param>
    public void Run(long? upto)
    {
        var timing = Environment.GetEnvironmentVariable("KTRIAGE_LINK_TIMING") == "1";
        var liveBefore = timing ? GC.GetTotalMemory(true) : 0;
        var cpu = timing ? System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime : default;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var (gc0, gc1, gc2, paused, allocated) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
        var reports = LoadReports();
        var members = new Dictionary<int, List<Member>>();
        foreach (var rep in reports)
        {
            var p = clusterer.Add(new CrashItem(rep.Id, rep.Message.Id, rep.Message.Thread, rep.Message.InReplyTo is not null,
                rep.Report.Title, rep.Report.AltTitles, rep.Report.Corrupted || rep.Report.Title.EndsWith(" in corrupted", StringComparison.Ordinal),
                rep.BotId, rep.Frames));
            if (!members.TryGetValue(p.Cluster, out var list)) members[p.Cluster] = list = [];
            list.Add(new Member(rep, p));
        }
        var closes = LoadCloses();
        var groups = members.Values.ToList();
        if (upto is null)
        {
            foreach (var sql in new[] { "DELETE FROM fix_links", "DELETE FROM cluster_members", "DELETE FROM crash_clusters" })
                Cmd(sql).ExecuteNonQuery();
            DeleteMatchKeys(null);
        }
        else
        {
            var (stale, changed) = Affected(groups, upto.Value);
            foreach (var id in stale)
            {
                DeleteMatchKeys(id);
                foreach (var sql in new[] { "DELETE FROM fix_links WHERE cluster = @id", "DELETE FROM cluster_members WHERE cluster = @id", "DELETE FROM crash_clusters WHERE id = @id" })
                {
                    var c = Cmd(sql);
                    c.Bind("@id", id);
                    c.ExecuteNonQuery();
                }
            }
            groups = changed;
        }
        var threads = ComputeAndWrite(groups, closes);
        if (LinkSchedule.Current.Counts is { } counts)
            (counts.Parses, counts.StoredReplies, counts.SkippedTexts) = (parses, storedReplies, skippedTexts);
        if (timing)
            Console.Error.WriteLine($"links: {members.Count} clusters, {groups.Count} recomputed on {threads} threads, {parses} parses, {evaluated} candidates, {replyVisits} replies read (of {replies.Count}), " +
                $"{storedReplies} reply texts as stored, {skippedTexts} texts not read for titles, {wall.Elapsed.TotalSeconds:F2} s (process CPU {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s); thread time {times}; cached chars: own commit {replies.Values.Sum(x => (long)(x.OwnCommit?.Length ?? 0)) >> 20}M/{replies.Count} " +
                $"full {fullTexts.Values.Sum(x => (long)x.Length) >> 20}M/{fullTexts.Count} commit {commitMessages.Values.Sum(x => (long)x.Length) >> 20}M/{commitMessages.Count} in-words {storedPatchTexts.Values.Sum(x => (long)(x.InWords?.Length ?? 0)) >> 20}M " +
                $"msgs {messages.Count} functions {functionsCache.Count} files {filesCache.Count} trailers {trailersCache.Count}; " +
                $"GC heap {GC.GetTotalMemory(false) >> 20} MiB, collections {GC.CollectionCount(0) - gc0}/{GC.CollectionCount(1) - gc1}/{GC.CollectionCount(2) - gc2}, " +
                $"paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2} s, allocated {(GC.GetTotalAllocatedBytes() - allocated) >> 20} MiB ({parseAllocated >> 20} MiB parsing), live before {liveBefore >> 20} MiB, after {GC.GetTotalMemory(true) >> 20} MiB");
    }

    static long ClusterId(List<Member> group) => group.First(m => m.Placement.CopyOf is null).Rep.Id;

    /// <summary>
    /// Which stored clusters are stale (to delete) and which groups need computing, given the messages with ids
    /// above <paramref name="upto"/>. A group is computed again when its membership differs from what is stored,
    /// or when a new message can be evidence for it: a message in one of its threads or in a candidate fix's
    /// thread (replies, confirmations, reviews), a patch posted within its content window, a trailer naming its
    /// bot id, reporter or report, or the arrival of a fix it only knew by Message-ID.
    /// </summary>
    (List<long> Stale, List<List<Member>> Changed) Affected(List<List<Member>> groups, long upto)
    {
        var stored = new Dictionary<long, HashSet<(long, long?, string)>>();
        var c = Cmd("SELECT cluster, report, copy_of, reason FROM cluster_members");
        using (var r = c.ExecuteReader())
            while (r.Read())
            {
                if (!stored.TryGetValue(r.GetInt64(0), out var set)) stored[r.GetInt64(0)] = set = [];
                set.Add((r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3)));
            }

        var newThreads = new HashSet<long>();
        var newMessageIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        c = Cmd("SELECT thread_id, message_id FROM messages WHERE id > @u");
        c.Bind("@u", upto);
        using (var r = c.ExecuteReader())
            while (r.Read()) { newThreads.Add(r.GetInt64(0)); newMessageIds.Add(r.GetString(1)); }
        var newPatchDates = new List<long>();
        c = Cmd("SELECT m.date FROM messages m JOIN patches p ON p.message = m.id WHERE m.id > @u AND (p.kind IN ('Patch', 'PullRequest') OR EXISTS(SELECT 1 FROM patch_files f WHERE f.message = m.id))");
        c.Bind("@u", upto);
        using (var r = c.ExecuteReader())
            while (r.Read()) newPatchDates.Add(r.GetInt64(0));
        newPatchDates.Sort();
        var newEmails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        c = Cmd("SELECT email FROM trailers WHERE message > @u AND email IS NOT NULL");
        c.Bind("@u", upto);
        using (var r = c.ExecuteReader())
            while (r.Read()) newEmails.Add(r.GetString(0));
        var newCloses = LoadCloses(upto);
        // Per stored cluster: fixes known only by Message-ID, and the threads of its candidate fixes.
        var pendingFixes = new Dictionary<long, List<string>>();
        var fixThreads = new Dictionary<long, List<long>>();
        c = Cmd("SELECT fl.cluster, fl.message_id, m.thread_id FROM fix_links fl LEFT JOIN messages m ON m.id = fl.message");
        using (var r = c.ExecuteReader())
            while (r.Read())
            {
                if (r.IsDBNull(2)) Add(pendingFixes, r.GetInt64(0), r.GetString(1));
                else Add(fixThreads, r.GetInt64(0), r.GetInt64(2));
            }

        var changed = new List<List<Member>>();
        var keep = new HashSet<long>();
        foreach (var group in groups)
        {
            var id = ClusterId(group);
            var membership = group.Select(m => (m.Rep.Id, m.Placement.CopyOf, m.Placement.Reason)).ToHashSet();
            if (stored.TryGetValue(id, out var old) && old.SetEquals(membership))
            {
                var reports = group.Where(m => m.Placement.CopyOf is null).Select(m => m.Rep).ToList();
                var from = reports.Min(r => r.Message.Date).AddDays(-1).ToUnixTimeSeconds();
                var to = reports.Max(r => r.Message.Date).AddDays(EvidenceWeights.ContentWindowDays).ToUnixTimeSeconds();
                var lo = newPatchDates.BinarySearch(from);
                if (lo < 0) lo = ~lo;
                var evidence = group.Any(m => newThreads.Contains(m.Rep.Message.Thread))
                    || (lo < newPatchDates.Count && newPatchDates[lo] <= to)
                    || group.Any(m => m.Rep.BotId is { } b && (newEmails.Contains($"syzbot+{b}@syzkaller.appspotmail.com") || newCloses.ContainsKey(b)))
                    || reports.Any(r => r.Bot is null && newEmails.Contains(r.Message.FromEmail))
                    || group.Any(m => newCloses.ContainsKey(m.Rep.Message.MessageId))
                    || (pendingFixes.TryGetValue(id, out var pending) && pending.Any(newMessageIds.Contains))
                    || (fixThreads.TryGetValue(id, out var threads) && threads.Any(newThreads.Contains));
                if (!evidence) { keep.Add(id); continue; }
            }
            changed.Add(group);
        }
        return (stored.Keys.Where(id => !keep.Contains(id)).ToList(), changed);
    }

    static void Add<T>(Dictionary<long, List<T>> map, long key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    List<Rep> LoadReports()
    {
        var c = Cmd($"""
            SELECT cr.id, cr.report, {MsgColumns}, m.to_addrs || ' ' || m.cc_addrs, (SELECT l.name FROM lists l WHERE l.id = m.list_id)
            FROM crash_reports cr JOIN messages m ON m.id = cr.message ORDER BY m.date, m.id, cr.ord
            """);
        using var r = c.ExecuteReader();
        var list = new List<Rep>();
        while (r.Read())
        {
            var m = ReadMsg(r, 2);
            messages.TryAdd(m.Id, m);
            var report = JsonSerializer.Deserialize<CrashReport>(r.GetString(1), Json)!;
            if (IsListing(m, report)) continue;
            var bot = Bots.FromSender(m.FromEmail);
            var botId = bot?.Id ?? Bots.SyzbotId(m.FromEmail, r.GetString(2 + MsgColumnCount), null);
            list.Add(new Rep(r.GetInt64(0), m, r.GetString(3 + MsgColumnCount),
                new ReportFacts(report.Title, report.AltTitles, report.Type, report.Corrupted, report.GuiltyFile, report.KernelVersion),
                CrashFrames.Normalize(report), bot, botId));
        }
        return list;
    }

    /// <summary>
    /// A line naming a crash is not a report: syzbot's monthly summaries (sent from syzbot+list…@, one line per
    /// open bug with a "(N)" recurrence suffix) come out of the analyzer as stackless reports. Without a crash
    /// site or any frame, such titles are mentions and are left out of clusters.
    /// </summary>
    static bool IsListing(Msg m, CrashReport report) =>
        report.CrashSite is null && report.Frames.Count == 0
        && (m.FromEmail.StartsWith("syzbot+list", StringComparison.Ordinal) || report.Title.EndsWith(" (NUM)", StringComparison.Ordinal));

    /// <summary>Closes:/Link: trailers by what they point at: a Message-ID or a syzbot extid → messages.</summary>
    /// <param name="after">only trailers of messages with a larger id.</param>
    Dictionary<string, List<(long Message, string Trailer)>> LoadCloses(long after = 0)
    {
        var map = new Dictionary<string, List<(long, string)>>(StringComparer.OrdinalIgnoreCase);
        var c = Cmd("SELECT message, name, value FROM trailers WHERE message > @after AND lower(name) IN ('closes', 'link', 'buglink')");
        c.Bind("@after", after);
        using var r = c.ExecuteReader();
        while (r.Read())
        {
            var value = r.GetString(2);
            var keys = Bots.SyzbotIds(value).ToList();
            if (value.Contains('@')) keys.Add(Core.Mail.MessageIds.Normalize(Uri.UnescapeDataString(value.TrimEnd('/').Split('/').Last(p => p.Contains('@')))));
            foreach (var k in keys)
            {
                if (!map.TryGetValue(k, out var l)) map[k] = l = [];
                l.Add((r.GetInt64(0), $"{r.GetString(1)}: {value}"));
            }
        }
        return map;
    }

    /// <summary>A cluster's rows, computed by <see cref="Compute"/> on any thread and written by <see cref="Write"/>
    /// in cluster order, so that the tables come out the same however many threads computed them.</summary>
    sealed record ClusterResult(List<Member> Group, long Id, string Title, string AltTitles, string Type, string? Bot, string BotIds,
        DateTimeOffset First, DateTimeOffset Last, int Reports, string Lists, string KeyFunctions, string? GuiltyFile, List<LinkRow> Links);

    sealed record LinkRow(string MessageId, long? Message, string? Subject, long? Date, double Score, string Evidence, string Signals);

    ClusterResult Compute(List<Member> group, Dictionary<string, List<(long Message, string Trailer)>> closes)
    {
        var reports = group.Where(m => m.Placement.CopyOf is null).Select(m => m.Rep).ToList();
        var lead = reports.FirstOrDefault(r => !r.Report.Corrupted) ?? reports[0];
        var clusterId = reports[0].Id;
        var altTitles = reports.SelectMany(r => r.Report.AltTitles.Prepend(r.Report.Title)).Distinct().Where(t => t != lead.Report.Title).ToList();
        var botIds = group.Select(m => m.Rep.BotId).OfType<string>().Distinct().ToList();
        var bot = reports.Select(r => r.Bot?.Bot).FirstOrDefault(b => b is not null);
        var lists = group.Select(m => m.Rep.List).Distinct().Order().ToList();
        var keyFunctions = CrashFrames.KeyFunctions(lead.Frames, lead.Report.Title);
        var guilty = reports.Select(r => r.Report.GuiltyFile).FirstOrDefault(f => f is not null);
        var first = reports.Min(r => r.Message.Date);
        var last = reports.Max(r => r.Message.Date);

        // Human reporters: whoever sent a report (not a quoted copy). Bots are matched by their bug id instead.
        var reporterEmails = new HashSet<string>(reports.Where(r => r.Bot is null).Select(r => r.Message.FromEmail)
            .Where(e => e.Contains('@') && !e.EndsWith(".invalid", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        var facts = new CrashFacts(lead.Report.Title, altTitles, keyFunctions, guilty, first,
            new HashSet<string>(group.Select(m => m.Rep.Message.MessageId), StringComparer.OrdinalIgnoreCase),
            group.Select(m => m.Rep.Message.Thread).ToHashSet(), reporterEmails, botIds.ToHashSet(),
            reports.Select(r => r.Message.Date).Distinct().Order().ToList(),
            reports.Select(r => new ReportKernel(r.Message.Date, r.Report.KernelVersion)).ToList());
        var reporterNames = reports.Where(r => r.Bot is null).Select(r => r.Message.FromName).Where(n => n.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new ClusterResult(group, clusterId, lead.Report.Title, JsonSerializer.Serialize(altTitles), lead.Report.Type, bot,
            JsonSerializer.Serialize(botIds), first, last, reports.Count, JsonSerializer.Serialize(lists), JsonSerializer.Serialize(keyFunctions),
            guilty, LinkFixes(facts, reporterNames, closes));
    }

    void Write(ClusterResult cluster)
    {
        using var _ = times.Time("insert");
        using (Db("db: write"))
        {
            var c = Cmd("""
                INSERT INTO crash_clusters(id, title, alt_titles, type, bot, bot_ids, first_seen, last_seen, reports, copies, lists, key_functions, guilty_file)
                VALUES(@id, @title, @alt, @type, @bot, @botIds, @first, @last, @reports, @copies, @lists, @key, @guilty)
                """);
            c.Bind("@id", cluster.Id);
            c.Bind("@title", cluster.Title);
            c.Bind("@alt", cluster.AltTitles);
            c.Bind("@type", cluster.Type);
            c.Bind("@bot", (object?)cluster.Bot ?? DBNull.Value);
            c.Bind("@botIds", cluster.BotIds);
            c.Bind("@first", cluster.First.ToUnixTimeSeconds());
            c.Bind("@last", cluster.Last.ToUnixTimeSeconds());
            c.Bind("@reports", cluster.Reports);
            c.Bind("@copies", cluster.Group.Count - cluster.Reports);
            c.Bind("@lists", cluster.Lists);
            c.Bind("@key", cluster.KeyFunctions);
            c.Bind("@guilty", (object?)cluster.GuiltyFile ?? DBNull.Value);
            c.ExecuteNonQuery();

            var insertMember = Cmd("INSERT INTO cluster_members(report, cluster, message, copy_of, reason, bot, bot_id) VALUES(@r, @c, @m, @copy, @reason, @bot, @botId)");
            foreach (var m in cluster.Group)
            {
                insertMember.Bind("@r", m.Rep.Id);
                insertMember.Bind("@c", cluster.Id);
                insertMember.Bind("@m", m.Rep.Message.Id);
                insertMember.Bind("@copy", (object?)m.Placement.CopyOf ?? DBNull.Value);
                insertMember.Bind("@reason", m.Placement.Reason);
                insertMember.Bind("@bot", (object?)m.Rep.Bot?.Bot ?? DBNull.Value);
                insertMember.Bind("@botId", (object?)m.Rep.BotId ?? DBNull.Value);
                insertMember.ExecuteNonQuery();
            }

            StoreMatchKeys(cluster.Id, cluster.Group[0].Placement.Cluster);

            var insert = Cmd("""
                INSERT INTO fix_links(cluster, message_id, message, subject, date, score, evidence, signals)
                VALUES(@c, @mid, @m, @s, @d, @score, @ev, @sig)
                """);
            foreach (var link in cluster.Links)
            {
                insert.Bind("@c", cluster.Id);
                insert.Bind("@mid", link.MessageId);
                insert.Bind("@m", (object?)link.Message ?? DBNull.Value);
                insert.Bind("@s", (object?)link.Subject ?? DBNull.Value);
                insert.Bind("@d", (object?)link.Date ?? DBNull.Value);
                insert.Bind("@score", link.Score);
                insert.Bind("@ev", link.Evidence);
                insert.Bind("@sig", link.Signals);
                insert.ExecuteNonQuery();
            }
        }
    }

    sealed class Cand(string messageId)
    {
        public string MessageId { get; } = messageId;
        public Msg? Msg { get; set; }
        public string? ReferencedBy { get; set; }
        /// <summary>For a fix known only by reference: when the reply named it.</summary>
        public DateTimeOffset? ReferencedOn { get; set; }
        public string? SyzFix { get; set; }
        public string? ConfirmedSibling { get; set; }
        public string? TestedHead { get; set; }
        public List<Confirmation> Confirmations { get; } = [];
    }

    List<LinkRow> LinkFixes(CrashFacts facts, HashSet<string> reporterNames, Dictionary<string, List<(long Message, string Trailer)>> closes)
    {
        var cands = new Dictionary<string, Cand>(StringComparer.OrdinalIgnoreCase);
        Cand Add(Msg m)
        {
            if (!cands.TryGetValue(m.MessageId, out var c)) cands[m.MessageId] = c = new Cand(m.MessageId) { Msg = m };
            return c;
        }
        var windowEnd = facts.ReportDates!.Max().AddDays(EvidenceWeights.ContentWindowDays).ToUnixTimeSeconds();
        var start = facts.FirstSeen.AddDays(-1).ToUnixTimeSeconds();

        // Thread: every message with a diff in the report threads; replies give confirmations, references, #syz fix.
        var confirmedPatches = new List<Msg>();
        var phase = times.Time("thread");
        foreach (var thread in facts.Threads)
        {
            var msgs = ThreadOf(thread);
            Interlocked.Add(ref replyVisits, msgs.Count(m => m.InReplyTo is not null));
            var byId = msgs.GroupBy(m => m.MessageId).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            var withDiff = msgs.Where(HasDiff).ToList();
            foreach (var m in withDiff) Add(m);
            foreach (var reply in msgs.Where(m => m.InReplyTo is not null))
            {
                var said = Said(reply);
                foreach (var r in said.References)
                {
                    if (facts.ReportMessageIds.Contains(r.MessageId) || r.MessageId == reply.MessageId) continue;
                    var target = FindByMessageId(r.MessageId);
                    var c = target is not null ? Add(target) : cands.TryGetValue(r.MessageId, out var x) ? x : cands[r.MessageId] = new Cand(r.MessageId);
                    c.ReferencedBy ??= $"{Who(reply)} pointed to it in the report thread: \"{Clip(r.Context, 100)}\"";
                    c.ReferencedOn ??= reply.Date;
                }
                foreach (var title in said.SyzFixTitles)
                    foreach (var target in FindBySubjectTitle(title))
                        Add(target).SyzFix ??= $"{Who(reply)}: #syz fix: {title}";
                // syzbot tested a tree ("#syz test: git://… branch") and the crash is gone: the tree's head commit,
                // when it is a patch posted here, is probably the fix (or one just before it).
                if (said.TestedHead is { } head && head.TrimEnd('.').Trim() is { Length: >= 20 } prefix)
                    foreach (var target in FindBySubjectTitle(prefix).Where(t => t.Date <= reply.Date).TakeLast(1))
                        Add(target).TestedHead ??= $"syzbot tested a tree at \"{head.Trim()}\" and the reproducer did not trigger";
                // Who does the reply confirm? The nearest patch it (transitively) answers.
                var confirmation = ConfirmationIn(reply, said, facts, reporterNames);
                if (confirmation is null) continue;
                var parent = reply.InReplyTo is { } p ? byId.GetValueOrDefault(p) : null;
                for (var hops = 0; parent is not null && hops < 10; hops++)
                {
                    if (withDiff.Contains(parent))
                    {
                        Add(parent).Confirmations.Add(confirmation);
                        confirmedPatches.Add(parent);
                        break;
                    }
                    parent = parent.InReplyTo is { } pp ? byId.GetValueOrDefault(pp) : null;
                }
            }
        }

        phase.Dispose();
        phase = times.Time("content");
        // Content: top-level patches touching the crash's functions or guilty file, after the report, within the window.
        // In SQLite's order for the former IN/DISTINCT query (functions sorted, then insertion order), so that ties
        // at the candidate limit fall the same way.
        var seen = new HashSet<long>();
        foreach (var f in facts.KeyFunctions.Distinct().Order(StringComparer.Ordinal))
            foreach (var (m, _) in Touching("function", f))
                if (m.Date.ToUnixTimeSeconds() is var d && d >= start && d <= windowEnd && seen.Add(m.Id)) Add(m);
        if (facts.GuiltyFile is { } gf)
        {
            // Popular files are touched by hundreds of patches a year: the nearest ones after the report are the likely fixes.
            var byDate = fileByDate.Get(gf, gf => Touching("path", gf).Where(t => t.Kind == "Patch").Select(t => t.Msg).OrderBy(m => m.Date).ToList());
            foreach (var m in byDate.SkipWhile(m => m.Date.ToUnixTimeSeconds() < start).TakeWhile(m => m.Date.ToUnixTimeSeconds() <= windowEnd).Take(MaxFileCandidates))
                Add(m);
        }

        if (facts.GuiltyFile is { } file && file.LastIndexOf('/') is var slash and > 0)
        {
            // Busy subsystems fix most reports within days, often in code the stack does not show (the bug is
            // where the state was corrupted, not where it crashed): fix-like patches to the same directory soon
            // after a report are candidates too.
            var dir = file[..(slash + 1)];
            foreach (var reportDate in facts.ReportDates!.TakeLast(5))
                foreach (var (m, files) in FixLikePatches(reportDate, reportDate.AddDays(SubsystemWindowDays)))
                    if (files.Any(f => f.StartsWith(dir, StringComparison.Ordinal))) Add(m);
        }
        phase.Dispose();
        phase = times.Time("explicit");
        // Explicit: trailers naming the bot id, the reporter, or the report.
        foreach (var email in facts.BotIds.Select(id => $"syzbot+{id}@syzkaller.appspotmail.com").Concat(facts.ReporterEmails))
            foreach (var m in NamedInTrailers(email.ToLowerInvariant())) Add(m);
        foreach (var key in facts.ReportMessageIds.Concat(facts.BotIds))
            foreach (var (message, _) in closes.GetValueOrDefault(key) ?? [])
                if (GetMessage(message) is { } m) Add(m);

        // Sibling confirmation: a patch confirmed in the report thread (often a "#syz test" diff) is usually posted
        // again as a proper patch elsewhere; candidates touching the same functions inherit part of that trust.
        var confirmedFunctions = confirmedPatches.SelectMany(p => Functions(p).Select(f => (f, p))).ToList();

        phase.Dispose();
        phase = times.Time("evaluate");
        var titles = SpecificTitles(facts);
        HashSet<long> mentioning;
        using (times.Time("evaluate: full-text index")) mentioning = Mentioning(titles);
        var collapsedTitles = titles.Select(t => InWords.Collapse(t)).ToList();
        var rows = new List<(Cand Cand, List<Evidence> Evidence, double Score)>();
        foreach (var cand in cands.Values)
        {
            var m = cand.Msg;
            var gathering = times.Time("evaluate: candidate facts");
            var functions = m is null ? [] : Functions(m);
            if (m is not null && confirmedFunctions.FirstOrDefault(x => x.p.Id != m.Id && functions.Contains(x.f)) is { p: not null } hit)
                cand.ConfirmedSibling = $"touches {hit.f} like {hit.p.MessageId}, the patch confirmed in the report thread";
            // A diff in a reply: its subject and quotes are the report's, so only its own words and an inline
            // "Subject: [PATCH]" describe it.
            // A reply carrying a whole "git format-patch" (From sha…/Subject: [PATCH]) is a posted patch all the same.
            var subject = m is null ? null : Subject(m);
            var replyDiff = m is not null && m.InReplyTo is not null && subject!.IsReply && PatchSubject(m) == subject.Title;
            var fixSubject = m is null ? "" : replyDiff ? PatchSubject(m) is var ps && ps != subject!.Title ? ps : "" : subject!.Title;
            var fix = new FixCandidate(cand.MessageId, m is not null, m?.Thread, m?.Date,
                m is null ? [] : Files(m), functions, m is null ? [] : Trailers(m.Id),
                m is not null && !replyDiff && NamesTitle(m.Id, mentioning, collapsedTitles), cand.Confirmations, cand.ReferencedBy, cand.SyzFix,
                cand.ConfirmedSibling, cand.TestedHead, replyDiff, fixSubject,
                m is null ? "" : replyDiff ? OwnCommitText(m) : CommitMessage(m.Id), m is null ? 1 : SeriesTotal(m.Id),
                m is null ? null : Culprits(m)) { SubjectLooksLikeFix = LooksLikeFix(fixSubject) };
            gathering.Dispose();
            List<Evidence> evidence;
            using (times.Time("evaluate: scoring")) evidence = FixScoring.Evaluate(facts, fix);
            Interlocked.Increment(ref evaluated);
            if (evidence.Count == 0) continue;
            rows.Add((cand, evidence, FixScoring.Score(evidence)));
        }
        phase.Dispose();
        using var _ = times.Time("rows");
        var links = new List<LinkRow>();
        foreach (var (cand, evidence, score) in rows.OrderByDescending(r => r.Score).ThenBy(r => r.Cand.Msg?.Date).Take(MaxFixesPerCluster))
        {
            var m = cand.Msg;
            // Confirmations read from the report thread (also informal ones the patch analyzer missed) count as tests.
            var signals = m is null ? [] : SignalsOn(m);
            signals.AddRange(cand.Confirmations.Select(c => new StoredSignal("tested", c.Date, c.Who)));
            links.Add(new LinkRow(cand.MessageId, m?.Id, m is null ? null : PatchSubject(m), (m?.Date ?? cand.ReferencedOn)?.ToUnixTimeSeconds(), score,
                JsonSerializer.Serialize(evidence.Select(e => new StoredEvidence(FixScoring.KindName(e.Kind), e.Code, Math.Round(e.Weight, 4), e.Detail)), Json),
                JsonSerializer.Serialize(signals, Json)));
        }
        return links;
    }

    readonly OnceCache<(string, string), List<(Msg Msg, string Kind)>> touching = new();
    readonly OnceCache<string, List<Msg>> fileByDate = new();

    /// <summary>Top-level patches and pull requests naming a function (<paramref name="column"/> "function") or a
    /// file ("path") in their diff, in insertion order; read once per name: the same io_uring functions and files
    /// come up for hundreds of clusters.</summary>
    List<(Msg Msg, string Kind)> Touching(string column, string name) => touching.Get((column, name), key =>
    {
        var table = column == "function" ? "patch_functions" : "patch_files";
        // Nearly all of them are among Patches(), read once: only ids and kinds are read here, without the join to
        // messages (the linker's largest share of database time, which the threads take turns at).
        Patches();
        var rows = new List<(long, string)>();
        using (Db("db: touching"))
        {
            var c = Cmd($"""
                SELECT pf.message, p.kind FROM {table} pf JOIN patches p ON p.message = pf.message
                WHERE pf.{column} = @n AND p.kind IN ('Patch', 'PullRequest') ORDER BY {dialect.InsertionOrder("pf")}
                """);
            c.Bind("@n", name);
            using var r = c.ExecuteReader();
            // One string per kind, not per row: these lists are kept, and popular functions have thousands of rows.
            while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1) switch { "Patch" => "Patch", "PullRequest" => "PullRequest", var k => k }));
        }
        var list = new List<(Msg, string)>(rows.Count);
        foreach (var (id, kind) in rows)
            if (GetMessage(id) is { } m) list.Add((m, kind));
        return list;
    });

    readonly Lock lazyLock = new();
    List<Msg>? patches;

    /// <summary>Every top-level patch by date, read once: subject lookups and date windows scan it in memory
    /// (an <c>instr()</c> scan of the table per lookup was the linker's slowest query).</summary>
    List<Msg> Patches()
    {
        if (Volatile.Read(ref patches) is { } known) return known;
        lock (lazyLock)
        {
            if (patches is not null) return patches;
            var list = new List<Msg>();
            using (Db("db: patches"))
            {
                var c = Cmd($"SELECT {MsgColumns} FROM messages m JOIN patches p ON p.message = m.id WHERE p.kind = 'Patch' ORDER BY m.date, m.id");
                using var r = c.ExecuteReader();
                while (r.Read()) list.Add(CachedMsg(r));
            }
            Volatile.Write(ref patches, list);
            return list;
        }
    }

    List<(Msg Msg, List<string> Files)>? fixLike;

    /// <summary>Top-level patches worded as fixes, by date.</summary>
    IEnumerable<(Msg Msg, List<string> Files)> FixLikePatches(DateTimeOffset from, DateTimeOffset to)
    {
        var all = Volatile.Read(ref fixLike);
        if (all is null)
            lock (lazyLock)
                Volatile.Write(ref fixLike, all = fixLike ?? Patches().Where(m => LooksLikeFix(Subject(m).Title)).Select(m => (m, Files(m))).ToList());
        var lo = 0;
        var hi = all.Count;
        while (lo < hi) { var mid = (lo + hi) / 2; if (all[mid].Msg.Date < from) lo = mid + 1; else hi = mid; }
        for (var i = lo; i < all.Count && all[i].Msg.Date <= to; i++) yield return all[i];
    }

    readonly OnceCache<string, bool> fixWorded = new();

    /// <summary><see cref="LinkText.LooksLikeFix"/>, once per subject: a regex asked again for every cluster a
    /// candidate is evaluated for.</summary>
    bool LooksLikeFix(string subject) => fixWorded.Get(subject, LinkText.LooksLikeFix);

    Msg Cache(Msg m) => messages.GetOrAdd(m.Id, m);

    /// <summary>The message of the row <paramref name="r"/> is at (<see cref="MsgColumns"/> first), its columns read only
    /// when it is not cached yet: popular functions' patches come up again and again.</summary>
    Msg CachedMsg(DbDataReader r) => messages.TryGetValue(r.GetInt64(0), out var m) ? m : Cache(ReadMsg(r));

    static string Who(Msg m) => string.IsNullOrEmpty(m.FromName) ? m.FromEmail : m.FromName;

    static string Clip(string s, int n)
    {
        s = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return s.Length <= n ? s : s[..(n - 1)] + "…";
    }

    readonly OnceCache<long, bool> storedDiffs = new();

    /// <summary>Whether ingest stored diff facts (patch_files) for the message.</summary>
    bool StoredDiff(long id) => storedDiffs.Get(id, id =>
    {
        using (Db("db: stored diff"))
        {
            var c = Cmd("SELECT EXISTS(SELECT 1 FROM patch_files WHERE message = @m)");
            c.Bind("@m", id);
            return Convert.ToInt64(c.ExecuteScalar()) != 0;
        }
    });

    bool HasDiff(Msg m) => StoredDiff(m.Id) || InlineDiffOf(m) is not null;

    List<string> Strings(string sql, long id)
    {
        using (Db("db: functions/files"))
        {
            var c = Cmd(sql);
            c.Bind("@m", id);
            using var r = c.ExecuteReader();
            var list = new List<string>();
            while (r.Read()) list.Add(r.GetString(0));
            return list;
        }
    }

    readonly OnceCache<long, List<string>> functionsCache = new();
    List<string> Functions(Msg m) => InlineDiffOf(m)?.Functions
        ?? functionsCache.Get(m.Id, id => Strings("SELECT function FROM patch_functions WHERE message = @m", id));

    readonly OnceCache<long, List<string>> filesCache = new();
    // Paths are cleaned the way diffs name them: the stored path can carry the rest of a flattened line.
    List<string> Files(Msg m) => InlineDiffOf(m)?.Files
        ?? filesCache.Get(m.Id, id => Strings("SELECT path FROM patch_files WHERE message = @m", id).Select(p => p.Split(' ')[0]).Distinct().ToList());

    // The same fix is a candidate of many clusters: what is read about it once serves them all.
    readonly OnceCache<long, List<TrailerFact>> trailersCache = new();
    List<TrailerFact> Trailers(long id) => trailersCache.Get(id, id =>
    {
        using (Db("db: trailers"))
        {
            var c = Cmd("SELECT name, value, email FROM trailers WHERE message = @m");
            c.Bind("@m", id);
            using var r = c.ExecuteReader();
            var list = new List<TrailerFact>();
            while (r.Read()) list.Add(new TrailerFact(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
            return list;
        }
    });

    Msg? FindByMessageId(string messageId)
    {
        using (Db("db: by message-id"))
        {
            var c = Cmd($"SELECT {MsgColumns} FROM messages m WHERE m.message_id = @id ORDER BY m.id LIMIT 1");
            c.Bind("@id", messageId);
            using var r = c.ExecuteReader();
            return r.Read() ? CachedMsg(r) : null;
        }
    }

    readonly OnceCache<string, List<Msg>> bySubjectTitle = new();

    /// <summary>The first five patches (by date) whose subject contains <paramref name="title"/>. Kept: report threads
    /// are read again for every cluster they belong to, with the same #syz commands.</summary>
    List<Msg> FindBySubjectTitle(string title) => bySubjectTitle.Get(title, title =>
    {
        var all = Patches();
        // The subjects joined by line breaks, searched as one text: one vectorised scan instead of a call per subject.
        // A title with a line break could match across two subjects there: those are tried one by one.
        if (title.Length == 0 || title.Contains('\n')) return all.Where(m => m.Subject.Contains(title, StringComparison.Ordinal)).Take(5).ToList();
        var (text, starts) = Subjects();
        var found = new List<Msg>();
        for (var from = 0; found.Count < 5 && text.AsSpan(from).IndexOf(title, StringComparison.Ordinal) is var k and >= 0;)
        {
            var i = Array.BinarySearch(starts, from + k);
            if (i < 0) i = ~i - 1;
            found.Add(all[i]);
            if (i + 1 == starts.Length) break;
            from = starts[i + 1];
        }
        return found;
    });

    /// <summary><see cref="Patches"/>' subjects joined by line breaks, and where each starts.</summary>
    sealed record SubjectsText(string Text, int[] Starts);

    SubjectsText? subjectsText;

    SubjectsText Subjects()
    {
        if (Volatile.Read(ref subjectsText) is { } known) return known;
        lock (lazyLock)
        {
            if (subjectsText is { } made) return made;
            var all = Patches();
            var starts = new int[all.Count];
            for (int i = 0, at = 0; i < all.Count; at += all[i].Subject.Length + 1, i++) starts[i] = at;
            var joined = new SubjectsText(string.Join('\n', all.Select(m => m.Subject)), starts);
            Volatile.Write(ref subjectsText, joined);
            return joined;
        }
    }

    /// <summary>Whether the message's subject or text contains one of the crash titles. Titles name a function
    /// ("… in io_sqe_buffer_register"): the full-text index says which messages contain that word at all, so
    /// only those are parsed and searched.</summary>
    bool NamesTitle(long id, HashSet<long> mentioning, List<string> collapsedTitles)
    {
        if (!mentioning.Contains(id)) return false;
        using var _ = times.Time("evaluate: names title");
        // The text of most candidates has no " in " before the titles' words: known from what ingest stored, unparsed.
        if (StoredPatch(id).InWords is { } words && !collapsedTitles.Any(t => InWords.MayContain(words, t)))
        {
            Interlocked.Increment(ref skippedTexts);
            return false;
        }
        var text = FullText(id);
        return collapsedTitles.Any(text.Contains);
    }

    static List<string> SpecificTitles(CrashFacts facts) => facts.AltTitles.Prepend(facts.Title)
        .Where(t => t.Contains(" in ", StringComparison.Ordinal) && !t.EndsWith(" in corrupted", StringComparison.Ordinal)).Distinct().ToList();

    HashSet<long> Mentioning(List<string> titles)
    {
        var set = new HashSet<long>();
        foreach (var word in titles.Select(t => t[(t.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..].Split(' ')[0]).Distinct())
            if (FtsWord().IsMatch(word)) set.UnionWith(MentioningWord(word));
        return set;
    }

    readonly OnceCache<string, List<long>> mentioningWord = new();

    // Clusters of one subsystem crash in the same functions: each is looked up once.
    List<long> MentioningWord(string word) => mentioningWord.Get(word, word =>
    {
        using (Db("db: full-text")) return dialect.Mentioning(db, tx, word).ToList();
    });

    readonly OnceCache<string, List<Msg>> namedInTrailers = new();

    /// <summary>Patches whose trailers (other than Cc, Signed-off-by, Reviewed-by, Acked-by) name <paramref name="email"/>:
    /// a prolific reporter's address is in thousands of trailers, and in the clusters of every crash they reported.</summary>
    List<Msg> NamedInTrailers(string email) => namedInTrailers.Get(email, email =>
    {
        var found = new List<Msg>();
        using (Db("db: explicit"))
        {
            var c = Cmd($"SELECT DISTINCT {MsgColumns} FROM trailers t JOIN messages m ON m.id = t.message JOIN patches p ON p.message = m.id WHERE t.email = @e AND (p.kind IN ('Patch', 'PullRequest') OR EXISTS(SELECT 1 FROM patch_files f WHERE f.message = m.id)) AND lower(t.name) NOT IN ('cc', 'signed-off-by', 'reviewed-by', 'acked-by')");
            c.Bind("@e", email);
            using var r = c.ExecuteReader();
            while (r.Read()) found.Add(CachedMsg(r));
        }
        return found;
    });

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{3,}$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex FtsWord();

    [GeneratedRegex(@"^commit:\s+[0-9a-f]{8,40}\s+(\S.*)$", RegexOptions.Multiline, SafeRegex.TimeoutMs)]
    private static partial Regex TestedCommit();

    [GeneratedRegex(@"syzbot has tested the proposed patch and the reproducer did not trigger any issue", RegexOptions.IgnoreCase, SafeRegex.TimeoutMs)]
    private static partial Regex SyzbotTestedOk();

    /// <summary>A reply saying a patch works for its sender: Tested-by, "that fixes it for me", or syzbot's clean test result.</summary>
    Confirmation? ConfirmationIn(Msg reply, ReplySays said, CrashFacts facts, HashSet<string> reporterNames)
    {
        var isReporter = facts.ReporterEmails.Contains(reply.FromEmail) || reporterNames.Contains(reply.FromName)
            || Bots.SyzbotIds(reply.FromEmail).Any(facts.BotIds.Contains);
        if (said.SyzbotTestedOk is { } ok)
            return new Confirmation("syzbot", ok, reply.Date, isReporter);
        if (!isReporter) return null;
        // By name as well as address: lore pages give made-up addresses, and people write from several.
        return TestedBySender(reply) is { } signal ? new Confirmation(Who(reply), signal.Evidence, reply.Date, true) : null;
    }

    /// <summary>What a reply in a report thread says that linking reads: fix references, "#syz fix:" titles, syzbot's
    /// clean test result and the tested tree's head. A report thread is read again for each cluster it has reports of.</summary>
    sealed record ReplySays(IReadOnlyList<FixReference> References, IReadOnlyList<string> SyzFixTitles, string? SyzbotTestedOk, string? TestedHead);

    ReplySays Said(Msg reply) => Reply(reply).Says;

    readonly OnceCache<long, ReviewSignal?> testedBySender = new();

    /// <summary>The reply's sender saying it works for them (Tested-by, "that fixes it for me").</summary>
    /// <remarks>Asked for replies by the crash's reporters only: their own words are read again for it (<see cref="OwnWords"/>).</remarks>
    ReviewSignal? TestedBySender(Msg reply) => testedBySender.Get(reply.Id, _ =>
        ReviewSignals.Find(OwnWords(reply), Trailers(reply.Id).Select(t => Trailer.Create(t.Name, t.Value)).ToList(), Who(reply))
            .FirstOrDefault(s => s.Kind == SignalKind.Tested));

    /// <summary>The fix's own title: the subject without [PATCH] tags, or for a patch sent inline in a reply, its Subject: line.</summary>
    readonly OnceCache<long, string> patchSubjects = new();
    string PatchSubject(Msg m) => patchSubjects.Get(m.Id, _ => PatchSubjectOf(m));

    /// <summary>What the linker reads of a subject (SubjectInfo keeps more, for every candidate of every cluster).</summary>
    sealed record SubjectFacts(bool IsReply, string Title);

    readonly OnceCache<long, SubjectFacts> subjects = new();

    // Asked several times for every candidate of every cluster.
    SubjectFacts Subject(Msg m) => subjects.Get(m.Id, _ =>
    {
        var info = SubjectInfo.Parse(m.Subject);
        return new SubjectFacts(info.IsReply, info.Title);
    });

    string PatchSubjectOf(Msg m)
    {
        var info = Subject(m);
        if (info.IsReply && Reply(m).InlineSubject is { } inline) return inline;
        return info.Title;
    }

    /// <summary>Reviews, tests and "applied" said about a fix: replies to it (or to its cover letter) after it was posted.</summary>
    readonly OnceCache<long, List<StoredSignal>> signalsCache = new();
    List<StoredSignal> SignalsOn(Msg fix) => [.. signalsCache.Get(fix.Id, _ => SignalsQuery(fix))];

    List<StoredSignal> SignalsQuery(Msg fix)
    {
        var replies = new List<(string Info, long Date, string From)>();
        using (Db("db: signals"))
        {
            var c = Cmd($"""
                SELECT p.info, m.date, m.from_name FROM messages m JOIN patches p ON p.message = m.id
                WHERE m.thread_id = @t AND m.date >= @d AND p.kind = 'Comment' AND (m.in_reply_to = @id{(fix.InReplyTo is null ? "" : " OR m.in_reply_to = @cover")})
                """);
            c.Bind("@t", fix.Thread);
            c.Bind("@d", fix.Date.ToUnixTimeSeconds());
            c.Bind("@id", fix.MessageId);
            if (fix.InReplyTo is { } cover) c.Bind("@cover", cover);
            using var r = c.ExecuteReader();
            while (r.Read()) replies.Add((r.GetString(0), r.GetInt64(1), r.GetString(2)));
        }
        var list = new List<StoredSignal>();
        foreach (var (json, date, from) in replies)
        {
            var info = JsonSerializer.Deserialize<PatchInfo>(json, Json);
            if (info is null || info.Kind != MessageKind.Comment) continue; // kind is info's Kind, stored beside it
            foreach (var s in info.Signals.Where(s => s.Kind != SignalKind.Nacked))
                list.Add(new StoredSignal(s.Kind.ToString().ToLowerInvariant(), DateTimeOffset.FromUnixTimeSeconds(date), s.Who ?? from));
        }
        return list;
    }
}
