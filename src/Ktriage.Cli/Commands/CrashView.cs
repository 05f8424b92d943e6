using Ktriage.Core.Links;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary>Shared by <c>crashes</c> and <c>crash</c>: rescoring stored fix links for the chosen evidence kinds, and status.</summary>
internal static class CrashView
{
    public sealed record RankedFix(FixLinkRow Row, double Score, IReadOnlyList<StoredEvidence> Evidence)
    {
        public string Status => Row.Signals.Any(s => s.Kind == "applied") ? "applied"
            : Row.Signals.Any(s => s.Kind == "tested") ? "tested"
            : Row.Signals.Any(s => s.Kind is "reviewed" or "acked") ? "reviewed"
            : Row.Present ? "posted" : "referenced, not in archive";
    }

    public static EvidenceKinds ParseKinds(string? text) =>
        FixScoring.ParseKinds(text) ?? throw new UserError($"--evidence {text}: expected explicit, thread, content or all (comma-separated)");

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

    public static ICrashStore Open(System.CommandLine.ParseResult pr, out IArchiveStore store)
    {
        // Clusters are derived data, refreshed lazily when the archive changed: needs write access, but must not
        // create a database that does not exist.
        var exists = Store.Postgres.PostgresArchiveStore.IsUrl(Globals.DbPath(pr)) || File.Exists(Globals.DbPath(pr));
        store = Globals.OpenStore(pr, readOnly: !exists);
        var crashes = store as ICrashStore ?? throw new UserError($"{Globals.DbPath(pr)}: this store has no crash knowledge base");
        crashes.RefreshCrashLinks();
        return crashes;
    }
}
