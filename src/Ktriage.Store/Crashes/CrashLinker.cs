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
    sealed record Msg(long Id, string MessageId, long Thread, string? InReplyTo, string FromName, string FromEmail,
        string Recipients, DateTimeOffset Date, string Subject, string List);

    sealed record Rep(long Id, Msg Message, CrashReport Report, IReadOnlyList<NormalizedFrame> Frames, BotReport? Bot, string? BotId);

    sealed record Member(Rep Rep, Placement Placement);

    readonly Dictionary<long, Msg> messages = [];
    // KTRIAGE_LINK_TIMING=1 prints where the time goes (stderr).
    readonly Dictionary<string, System.Diagnostics.Stopwatch> timers = [];
    System.Diagnostics.Stopwatch T(string phase) => timers.TryGetValue(phase, out var t) ? t : timers[phase] = new();
    int parses;
    readonly Dictionary<long, string> ownTexts = [];
    readonly Dictionary<long, string> fullTexts = [];

    // Prepared once per recomputation: preparing statements again for every cluster was a third of the time.
    readonly Dictionary<string, DbCommand> commands = [];

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
    }

    const string MsgColumns = """
        m.id, m.message_id, m.thread_id, m.in_reply_to, m.from_name, m.from_email, m.to_addrs || ' ' || m.cc_addrs, m.date, m.subject,
        (SELECT l.name FROM lists l WHERE l.id = m.list_id)
        """;

    static Msg ReadMsg(DbDataReader r, int o = 0) => new(r.GetInt64(o), r.GetString(o + 1), r.GetInt64(o + 2),
        r.IsDBNull(o + 3) ? null : r.GetString(o + 3), r.GetString(o + 4), r.GetString(o + 5).ToLowerInvariant(), r.GetString(o + 6),
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(o + 7)), r.GetString(o + 8), r.GetString(o + 9));

    Msg? GetMessage(long id)
    {
        if (messages.TryGetValue(id, out var m)) return m;
        var c = Cmd($"SELECT {MsgColumns} FROM messages m WHERE m.id = @id");
        c.Bind("@id", id);
        using var r = c.ExecuteReader();
        return r.Read() ? messages[id] = ReadMsg(r) : null;
    }

    List<Msg> ThreadOf(long thread)
    {
        var c = Cmd($"SELECT {MsgColumns} FROM messages m WHERE m.thread_id = @t ORDER BY m.date, m.id");
        c.Bind("@t", thread);
        using var r = c.ExecuteReader();
        var list = new List<Msg>();
        while (r.Read()) { var m = ReadMsg(r); messages.TryAdd(m.Id, m); list.Add(m); }
        return list;
    }

    // The texts derived from one message (own words, commit message, full text, inline subject) are asked for one
    // after the other while a candidate is evaluated: the last few parses are kept.
    readonly (long Id, Message? Message)[] recent = new (long, Message?)[4];
    int recentNext;

    Message? Parse(long id)
    {
        foreach (var (rid, rm) in recent)
            if (rid == id && rm is not null) return rm;
        var c = Cmd("SELECT raw FROM copies WHERE message = @m ORDER BY id LIMIT 1");
        c.Bind("@m", id);
        if (c.ExecuteScalar() is not byte[] raw) return null;
        parses++;
        Message? m;
        try { m = MailParser.Parse(raw); } catch (Exception) { m = null; }
        recent[recentNext++ % recent.Length] = (id, m);
        return m;
    }

    /// <summary>The sender's own words (quotes removed), for signals, references and #syz commands.</summary>
    string OwnText(long id)
    {
        if (ownTexts.TryGetValue(id, out var t)) return t;
        var m = Parse(id);
        // Ingest keeps patch facts of a reply only when it carries trailers or signals: a bare "#syz test" diff in
        // a report thread is read here.
        if (m is not null && !HasDiff(id) && (m.AllText.Contains("\n+++ ", StringComparison.Ordinal) || m.AllText.Contains("diff --git", StringComparison.Ordinal)))
        {
            var diff = PatchAnalyzer.DiffOf(m);
            if (!diff.IsEmpty)
            {
                hasDiff[id] = true;
                functionsCache[id] = diff.Functions.ToList();
                filesCache[id] = diff.Files.SelectMany(f => new[] { f.OldPath, f.NewPath }).OfType<string>().Where(x => x != "/dev/null").Select(x => x.Split(' ')[0]).Distinct().ToList();
            }
        }
        return ownTexts[id] = m is null ? "" : LinkText.OwnText(m.Body);
    }

    /// <summary>Subject and whole text, whitespace collapsed and lower-cased, for "does it name the crash".</summary>
    string FullText(long id)
    {
        if (fullTexts.TryGetValue(id, out var t)) return t;
        var m = Parse(id);
        return fullTexts[id] = m is null ? "" : Collapse(m.Subject + " " + m.AllText);
    }

    readonly Dictionary<long, string> commitMessages = [];

    /// <summary>A patch's explanation, as stored at ingest (patches.description); parsed again only for messages
    /// stored before that column existed, or without a patches row.</summary>
    string CommitMessage(long id)
    {
        if (commitMessages.TryGetValue(id, out var t)) return t;
        var c = Cmd("SELECT description FROM patches WHERE message = @m");
        c.Bind("@m", id);
        return commitMessages[id] = c.ExecuteScalar() as string ?? LinkText.CommitMessage(Parse(id)?.Body ?? "");
    }

    string OwnCommitText(long id)
    {
        var own = OwnText(id);
        var cut = own.IndexOf("diff --git", StringComparison.Ordinal);
        return cut >= 0 ? own[..cut] : own;
    }

    readonly Dictionary<long, int> seriesTotals = [];
    int SeriesTotal(long id)
    {
        if (seriesTotals.TryGetValue(id, out var total)) return total;
        return seriesTotals[id] = SeriesTotalQuery(id);
    }

    int SeriesTotalQuery(long id)
    {
        var c = Cmd("SELECT total FROM patches WHERE message = @m");
        c.Bind("@m", id);
        return c.ExecuteScalar() is { } n and not DBNull ? Convert.ToInt32(n) : 1;
    }

    static string Collapse(string s) => WhiteSpace().Replace(s, " ").ToLowerInvariant();

    [GeneratedRegex(@"\s+", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex WhiteSpace();

    /// <param name="upto">null: recompute everything; else the last message id the stored results saw.</param>
    public void Run(long? upto)
    {
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
        foreach (var group in groups) Store(group, closes);
        if (Environment.GetEnvironmentVariable("KTRIAGE_LINK_TIMING") == "1")
            Console.Error.WriteLine($"links: {members.Count} clusters, {groups.Count} recomputed, {parses} parses; " +
                string.Join(", ", timers.Select(t => $"{t.Key} {t.Value.Elapsed.TotalSeconds:F1} s")) +
                $"; cached chars: own {ownTexts.Values.Sum(x => (long)x.Length) >> 20}M/{ownTexts.Count} full {fullTexts.Values.Sum(x => (long)x.Length) >> 20}M/{fullTexts.Count} commit {commitMessages.Values.Sum(x => (long)x.Length) >> 20}M/{commitMessages.Count} msgs {messages.Count} recipients {messages.Values.Sum(m => (long)m.Recipients.Length) >> 20}M functions {functionsCache.Count} files {filesCache.Count} trailers {trailersCache.Count}; GC heap {GC.GetTotalMemory(false) >> 20} MiB");
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
        var c = Cmd($"SELECT cr.id, cr.report, {MsgColumns} FROM crash_reports cr JOIN messages m ON m.id = cr.message ORDER BY m.date, m.id, cr.ord");
        using var r = c.ExecuteReader();
        var list = new List<Rep>();
        while (r.Read())
        {
            var m = ReadMsg(r, 2);
            messages.TryAdd(m.Id, m);
            var report = JsonSerializer.Deserialize<CrashReport>(r.GetString(1), Json)!;
            if (IsListing(m, report)) continue;
            var bot = Bots.FromSender(m.FromEmail);
            var botId = bot?.Id ?? Bots.SyzbotId(m.FromEmail, m.Recipients, null);
            list.Add(new Rep(r.GetInt64(0), m, report, CrashFrames.Normalize(report), bot, botId));
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

    void Store(List<Member> group, Dictionary<string, List<(long Message, string Trailer)>> closes)
    {
        var reports = group.Where(m => m.Placement.CopyOf is null).Select(m => m.Rep).ToList();
        var lead = reports.FirstOrDefault(r => !r.Report.Corrupted) ?? reports[0];
        var clusterId = reports[0].Id;
        var altTitles = reports.SelectMany(r => r.Report.AltTitles.Prepend(r.Report.Title)).Distinct().Where(t => t != lead.Report.Title).ToList();
        var botIds = group.Select(m => m.Rep.BotId).OfType<string>().Distinct().ToList();
        var bot = reports.Select(r => r.Bot?.Bot).FirstOrDefault(b => b is not null);
        var lists = group.Select(m => m.Rep.Message.List).Distinct().Order().ToList();
        var keyFunctions = CrashFrames.KeyFunctions(lead.Frames, lead.Report.Title);
        var guilty = reports.Select(r => r.Report.GuiltyFile).FirstOrDefault(f => f is not null);
        var first = reports.Min(r => r.Message.Date);
        var last = reports.Max(r => r.Message.Date);

        if (Cmd("""
            INSERT INTO crash_clusters(id, title, alt_titles, type, bot, bot_ids, first_seen, last_seen, reports, copies, lists, key_functions, guilty_file)
            VALUES(@id, @title, @alt, @type, @bot, @botIds, @first, @last, @reports, @copies, @lists, @key, @guilty)
            """) is var c)
        {
            c.Bind("@id", clusterId);
            c.Bind("@title", lead.Report.Title);
            c.Bind("@alt", JsonSerializer.Serialize(altTitles));
            c.Bind("@type", lead.Report.Type);
            c.Bind("@bot", (object?)bot ?? DBNull.Value);
            c.Bind("@botIds", JsonSerializer.Serialize(botIds));
            c.Bind("@first", first.ToUnixTimeSeconds());
            c.Bind("@last", last.ToUnixTimeSeconds());
            c.Bind("@reports", reports.Count);
            c.Bind("@copies", group.Count - reports.Count);
            c.Bind("@lists", JsonSerializer.Serialize(lists));
            c.Bind("@key", JsonSerializer.Serialize(keyFunctions));
            c.Bind("@guilty", (object?)guilty ?? DBNull.Value);
            c.ExecuteNonQuery();
        }
        var insertMember = Cmd("INSERT INTO cluster_members(report, cluster, message, copy_of, reason, bot, bot_id) VALUES(@r, @c, @m, @copy, @reason, @bot, @botId)");
        {
            foreach (var m in group)
            {
                insertMember.Bind("@r", m.Rep.Id);
                insertMember.Bind("@c", clusterId);
                insertMember.Bind("@m", m.Rep.Message.Id);
                insertMember.Bind("@copy", (object?)m.Placement.CopyOf ?? DBNull.Value);
                insertMember.Bind("@reason", m.Placement.Reason);
                insertMember.Bind("@bot", (object?)m.Rep.Bot?.Bot ?? DBNull.Value);
                insertMember.Bind("@botId", (object?)m.Rep.BotId ?? DBNull.Value);
                insertMember.ExecuteNonQuery();
            }
        }

        // Human reporters: whoever sent a report (not a quoted copy). Bots are matched by their bug id instead.
        var reporterEmails = new HashSet<string>(reports.Where(r => r.Bot is null).Select(r => r.Message.FromEmail)
            .Where(e => e.Contains('@') && !e.EndsWith(".invalid", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        var facts = new CrashFacts(lead.Report.Title, altTitles, keyFunctions, guilty, first,
            new HashSet<string>(group.Select(m => m.Rep.Message.MessageId), StringComparer.OrdinalIgnoreCase),
            group.Select(m => m.Rep.Message.Thread).ToHashSet(), reporterEmails, botIds.ToHashSet(),
            reports.Select(r => r.Message.Date).Distinct().Order().ToList(),
            reports.Select(r => new ReportKernel(r.Message.Date, r.Report.KernelVersion)).ToList());
        var reporterNames = reports.Where(r => r.Bot is null).Select(r => r.Message.FromName).Where(n => n.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        StoreMatchKeys(clusterId, group[0].Placement.Cluster);
        LinkFixes(clusterId, facts, reporterNames, closes);
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

    void LinkFixes(long clusterId, CrashFacts facts, HashSet<string> reporterNames, Dictionary<string, List<(long Message, string Trailer)>> closes)
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
        T("thread").Start();
        foreach (var thread in facts.Threads)
        {
            var msgs = ThreadOf(thread);
            var byId = msgs.GroupBy(m => m.MessageId).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            foreach (var m in msgs.Where(m => m.InReplyTo is not null)) OwnText(m.Id);
            var withDiff = msgs.Where(m => HasDiff(m.Id)).ToList();
            foreach (var m in withDiff) Add(m);
            foreach (var reply in msgs.Where(m => m.InReplyTo is not null))
            {
                var own = OwnText(reply.Id);
                foreach (var r in LinkText.FixReferences(own))
                {
                    if (facts.ReportMessageIds.Contains(r.MessageId) || r.MessageId == reply.MessageId) continue;
                    var target = FindByMessageId(r.MessageId);
                    var c = target is not null ? Add(target) : cands.TryGetValue(r.MessageId, out var x) ? x : cands[r.MessageId] = new Cand(r.MessageId);
                    c.ReferencedBy ??= $"{Who(reply)} pointed to it in the report thread: \"{Clip(r.Context, 100)}\"";
                    c.ReferencedOn ??= reply.Date;
                }
                foreach (var title in LinkText.SyzFixTitles(own))
                    foreach (var target in FindBySubjectTitle(title))
                        Add(target).SyzFix ??= $"{Who(reply)}: #syz fix: {title}";
                // syzbot tested a tree ("#syz test: git://… branch") and the crash is gone: the tree's head commit,
                // when it is a patch posted here, is probably the fix (or one just before it).
                if (SyzbotTestedOk().IsMatch(own) && TestedCommit().Match(own) is { Success: true } head && head.Groups[1].Value.TrimEnd('.').Trim() is { Length: >= 20 } prefix)
                    foreach (var target in FindBySubjectTitle(prefix).Where(t => t.Date <= reply.Date).TakeLast(1))
                        Add(target).TestedHead ??= $"syzbot tested a tree at \"{head.Groups[1].Value.Trim()}\" and the reproducer did not trigger";
                // Who does the reply confirm? The nearest patch it (transitively) answers.
                var confirmation = ConfirmationIn(reply, own, facts, reporterNames);
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

        T("thread").Stop();
        T("content").Start();
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
            if (!fileByDate.TryGetValue(gf, out var byDate))
                fileByDate[gf] = byDate = Touching("path", gf).Where(t => t.Kind == "Patch").Select(t => t.Msg).OrderBy(m => m.Date).ToList();
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
        T("content").Stop();
        T("explicit").Start();
        // Explicit: trailers naming the bot id, the reporter, or the report.
        foreach (var email in facts.BotIds.Select(id => $"syzbot+{id}@syzkaller.appspotmail.com").Concat(facts.ReporterEmails))
        {
            var c = Cmd($"SELECT DISTINCT {MsgColumns} FROM trailers t JOIN messages m ON m.id = t.message JOIN patches p ON p.message = m.id WHERE t.email = @e AND (p.kind IN ('Patch', 'PullRequest') OR EXISTS(SELECT 1 FROM patch_files f WHERE f.message = m.id)) AND lower(t.name) NOT IN ('cc', 'signed-off-by', 'reviewed-by', 'acked-by')");
            c.Bind("@e", email.ToLowerInvariant());
            using var r = c.ExecuteReader();
            while (r.Read()) Add(Cache(ReadMsg(r)));
        }
        foreach (var key in facts.ReportMessageIds.Concat(facts.BotIds))
            foreach (var (message, _) in closes.GetValueOrDefault(key) ?? [])
                if (GetMessage(message) is { } m) Add(m);

        // Sibling confirmation: a patch confirmed in the report thread (often a "#syz test" diff) is usually posted
        // again as a proper patch elsewhere; candidates touching the same functions inherit part of that trust.
        var confirmedFunctions = confirmedPatches.SelectMany(p => Functions(p.Id).Select(f => (f, p))).ToList();

        T("explicit").Stop();
        T("evaluate").Start();
        var titles = SpecificTitles(facts);
        var mentioning = Mentioning(titles);
        var rows = new List<(Cand Cand, List<Evidence> Evidence, double Score)>();
        foreach (var cand in cands.Values)
        {
            var m = cand.Msg;
            var functions = m is null ? [] : Functions(m.Id);
            if (m is not null && confirmedFunctions.FirstOrDefault(x => x.p.Id != m.Id && functions.Contains(x.f)) is { p: not null } hit)
                cand.ConfirmedSibling = $"touches {hit.f} like {hit.p.MessageId}, the patch confirmed in the report thread";
            // A diff in a reply: its subject and quotes are the report's, so only its own words and an inline
            // "Subject: [PATCH]" describe it.
            // A reply carrying a whole "git format-patch" (From sha…/Subject: [PATCH]) is a posted patch all the same.
            var replyDiff = m is not null && m.InReplyTo is not null && SubjectInfo.Parse(m.Subject).IsReply
                && PatchSubject(m) == SubjectInfo.Parse(m.Subject).Title;
            var fix = new FixCandidate(cand.MessageId, m is not null, m?.Thread, m?.Date,
                m is null ? [] : Files(m.Id), functions, m is null ? [] : Trailers(m.Id),
                m is not null && !replyDiff && NamesTitle(m.Id, facts, mentioning, titles), cand.Confirmations, cand.ReferencedBy, cand.SyzFix,
                cand.ConfirmedSibling, cand.TestedHead, replyDiff,
                m is null ? "" : replyDiff ? PatchSubject(m) is var ps && ps != SubjectInfo.Parse(m.Subject).Title ? ps : "" : SubjectInfo.Parse(m.Subject).Title,
                m is null ? "" : replyDiff ? OwnCommitText(m.Id) : CommitMessage(m.Id), m is null ? 1 : SeriesTotal(m.Id),
                m is null ? null : Culprits(m));
            var evidence = FixScoring.Evaluate(facts, fix);
            if (evidence.Count == 0) continue;
            rows.Add((cand, evidence, FixScoring.Score(evidence)));
        }
        T("evaluate").Stop();
        using var _ = new Stop(T("insert"));
        var insert = Cmd("""
            INSERT INTO fix_links(cluster, message_id, message, subject, date, score, evidence, signals)
            VALUES(@c, @mid, @m, @s, @d, @score, @ev, @sig)
            """);
        foreach (var (cand, evidence, score) in rows.OrderByDescending(r => r.Score).ThenBy(r => r.Cand.Msg?.Date).Take(MaxFixesPerCluster))
        {
            var m = cand.Msg;
            insert.Bind("@c", clusterId);
            insert.Bind("@mid", cand.MessageId);
            insert.Bind("@m", (object?)m?.Id ?? DBNull.Value);
            insert.Bind("@s", (object?)(m is null ? null : PatchSubject(m)) ?? DBNull.Value);
            insert.Bind("@d", (object?)(m?.Date ?? cand.ReferencedOn)?.ToUnixTimeSeconds() ?? DBNull.Value);
            insert.Bind("@score", score);
            insert.Bind("@ev", JsonSerializer.Serialize(evidence.Select(e =>
                new StoredEvidence(FixScoring.KindName(e.Kind), e.Code, Math.Round(e.Weight, 4), e.Detail)), Json));
            // Confirmations read from the report thread (also informal ones the patch analyzer missed) count as tests.
            var signals = m is null ? [] : SignalsOn(m);
            signals.AddRange(cand.Confirmations.Select(c => new StoredSignal("tested", c.Date, c.Who)));
            insert.Bind("@sig", JsonSerializer.Serialize(signals, Json));
            insert.ExecuteNonQuery();
        }
    }

    sealed class Stop : IDisposable
    {
        readonly System.Diagnostics.Stopwatch watch;
        public Stop(System.Diagnostics.Stopwatch w) { watch = w; w.Start(); }
        public void Dispose() => watch.Stop();
    }

    readonly Dictionary<(string, string), List<(Msg Msg, string Kind)>> touching = [];
    readonly Dictionary<string, List<Msg>> fileByDate = [];

    /// <summary>Top-level patches and pull requests naming a function (<paramref name="column"/> "function") or a
    /// file ("path") in their diff, in insertion order; read once per name: the same io_uring functions and files
    /// come up for hundreds of clusters.</summary>
    List<(Msg Msg, string Kind)> Touching(string column, string name)
    {
        if (touching.TryGetValue((column, name), out var list)) return list;
        var table = column == "function" ? "patch_functions" : "patch_files";
        var c = Cmd($"""
            SELECT {MsgColumns}, p.kind FROM {table} pf JOIN patches p ON p.message = pf.message JOIN messages m ON m.id = pf.message
            WHERE pf.{column} = @n AND p.kind IN ('Patch', 'PullRequest') ORDER BY {dialect.InsertionOrder("pf")}
            """);
        c.Bind("@n", name);
        list = [];
        using var r = c.ExecuteReader();
        while (r.Read()) list.Add((Cache(ReadMsg(r)), r.GetString(10)));
        return touching[(column, name)] = list;
    }

    List<Msg>? patches;

    /// <summary>Every top-level patch by date, read once: subject lookups and date windows scan it in memory
    /// (an <c>instr()</c> scan of the table per lookup was the linker's slowest query).</summary>
    List<Msg> Patches()
    {
        if (patches is not null) return patches;
        patches = [];
        var c = Cmd($"SELECT {MsgColumns} FROM messages m JOIN patches p ON p.message = m.id WHERE p.kind = 'Patch' ORDER BY m.date, m.id");
        using var r = c.ExecuteReader();
        while (r.Read()) patches.Add(Cache(ReadMsg(r)));
        return patches;
    }

    List<(Msg Msg, List<string> Files)>? fixLike;

    /// <summary>Top-level patches worded as fixes, by date.</summary>
    IEnumerable<(Msg Msg, List<string> Files)> FixLikePatches(DateTimeOffset from, DateTimeOffset to)
    {
        fixLike ??= Patches().Where(m => LinkText.LooksLikeFix(SubjectInfo.Parse(m.Subject).Title)).Select(m => (m, Files(m.Id))).ToList();
        var lo = 0;
        var hi = fixLike.Count;
        while (lo < hi) { var mid = (lo + hi) / 2; if (fixLike[mid].Msg.Date < from) lo = mid + 1; else hi = mid; }
        for (var i = lo; i < fixLike.Count && fixLike[i].Msg.Date <= to; i++) yield return fixLike[i];
    }

    Msg Cache(Msg m) => messages.TryAdd(m.Id, m) ? m : messages[m.Id];

    static string Who(Msg m) => string.IsNullOrEmpty(m.FromName) ? m.FromEmail : m.FromName;

    static string Clip(string s, int n)
    {
        s = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return s.Length <= n ? s : s[..(n - 1)] + "…";
    }

    readonly Dictionary<long, bool> hasDiff = [];
    bool HasDiff(long id)
    {
        if (hasDiff.TryGetValue(id, out var b)) return b;
        var c = Cmd("SELECT EXISTS(SELECT 1 FROM patch_files WHERE message = @m)");
        c.Bind("@m", id);
        return hasDiff[id] = Convert.ToInt64(c.ExecuteScalar()) != 0;
    }

    List<string> Strings(string sql, long id)
    {
        var c = Cmd(sql);
        c.Bind("@m", id);
        using var r = c.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    readonly Dictionary<long, List<string>> functionsCache = [];
    List<string> Functions(long id) => functionsCache.TryGetValue(id, out var f) ? f
        : functionsCache[id] = Strings("SELECT function FROM patch_functions WHERE message = @m", id);

    readonly Dictionary<long, List<string>> filesCache = [];
    // Paths are cleaned the way diffs name them: the stored path can carry the rest of a flattened line.
    List<string> Files(long id) => filesCache.TryGetValue(id, out var f) ? f
        : filesCache[id] = Strings("SELECT path FROM patch_files WHERE message = @m", id).Select(p => p.Split(' ')[0]).Distinct().ToList();

    // The same fix is a candidate of many clusters: what is read about it once serves them all.
    readonly Dictionary<long, List<TrailerFact>> trailersCache = [];
    List<TrailerFact> Trailers(long id) => trailersCache.TryGetValue(id, out var t) ? t : trailersCache[id] = TrailersQuery(id);

    List<TrailerFact> TrailersQuery(long id)
    {
        var c = Cmd("SELECT name, value, email FROM trailers WHERE message = @m");
        c.Bind("@m", id);
        using var r = c.ExecuteReader();
        var list = new List<TrailerFact>();
        while (r.Read()) list.Add(new TrailerFact(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return list;
    }

    Msg? FindByMessageId(string messageId)
    {
        var c = Cmd($"SELECT {MsgColumns} FROM messages m WHERE m.message_id = @id ORDER BY m.id LIMIT 1");
        c.Bind("@id", messageId);
        using var r = c.ExecuteReader();
        return r.Read() ? Cache(ReadMsg(r)) : null;
    }

    List<Msg> FindBySubjectTitle(string title) =>
        Patches().Where(m => m.Subject.Contains(title, StringComparison.Ordinal)).Take(5).ToList();

    /// <summary>Whether the message's subject or text contains one of the crash titles. Titles name a function
    /// ("… in io_sqe_buffer_register"): the full-text index says which messages contain that word at all, so
    /// only those are parsed and searched.</summary>
    bool NamesTitle(long id, CrashFacts facts, HashSet<long> mentioning, List<string> titles)
    {
        if (!mentioning.Contains(id)) return false;
        var text = FullText(id);
        return titles.Any(t => text.Contains(Collapse(t), StringComparison.Ordinal));
    }

    static List<string> SpecificTitles(CrashFacts facts) => facts.AltTitles.Prepend(facts.Title)
        .Where(t => t.Contains(" in ", StringComparison.Ordinal) && !t.EndsWith(" in corrupted", StringComparison.Ordinal)).Distinct().ToList();

    HashSet<long> Mentioning(List<string> titles)
    {
        var set = new HashSet<long>();
        foreach (var word in titles.Select(t => t[(t.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..].Split(' ')[0]).Distinct())
        {
            if (!FtsWord().IsMatch(word)) continue;
            set.UnionWith(dialect.Mentioning(db, tx, word));
        }
        return set;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{3,}$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex FtsWord();

    [GeneratedRegex(@"^commit:\s+[0-9a-f]{8,40}\s+(\S.*)$", RegexOptions.Multiline, SafeRegex.TimeoutMs)]
    private static partial Regex TestedCommit();

    [GeneratedRegex(@"syzbot has tested the proposed patch and the reproducer did not trigger any issue", RegexOptions.IgnoreCase, SafeRegex.TimeoutMs)]
    private static partial Regex SyzbotTestedOk();

    /// <summary>A reply saying a patch works for its sender: Tested-by, "that fixes it for me", or syzbot's clean test result.</summary>
    Confirmation? ConfirmationIn(Msg reply, string own, CrashFacts facts, HashSet<string> reporterNames)
    {
        var isReporter = facts.ReporterEmails.Contains(reply.FromEmail) || reporterNames.Contains(reply.FromName)
            || Bots.SyzbotIds(reply.FromEmail).Any(facts.BotIds.Contains);
        if (SyzbotTestedOk().Match(own) is { Success: true } ok)
            return new Confirmation("syzbot", ok.Value, reply.Date, isReporter);
        if (!isReporter) return null;
        var trailers = Trailers(reply.Id).Select(t => Trailer.Create(t.Name, t.Value)).ToList();
        var signal = ReviewSignals.Find(own, trailers, Who(reply)).FirstOrDefault(s => s.Kind == SignalKind.Tested);
        // By name as well as address: lore pages give made-up addresses, and people write from several.
        return signal is null ? null : new Confirmation(Who(reply), signal.Evidence, reply.Date, true);
    }

    /// <summary>The fix's own title: the subject without [PATCH] tags, or for a patch sent inline in a reply, its Subject: line.</summary>
    readonly Dictionary<long, string> patchSubjects = [];
    string PatchSubject(Msg m) => patchSubjects.TryGetValue(m.Id, out var s) ? s : patchSubjects[m.Id] = PatchSubjectOf(m);

    string PatchSubjectOf(Msg m)
    {
        var info = SubjectInfo.Parse(m.Subject);
        if (info.IsReply && LinkText.InlinePatchSubject(Parse(m.Id)?.Body ?? "") is { } inline) return inline;
        return info.Title;
    }

    /// <summary>Reviews, tests and "applied" said about a fix: replies to it (or to its cover letter) after it was posted.</summary>
    readonly Dictionary<long, List<StoredSignal>> signalsCache = [];
    List<StoredSignal> SignalsOn(Msg fix) => [.. signalsCache.TryGetValue(fix.Id, out var s) ? s : signalsCache[fix.Id] = SignalsQuery(fix)];

    List<StoredSignal> SignalsQuery(Msg fix)
    {
        var c = Cmd($"""
            SELECT p.info, m.date, m.from_name FROM messages m JOIN patches p ON p.message = m.id
            WHERE m.thread_id = @t AND m.date >= @d AND (m.in_reply_to = @id{(fix.InReplyTo is null ? "" : " OR m.in_reply_to = @cover")})
            """);
        c.Bind("@t", fix.Thread);
        c.Bind("@d", fix.Date.ToUnixTimeSeconds());
        c.Bind("@id", fix.MessageId);
        if (fix.InReplyTo is { } cover) c.Bind("@cover", cover);
        using var r = c.ExecuteReader();
        var list = new List<StoredSignal>();
        while (r.Read())
        {
            var info = JsonSerializer.Deserialize<PatchInfo>(r.GetString(0), Json);
            if (info is null || info.Kind != MessageKind.Comment) continue;
            foreach (var s in info.Signals.Where(s => s.Kind != SignalKind.Nacked))
                list.Add(new StoredSignal(s.Kind.ToString().ToLowerInvariant(), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(1)), s.Who ?? r.GetString(2)));
        }
        return list;
    }
}
