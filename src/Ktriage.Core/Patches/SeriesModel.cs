using Ktriage.Core.Mail;

namespace Ktriage.Core.Patches;

public enum SeriesStatus { New, Reviewed, Tested, Accepted, Superseded }

/// <summary>Where a collected trailer came from.</summary>
public enum TrailerSource
{
    /// <summary>A reply to the patch (at any depth).</summary>
    Reply,
    /// <summary>A reply to the cover letter: applies to every patch.</summary>
    Cover,
    /// <summary>Given on an earlier revision of a patch whose diff (patch-id) is unchanged.</summary>
    EarlierRevision,
}

/// <summary>A trailer given in a follow-up, with who sent it and where.</summary>
public sealed record CollectedTrailer(Trailer Trailer, string MessageId, MailAddress? Sender, DateTimeOffset Date, TrailerSource Source);

/// <summary>One patch of a revision.</summary>
/// <param name="Counter">position (n of n/N); extra or unnumbered patches get positions after N.</param>
/// <param name="Author">the commit author: the in-body From: when there is one, else the sender.</param>
/// <param name="Trailers">the patch's own trailers.</param>
/// <param name="Collected">follow-up trailers accepted for it (identity checked unless sloppy), in b4's order.</param>
/// <param name="Rejected">follow-up person trailers whose identity did not match the sender.</param>
/// <param name="InheritedFromVersion">set when a partial reroll did not resend this patch and it was taken from that version.</param>
public sealed record SeriesPatch(
    int Counter,
    string MessageId,
    string Subject,
    string Title,
    MailAddress? Author,
    DateTimeOffset Date,
    string? PatchId,
    DiffStat? Stat,
    IReadOnlyList<Trailer> Trailers,
    IReadOnlyList<CollectedTrailer> Collected,
    IReadOnlyList<CollectedTrailer> Rejected,
    IReadOnlyList<ReviewSignal> Signals,
    int? InheritedFromVersion = null);

/// <summary>One posting of a series: a cover letter (maybe inferred) and its patches.</summary>
/// <param name="Unused">Message-IDs of patches sent with this posting but not used: a second copy at a filled
/// position, or strays with another patch count (a botched send).</param>
public sealed record SeriesRevision(
    int Version,
    bool Resend,
    bool Rfc,
    string Title,
    MailAddress? Author,
    DateTimeOffset Date,
    string? CoverMessageId,
    bool CoverInferred,
    int Expected,
    IReadOnlyList<SeriesPatch> Patches,
    IReadOnlyList<int> Missing,
    IReadOnlyList<CollectedTrailer> CoverTrailers,
    IReadOnlyList<ReviewSignal> CoverSignals,
    SeriesStatus Status,
    IReadOnlyList<string> Unused)
{
    public int Present => Patches.Count(p => p.Counter >= 1 && p.Counter <= Expected);
    public bool Complete => Missing.Count == 0;
    /// <summary>"2 of 3 present".</summary>
    public string Completeness => $"{Present} of {Expected} present";
}

/// <summary>A series across its revisions (v1 → v2 → v3), oldest first.</summary>
public sealed record PatchSeries(string Title, MailAddress? Author, IReadOnlyList<SeriesRevision> Revisions, SeriesStatus Status)
{
    /// <summary>The newest revision that has patches (what b4 am would apply), else the newest.</summary>
    public SeriesRevision Latest => Revisions.LastOrDefault(r => r.Patches.Count > 0) ?? Revisions[^1];
}

/// <summary>Choices that change which trailers are collected.</summary>
/// <param name="Sloppy">accept person trailers whose address does not match the sender (b4 --sloppy-trailers).</param>
/// <param name="IgnoreFrom">senders whose follow-up trailers are ignored (b4's trailers-ignore-from).</param>
public sealed record SeriesOptions(bool Sloppy = false, IReadOnlyList<string>? IgnoreFrom = null)
{
    public static SeriesOptions Default { get; } = new();
}
