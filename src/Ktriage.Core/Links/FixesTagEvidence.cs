using Ktriage.Core.Crashes;

namespace Ktriage.Core.Links;

/// <summary>The commit a candidate's <c>Fixes: sha ("subject")</c> tag names, as posted on the lists.</summary>
/// <param name="Posted">when the culprit was (first) posted, before the fix.</param>
/// <param name="Functions">functions its diff touched; <paramref name="Files"/> the files.</param>
public sealed record Culprit(string Sha, string Subject, DateTimeOffset Posted, IReadOnlyList<string> Functions, IReadOnlyList<string> Files);

/// <summary>A report's kernel: when it was reported and the version it printed (CrashReport.KernelVersion).</summary>
public sealed record ReportKernel(DateTimeOffset Date, string? Version);

/// <summary>
/// "A Fixes: tag naming a commit that the report's kernel contains": a fix whose culprit introduced the crashing
/// code is likely the fix, provided the reported kernel can contain the culprit; a fix of a commit posted after the
/// reported kernel was built fixes a different bug, however much code they share.
/// </summary>
public static class FixesTagEvidence
{
    /// <summary>At most one piece of evidence: positive when a culprit the reported kernel can contain touched the
    /// crash's key functions or guilty file; negative when no named culprit can be in the reported kernel.</summary>
    public static Evidence? Evaluate(CrashFacts crash, IReadOnlyList<Culprit>? culprits)
    {
        if (culprits is not { Count: > 0 }) return null;
        var kernels = crash.Kernels is { Count: > 0 } k ? k : (crash.ReportDates ?? [crash.FirstSeen]).Select(d => new ReportKernel(d, null)).ToList();
        static string Head(Culprit c) => $"Fixes: {c.Sha[..Math.Min(12, c.Sha.Length)]} (\"{c.Subject}\") — ";
        foreach (var c in culprits)
        {
            // A kernel that can contain the culprit: reported after it was posted, and built after it when the version says when.
            var containing = kernels.FirstOrDefault(r => CanContain(r, c));
            if (containing is null || Touched(crash, c) is not { } touched) continue;
            var where = KernelReleases.CutOff(containing.Version) is { } cut
                ? $"before the report's kernel {cut.Label}" : $"before the report ({containing.Date:yyyy-MM-dd})";
            return new Evidence(EvidenceKinds.Content, "fixes-culprit",
                touched.EndsWith("(the guilty file)", StringComparison.Ordinal) ? EvidenceWeights.FixesCulpritFile : EvidenceWeights.FixesCulprit,
                $"{Head(c)}that commit touched {touched}, posted {c.Posted:yyyy-MM-dd}, {where}");
        }
        if (culprits.Any(c => kernels.Any(r => CanContain(r, c)))) return null;
        var later = culprits[0];
        var last = kernels.MaxBy(r => r.Date)!;
        var why = later.Posted <= last.Date && KernelReleases.CutOff(last.Version) is { } lc
            ? $"after the report's kernel {lc.Label} was cut (~{lc.CutOff.AddDays(-KernelReleases.SlackDays):yyyy-MM-dd})"
            : $"after the report ({last.Date:yyyy-MM-dd})";
        return new Evidence(EvidenceKinds.Content, "fixes-later-commit", EvidenceWeights.FixesLaterCommit,
            $"{Head(later)}that commit was posted {later.Posted:yyyy-MM-dd}, {why}: the reported kernel cannot contain it");
    }

    static bool CanContain(ReportKernel r, Culprit c) =>
        c.Posted <= r.Date && (KernelReleases.CutOff(r.Version) is not { } v || c.Posted <= v.CutOff);

    /// <summary>"io_foo (in the stack)", "io_foo, io_bar (in the stack)", "io_uring/rw.c (the guilty file)", or null.</summary>
    static string? Touched(CrashFacts crash, Culprit c)
    {
        var functions = new HashSet<string>(c.Functions.Select(FrameNames.StripSuffixes), StringComparer.Ordinal);
        var hit = crash.KeyFunctions.Where(functions.Contains).Take(3).ToList();
        if (hit.Count > 0) return $"{string.Join(", ", hit)} (in the stack)";
        return crash.GuiltyFile is { } gf && c.Files.Contains(gf) ? $"{gf} (the guilty file)" : null;
    }
}
