namespace Ktriage.Core.Links;

public enum FixStage { Reported, FixPosted, FixReviewed, FixApplied }

/// <summary>What happened to the best fix after it was posted (reviews, tests, "Applied, thanks").</summary>
public sealed record FixSignal(Patches.SignalKind Kind, DateTimeOffset Date, string Who);

/// <summary>A cluster's progress with dates; time-to-fix counts from the first report.</summary>
public sealed record CrashStatus(FixStage Stage, DateTimeOffset Reported, DateTimeOffset? FixPosted, DateTimeOffset? FixReviewed, DateTimeOffset? FixApplied)
{
    public string Name => Stage switch
    {
        FixStage.Reported => "reported",
        FixStage.FixPosted => "fix posted",
        FixStage.FixReviewed => "fix reviewed",
        _ => "fix applied",
    };

    /// <summary>Days from the first report to the fix being applied, else posted.</summary>
    public double? DaysToFix => (FixApplied ?? FixPosted) is { } d ? Math.Round((d - Reported).TotalDays, 1) : null;

    /// <summary>reported → fix posted (a confident candidate exists) → reviewed/tested (Reviewed-by, Tested-by, Acked-by or
    /// the informal equivalents on it) → applied (a maintainer's "Applied"). Nacks do not move it back: a later
    /// version usually follows and is what gets linked.</summary>
    public static CrashStatus Compute(DateTimeOffset reported, DateTimeOffset? fixPosted, IEnumerable<FixSignal> signals)
    {
        if (fixPosted is null) return new CrashStatus(FixStage.Reported, reported, null, null, null);
        var list = signals.Where(s => s.Date >= fixPosted.Value.AddMinutes(-1)).OrderBy(s => s.Date).ToList();
        var reviewed = list.FirstOrDefault(s => s.Kind is Patches.SignalKind.Reviewed or Patches.SignalKind.Tested or Patches.SignalKind.Acked)?.Date;
        var applied = list.FirstOrDefault(s => s.Kind == Patches.SignalKind.Applied)?.Date;
        var stage = applied is not null ? FixStage.FixApplied : reviewed is not null ? FixStage.FixReviewed : FixStage.FixPosted;
        return new CrashStatus(stage, reported, fixPosted, reviewed, applied);
    }
}
