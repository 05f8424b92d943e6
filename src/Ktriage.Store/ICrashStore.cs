namespace Ktriage.Store;

/// <summary>Crash knowledge base: clusters of duplicate crash reports and candidate fixes with their evidence.</summary>
public interface ICrashStore
{
    /// <summary>Recomputes clusters and fix links when the archive changed since the last run (or always with
    /// <paramref name="force"/>). Idempotent; one transaction. Returns whether it recomputed.</summary>
    bool RefreshCrashLinks(bool force = false);

    /// <summary>Clusters, newest last report first; <paramref name="list"/> keeps clusters with a report on that list.</summary>
    IReadOnlyList<ClusterRow> CrashClusters(string? list = null, DateTimeOffset? since = null);
    ClusterRow? CrashCluster(long id);
    /// <summary>The cluster of the report(s) carried by a message (or quoted in it), or null.</summary>
    long? ClusterOfMessage(string messageId);
    IReadOnlyList<ClusterReportRow> ClusterReports(long cluster);
    /// <summary>Candidate fixes of one cluster (null: of every cluster), with all their evidence.</summary>
    IReadOnlyList<FixLinkRow> FixLinks(long? cluster = null);
}

/// <param name="Id">the crash_reports id of the cluster's first report: stable across recomputations.</param>
public sealed record ClusterRow(
    long Id, string Title, IReadOnlyList<string> AltTitles, string Type, string? Bot, IReadOnlyList<string> BotIds,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Reports, int Copies, IReadOnlyList<string> Lists,
    IReadOnlyList<string> KeyFunctions, string? GuiltyFile);

/// <param name="CopyOf">set for a quoted/re-posted copy: the Message-ID of the report it copies.</param>
public sealed record ClusterReportRow(
    long ReportId, string MessageId, string List, DateTimeOffset Date, string From, string Title, string? Bot, string? BotId,
    string? CopyOf, string Reason);

public sealed record StoredEvidence(string Kind, string Code, double Weight, string Detail);

public sealed record StoredSignal(string Kind, DateTimeOffset Date, string Who);

/// <param name="Present">false when the fix is only known by the Message-ID someone gave (not in the archive).</param>
public sealed record FixLinkRow(
    long Cluster, string MessageId, bool Present, string? Subject, string? List, DateTimeOffset? Date,
    IReadOnlyList<StoredEvidence> Evidence, IReadOnlyList<StoredSignal> Signals);
