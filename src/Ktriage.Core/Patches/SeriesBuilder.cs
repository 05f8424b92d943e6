using Ktriage.Core.Mail;

namespace Ktriage.Core.Patches;

/// <summary>
/// Assembles series from a set of messages (a thread, or everything from one author): groups patches into
/// postings (revisions) by threading, falling back to author/version/count for unthreaded mail, links
/// revisions of one series, collects follow-up trailers with b4's rules and derives a status.
/// </summary>
public static class SeriesBuilder
{
    /// <summary>Unthreaded patches of one posting arrive within this window (git send-email without threading).</summary>
    static readonly TimeSpan UnthreadedWindow = TimeSpan.FromHours(2);

    public static IReadOnlyList<PatchSeries> Build(IEnumerable<Message> messages, SeriesOptions? options = null) =>
        Build(messages.Select(m => (m, PatchAnalyzer.Analyze(m))), options);

    public static IReadOnlyList<PatchSeries> Build(IEnumerable<(Message Message, PatchInfo Info)> analyzed, SeriesOptions? options = null)
    {
        options ??= SeriesOptions.Default;
        var items = new List<Item>();
        var byId = new Dictionary<string, Item>(StringComparer.Ordinal);
        foreach (var (m, info) in analyzed)
        {
            if (byId.ContainsKey(m.MessageId)) continue;
            var it = new Item(m, info, items.Count);
            items.Add(it);
            byId[m.MessageId] = it;
            foreach (var alt in m.OtherIds) byId.TryAdd(alt, it);
        }
        var ctx = new Context(items, byId, options);
        ctx.MarkMembers();
        ctx.AssignGroups();
        ctx.CollectFollowups();
        return ctx.LinkSeries();
    }

    sealed class Item(Message m, PatchInfo info, int order)
    {
        public readonly Message M = m;
        public readonly PatchInfo Info = info;
        public readonly int Order = order;
        public bool IsCover;
        public bool CoverInferred;
        public bool CoverCountStale;
        public bool IsPatch;
        public Group? Group;
        public bool Assigning;
        public string Email => M.From?.Email?.ToLowerInvariant() ?? "";
        public bool IsMember => IsCover || IsPatch;
    }

    sealed class Group
    {
        public Item? Cover;
        public readonly List<Item> Patches = [];
        public readonly List<Item> Unused = [];
        public readonly HashSet<int> Counters = [];
        public int Version;
        public bool VersionStated;
        public int Total;
        public bool Threaded;
        public Item? PreviousHint;
        public DateTimeOffset First;
        public readonly List<(Item Reply, bool ToCover, Item Target)> Followups = [];
        public Lineage? Series;
        public Item Lead => Cover ?? Patches.OrderBy(p => p.Info.Subject.Counter).First();
        /// <summary>The sender of the posting (cover, else first patch), fixed when the group is created.</summary>
        public string Email = "";
        public bool CoverCountStale => Cover?.CoverCountStale ?? false;
    }

    /// <summary>The revisions found to be one series.</summary>
    sealed class Lineage
    {
        public readonly List<Group> Groups = [];
    }

    sealed class Context(List<Item> items, Dictionary<string, Item> byId, SeriesOptions options)
    {
        readonly List<Group> groups = [];
        readonly Dictionary<string, List<Group>> unthreadedByEmail = [];
        // Postings whose cover is not in the set (an archive cut, a cover sent to another list): their patches
        // still answer the same Message-ID, which holds them together.
        readonly Dictionary<string, List<Group>> byMissingParent = new(StringComparer.Ordinal);

        public void MarkMembers()
        {
            foreach (var it in items)
            {
                it.IsPatch = it.Info.Kind == MessageKind.Patch;
                it.IsCover = it.Info.Kind == MessageKind.CoverLetter;
            }
            // b4's naked cover: a patch answering a non-patch, non-reply message from its own author.
            foreach (var it in items.Where(i => i.IsPatch && i.M.InReplyTo is not null))
            {
                if (!byId.TryGetValue(it.M.InReplyTo!, out var parent) || parent.IsMember) continue;
                if (parent.Info.Subject.IsReply || parent.Info.Kind != MessageKind.Comment) continue;
                if (parent.Email.Length == 0 || parent.Email != it.Email) continue;
                parent.IsCover = true;
                parent.CoverInferred = true;
            }
        }

        /// <summary>Nearest member ancestor: In-Reply-To chain first, then References from the closest.</summary>
        public Item? MemberAncestor(Item it)
        {
            var seen = new HashSet<Item> { it };
            var cur = it;
            while (true)
            {
                Item? parent = null;
                if (cur.M.InReplyTo is { } irt && byId.TryGetValue(irt, out var p)) parent = p;
                else
                {
                    for (var k = cur.M.References.Count - 1; k >= 0 && parent is null; k--)
                        if (byId.TryGetValue(cur.M.References[k], out var r)) parent = r;
                }
                if (parent is null || !seen.Add(parent)) return null;
                if (parent.IsMember) return parent;
                cur = parent;
            }
        }

        public void AssignGroups()
        {
            // A cover's count is stale ("0/6" then "1/8"…) when none of the patches answering it uses that count.
            var totalsByParent = items.Where(i => i.IsPatch && i.M.InReplyTo is not null && i.Info.Subject.CounterStated)
                .GroupBy(i => i.M.InReplyTo!).ToDictionary(x => x.Key, x => x.Select(i => i.Info.Subject.Total).ToHashSet());
            foreach (var c in items.Where(i => i.IsCover))
                c.CoverCountStale = totalsByParent.TryGetValue(c.M.MessageId, out var totals) && !totals.Contains(c.Info.Subject.Total);
            var ordered = items.Where(i => i.IsMember).OrderBy(i => i.M.Date).ThenBy(i => i.Order).ToList();
            // Covers first: patches may arrive (or be dated) before their cover letter.
            foreach (var c in ordered.Where(i => i.IsCover)) AssignCover(c);
            foreach (var p in ordered.Where(i => i.IsPatch)) Assign(p);
        }

        void AssignCover(Item c)
        {
            var s = c.Info.Subject;
            var g = NewGroup(c.M.Date, c.Email);
            g.Cover = c;
            g.Version = s.Version;
            g.VersionStated = s.VersionStated;
            g.Total = s.CounterStated ? s.Total : 0;
            var anc = MemberAncestor(c);
            g.Threaded = anc is not null || c.M.InReplyTo is not null;
            g.PreviousHint = anc;
            if (!g.Threaded) Unthreaded(g.Email).Add(g);
            c.Group = g;
        }

        void Assign(Item p)
        {
            if (p.Group is not null || p.Assigning) return;
            p.Assigning = true;
            var s = p.Info.Subject;
            var anc = MemberAncestor(p);
            if (anc is { IsPatch: true, Group: null }) Assign(anc);
            Group? target = null;
            if (anc?.Group is { } ag && Fits(ag, p, viaCover: anc.IsCover)) target = ag;
            // Sent with the posting (same author, same version, answering its cover) but with another count: a
            // stray from a botched send, kept aside rather than taken for a revision.
            else if (anc is { IsCover: true, Group: { } cg } && cg.Email == p.Email && s.CounterStated
                     && (!s.VersionStated || !cg.VersionStated || s.Version == cg.Version) && !s.IsResend
                     && (p.M.Date - cg.First).Duration() <= UnthreadedWindow)
            {
                cg.Unused.Add(p);
                p.Group = cg;
                p.Assigning = false;
                return;
            }
            var missingParent = anc is null && p.M.InReplyTo is { } irt && !byId.ContainsKey(irt) ? irt : null;
            if (target is null && missingParent is not null && byMissingParent.TryGetValue(missingParent, out var siblings))
                target = siblings.FirstOrDefault(g => Fits(g, p, viaCover: false));
            if (target is null && anc is null)
                target = Unthreaded(p.Email).FirstOrDefault(g => Fits(g, p, viaCover: false) && (p.M.Date - g.First).Duration() <= UnthreadedWindow);
            if (target is null)
            {
                target = NewGroup(p.M.Date, p.Email);
                target.Version = s.Version;
                target.VersionStated = s.VersionStated;
                target.Total = s.CounterStated ? s.Total : 1;
                target.Threaded = anc is not null || p.M.InReplyTo is not null;
                target.PreviousHint = anc;
                if (!target.Threaded) Unthreaded(p.Email).Add(target);
                if (missingParent is not null)
                {
                    if (!byMissingParent.TryGetValue(missingParent, out var list)) byMissingParent[missingParent] = list = [];
                    list.Add(target);
                }
            }
            target.Patches.Add(p);
            target.Counters.Add(CounterOf(target, p));
            // The patches' own count wins over a stale cover count.
            if (s.CounterStated && s.Total > target.Total) target.Total = s.Total;
            if (!target.VersionStated && s.VersionStated) { target.Version = s.Version; target.VersionStated = true; }
            p.Group = target;
            p.Assigning = false;
        }

        static int CounterOf(Group g, Item p) => p.Info.Subject.CounterStated ? p.Info.Subject.Counter : g.Patches.Count == 1 && g.Cover is null ? 1 : -p.Order - 1;

        /// <summary>Whether patch <paramref name="p"/> belongs to posting <paramref name="g"/>.</summary>
        bool Fits(Group g, Item p, bool viaCover)
        {
            var s = p.Info.Subject;
            if (g.Email != p.Email && !viaCover) return false;
            // A version mismatch means a reroll threaded onto the previous posting – unless the patch states none
            // (covers often carry the version alone).
            if (s.VersionStated && g.VersionStated && s.Version != g.Version) return false;
            // A versioned patch joins an unversioned posting only as a direct answer to its cover.
            if (s.VersionStated && !g.VersionStated && s.Version != g.Version
                && (g.Cover is null || p.M.InReplyTo != g.Cover.M.MessageId)) return false;
            if (!s.CounterStated) return viaCover && g.Email == p.Email;
            // A second "3/3" answering its author's own cover is a corrected copy within the posting (kept
            // aside as a duplicate); elsewhere a taken position means another posting.
            if (g.Counters.Contains(s.Counter)) return viaCover && g.Email == p.Email && !s.IsResend;
            // "[PATCH 0/6]" followed by "[PATCH 1/8]"…: a cover whose count went stale still owns the patches
            // answering it; elsewhere a different count means a different posting.
            if (g.Total > 0 && s.Total != g.Total && !(viaCover && g.Email == p.Email && g.CoverCountStale)) return false;
            return true;
        }

        Group NewGroup(DateTimeOffset date, string email)
        {
            var g = new Group { First = date, Email = email };
            groups.Add(g);
            return g;
        }

        List<Group> Unthreaded(string email)
        {
            if (!unthreadedByEmail.TryGetValue(email, out var list)) unthreadedByEmail[email] = list = [];
            return list;
        }

        public void CollectFollowups()
        {
            foreach (var it in items.Where(i => !i.IsMember).OrderBy(i => i.M.Date).ThenBy(i => i.Order))
            {
                var anc = MemberAncestor(it);
                if (anc?.Group is not { } g) continue;
                g.Followups.Add((it, anc.IsCover, anc));
            }
        }

        public IReadOnlyList<PatchSeries> LinkSeries()
        {
            // Union revisions: explicit threading to an earlier posting, then same author + matching titles.
            var ordered = groups.Where(g => g.Cover is not null || g.Patches.Count > 0).OrderBy(g => g.First).ToList();
            var seenByEmail = new Dictionary<string, List<Group>>();
            foreach (var g in ordered)
            {
                if (!seenByEmail.TryGetValue(g.Email, out var earlier)) seenByEmail[g.Email] = earlier = [];
                // Threaded onto an earlier posting: a reroll when it is newer or on the same topic (a companion
                // patch answering another, e.g. a test for a kernel fix, is not a revision of it).
                if (g.PreviousHint?.Group is { } prev && prev != g && prev.Series is not null && prev.Email == g.Email
                    && (g.Version > prev.Version || SameTopic(prev, g)))
                    Join(prev.Series, g);
                else if (earlier.LastOrDefault(o => SameTopic(o, g)) is { } match)
                    Join(match.Series!, g);
                else
                    Join(new Lineage(), g);
                earlier.Add(g);
            }
            return ordered.Select(g => g.Series!).Distinct().Select(Materialize).ToList();
        }

        static void Join(Lineage s, Group g)
        {
            s.Groups.Add(g);
            g.Series = s;
        }

        static bool SameTopic(Group a, Group b)
        {
            if (a.Cover is not null && b.Cover is not null && !a.Cover.CoverInferred && !b.Cover.CoverInferred
                && a.Cover.Info.Subject.Normalized == b.Cover.Info.Subject.Normalized && a.Cover.Info.Subject.Normalized.Length > 0)
                return true;
            var titles = a.Patches.Select(p => p.Info.Subject.Normalized).Where(t => t.Length > 0).ToHashSet();
            return b.Patches.Any(p => titles.Contains(p.Info.Subject.Normalized));
        }

        PatchSeries Materialize(Lineage s)
        {
            // Posting order: a later "[PATCH v2 4/4]" fixing one patch of a v4 posting supersedes it.
            var revs = s.Groups.OrderBy(g => g.First).ThenBy(g => g.Version).ToList();
            var built = new List<SeriesRevision>();
            // Only a later posting that carries patches supersedes (a bare "corrected subject" cover does not).
            for (var k = 0; k < revs.Count; k++)
                built.Add(BuildRevision(revs[k], built, superseded: revs.Skip(k + 1).Any(r => r.Patches.Count > 0)));
            var latest = built.LastOrDefault(r => r.Patches.Count > 0) ?? built[^1];
            var status = built.Any(r => r.Status == SeriesStatus.Accepted) ? SeriesStatus.Accepted : latest.Status;
            // A cover letter names the series better than a patch subject (a partial reroll has no cover).
            var named = built.LastOrDefault(r => r.CoverMessageId is not null && !r.CoverInferred) ?? latest;
            return new PatchSeries(named.Title, latest.Author, built, status);
        }

        SeriesRevision BuildRevision(Group g, List<SeriesRevision> earlier, bool superseded)
        {
            var lead = g.Lead;
            var expected = g.Total > 0 ? g.Total : Math.Max(1, g.Patches.Where(p => p.Info.Subject.CounterStated).Select(p => p.Info.Subject.Total).DefaultIfEmpty(1).Max());
            // Trailers given on the cover apply to every patch, after the patch's own follow-ups.
            var coverFollowups = g.Followups.Where(f => f.ToCover).Select(f => f.Reply).ToList();
            var coverTrailers = new List<CollectedTrailer>();
            var coverSignals = new List<ReviewSignal>();
            foreach (var r in coverFollowups)
            {
                coverTrailers.AddRange(Accept(r, TrailerSource.Cover, out _));
                coverSignals.AddRange(r.Info.Signals);
            }

            var patches = new List<SeriesPatch>();
            var unused = g.Unused.Select(u => u.M.MessageId).ToList();
            var extra = expected;
            foreach (var p in g.Patches.OrderBy(p => p.Info.Subject.CounterStated ? p.Info.Subject.Counter : int.MaxValue).ThenBy(p => p.M.Date).ThenBy(p => p.Order))
            {
                var s = p.Info.Subject;
                var counter = s.CounterStated && !(s.Counter == 0) ? s.Counter : g.Patches.Count == 1 && g.Cover is null ? 1 : ++extra;
                // Like b4, the first patch at a position is used; later copies are reported.
                if (s.CounterStated && patches.Any(x => x.Counter == counter)) { unused.Add(p.M.MessageId); continue; }
                var collected = new List<CollectedTrailer>();
                var rejected = new List<CollectedTrailer>();
                var signals = new List<ReviewSignal>();
                foreach (var (reply, _, _) in g.Followups.Where(f => !f.ToCover && f.Target == p))
                {
                    collected.AddRange(Accept(reply, TrailerSource.Reply, out var rej));
                    rejected.AddRange(rej);
                    signals.AddRange(reply.Info.Signals);
                }
                collected.AddRange(coverTrailers);
                signals.AddRange(coverSignals);
                // Unchanged diff (same patch-id) in an earlier revision: its trailers still hold.
                if (p.Info.PatchId is { } pid)
                    foreach (var old in earlier.SelectMany(r => r.Patches).Where(o => o.PatchId == pid && o.InheritedFromVersion is null))
                        collected.AddRange(old.Collected.Select(c => c with { Source = TrailerSource.EarlierRevision }));
                patches.Add(new SeriesPatch(counter, p.M.MessageId, p.M.Subject, s.Title, p.Info.Author ?? p.M.From, p.M.Date, p.Info.PatchId, p.Info.Stat,
                    p.Info.Trailers, Dedup(collected, p.Info.Trailers), rejected, signals));
            }

            var present = patches.Select(x => x.Counter).ToHashSet();
            var missing = Enumerable.Range(1, expected).Where(c => !present.Contains(c)).ToList();
            // Partial reroll (v3 2/2 sent without a cover, answering v2 2/2): the patches not resent are taken from
            // the previous revision. A posting with its own cover that lacks patches is just incomplete.
            var partialReroll = g.Cover is null && g.PreviousHint is { IsPatch: true };
            if (partialReroll && missing.Count > 0 && earlier.Count > 0 && earlier[^1].Expected == expected)
            {
                foreach (var c in missing.ToList())
                {
                    var old = earlier[^1].Patches.FirstOrDefault(x => x.Counter == c);
                    if (old is null) continue;
                    patches.Add(old with { InheritedFromVersion = old.InheritedFromVersion ?? earlier[^1].Version });
                    missing.Remove(c);
                }
                patches.Sort((a, b) => a.Counter.CompareTo(b.Counter));
            }

            var title = g.Cover is { CoverInferred: false } c0 ? c0.Info.Subject.Title
                : g.Cover is { } ci ? ci.M.Subject
                : patches.OrderBy(x => x.Counter).First().Title;
            var status = Status(patches, coverSignals, g.Cover is not null, superseded);
            return new SeriesRevision(
                g.Version, lead.Info.Subject.IsResend || g.Patches.Any(x => x.Info.Subject.IsResend), lead.Info.Subject.IsRfc,
                title, lead.M.From, lead.M.Date, g.Cover?.M.MessageId, g.Cover?.CoverInferred ?? false, expected,
                patches, missing, coverTrailers, coverSignals, status, unused);
        }

        static SeriesStatus Status(List<SeriesPatch> patches, List<ReviewSignal> coverSignals, bool hasCover, bool superseded)
        {
            // Applied on the cover, or on every patch actually posted in this revision (a partial reroll's
            // inherited patches were dealt with in the earlier posting).
            var posted = patches.Where(p => p.InheritedFromVersion is null).ToList();
            static bool Applied(SeriesPatch p) => p.Signals.Any(s => s.Kind == SignalKind.Applied);
            if (coverSignals.Any(s => s.Kind == SignalKind.Applied) || (posted.Count > 0 && posted.All(Applied)))
                return SeriesStatus.Accepted;
            // Without a cover, maintainers answer the first patch for the whole series (b4 ty does), or say so.
            if (!hasCover && posted.Count > 0 && (Applied(posted[0])
                || posted.SelectMany(p => p.Signals).Any(s => s.Kind == SignalKind.Applied && ReviewSignals.MeansWholeSeries(s.Evidence))))
                return SeriesStatus.Accepted;
            if (superseded) return SeriesStatus.Superseded;
            bool Has(SeriesPatch p, params SignalKind[] kinds) =>
                p.Signals.Any(s => kinds.Contains(s.Kind)) || p.Collected.Any(c => kinds.Contains(KindOf(c.Trailer)));
            if (patches.Count > 0 && patches.All(p => Has(p, SignalKind.Tested))) return SeriesStatus.Tested;
            if (patches.Count > 0 && patches.All(p => Has(p, SignalKind.Reviewed, SignalKind.Acked))) return SeriesStatus.Reviewed;
            return SeriesStatus.New;
        }

        static SignalKind KindOf(Trailer t) => t.LName switch
        {
            "reviewed-by" => SignalKind.Reviewed,
            "tested-by" => SignalKind.Tested,
            "acked-by" => SignalKind.Acked,
            _ => SignalKind.Nacked,
        };

        /// <summary>b4: a collected trailer equal to one already in the patch (or collected earlier) is dropped.</summary>
        static List<CollectedTrailer> Dedup(List<CollectedTrailer> collected, IReadOnlyList<Trailer> own)
        {
            var result = new List<CollectedTrailer>();
            foreach (var c in collected)
            {
                if (own.Any(t => t.SameAs(c.Trailer)) || result.Any(r => r.Trailer.SameAs(c.Trailer))) continue;
                result.Add(c);
            }
            return result;
        }

        /// <summary>b4's get_trailers: person trailers must come from the person named, unless sloppy.</summary>
        List<CollectedTrailer> Accept(Item reply, TrailerSource source, out List<CollectedTrailer> rejected)
        {
            rejected = [];
            var accepted = new List<CollectedTrailer>();
            if (options.IgnoreFrom is { } ignore && ignore.Any(e => string.Equals(e, reply.M.From?.Email, StringComparison.OrdinalIgnoreCase)))
                return accepted;
            foreach (var t in reply.Info.Trailers)
            {
                var c = new CollectedTrailer(t, reply.M.MessageId, reply.M.From, reply.M.Date, source);
                if (options.Sloppy || t.Kind != TrailerKind.Person || SenderIs(t, reply.M.From)) accepted.Add(c);
                else rejected.Add(c);
            }
            return accepted;
        }

        static bool SenderIs(Trailer t, MailAddress? from)
        {
            if (from is null) return false;
            if (t.EmailMatches(from.Email)) return true;
            var tname = (t.PersonName ?? "").ToLowerInvariant();
            var hname = (from.Name ?? "").ToLowerInvariant();
            if (tname.Length > 0 && tname == hname) return true;
            // "Last, First" in the From header against "First Last" in the trailer.
            var parts = hname.Split(',', StringSplitOptions.TrimEntries);
            return parts.Length == 2 && $"{parts[1]} {parts[0]}" == tname;
        }
    }
}
