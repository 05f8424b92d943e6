using Ktriage.Core.Links;

namespace Ktriage.Store;

/// <summary>Shared by the CLI (<c>crashes</c>, <c>crash</c>) and the web UI: rescoring stored fix links for the chosen
/// evidence kinds, a cluster's status, and their JSON shapes.</summary>
public static class CrashRanking
{
    public sealed record RankedFix(FixLinkRow Row, double Score, IReadOnlyList<StoredEvidence> Evidence)
    {
        public string Status => Row.Signals.Any(s => s.Kind == "applied") ? "applied"
            : Row.Signals.Any(s => s.Kind == "tested") ? "tested"
            : Row.Signals.Any(s => s.Kind is "reviewed" or "acked") ? "reviewed"
            : Row.Present ? "posted" : "referenced, not in archive";
    }

    static EvidenceKinds KindOf(string name) => FixScoring.ParseKinds(name) ?? EvidenceKinds.None;

    /// <summary>Fixes scored with only the allowed kinds, best first; candidates left without evidence are dropped.</summary>
    public static List<RankedFix> Rank(IEnumerable<FixLinkRow> rows, EvidenceKinds kinds) => rows
        .Select(r =>
        {
            var evidence = r.Evidence.Where(e => (KindOf(e.Kind) & kinds) != 0).ToList();
            var score = FixScoring.Score(evidence.Select(e => new Evidence(KindOf(e.Kind), e.Code, e.Weight, e.Detail)));
            return new RankedFix(r, Math.Round(score, 3), evidence);
        })
        .Where(f => f.Evidence.Count > 0)
        .OrderByDescending(f => f.Score).ThenBy(f => f.Row.Date ?? DateTimeOffset.MaxValue).ThenBy(f => f.Row.MessageId, StringComparer.Ordinal)
        .ToList();

    public static CrashStatus Status(ClusterRow c, IReadOnlyList<RankedFix> ranked)
    {
        var best = ranked.FirstOrDefault(f => f.Score >= EvidenceWeights.Confident);
        if (best is null) return CrashStatus.Compute(c.FirstSeen, null, []);
        // A fix known only by reference has no date of its own: the reply that named it dates it.
        var posted = best.Row.Date ?? c.FirstSeen;
        var signals = best.Row.Signals.Select(s => new FixSignal(Enum.Parse<Core.Patches.SignalKind>(s.Kind, true), s.Date, s.Who));
        return CrashStatus.Compute(c.FirstSeen, posted, signals);
    }

    public static object StatusJson(CrashStatus s) => new
    {
        stage = s.Name,
        reported = s.Reported,
        fixPosted = s.FixPosted,
        fixReviewed = s.FixReviewed,
        fixApplied = s.FixApplied,
        daysToFix = s.DaysToFix,
    };

    public static object FixJson(RankedFix f) => new
    {
        messageId = f.Row.MessageId,
        subject = f.Row.Subject,
        list = f.Row.List,
        date = f.Row.Date,
        present = f.Row.Present,
        score = f.Score,
        status = f.Status,
        evidence = f.Evidence.Select(e => new { kind = e.Kind, code = e.Code, weight = e.Weight, detail = e.Detail }),
    };

    /// <summary>"patch &lt;id&gt; touches foo in bar.c; posted 3 days later in the report's thread; reporter replied '…'".</summary>
    public static string Summary(RankedFix f) =>
        $"{(f.Row.Present ? "patch" : "referenced fix (not in archive)")} <{f.Row.MessageId}> " + string.Join("; ", f.Evidence.Select(e => e.Detail));

    /// <summary>Every cluster's ranked fixes, by cluster id.</summary>
    public static Dictionary<long, List<RankedFix>> RankAll(ICrashStore crashes, EvidenceKinds kinds) =>
        crashes.FixLinks().GroupBy(f => f.Cluster).ToDictionary(g => g.Key, g => Rank(g, kinds));
}
