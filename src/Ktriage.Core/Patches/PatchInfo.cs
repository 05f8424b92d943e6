using Ktriage.Core.Mail;

namespace Ktriage.Core.Patches;

/// <summary>What a message is in patch terms.</summary>
public enum MessageKind
{
    /// <summary>Carries a diff and is not a reply.</summary>
    Patch,
    /// <summary>A git request-pull (may also carry the diff).</summary>
    PullRequest,
    /// <summary>"[PATCH 0/N]" without a diff (a cover letter with no 0/N is only inferred when a series is built).</summary>
    CoverLetter,
    /// <summary>Anything else: replies (even with a diff), discussions, reports.</summary>
    Comment,
}

/// <summary>Patch facts about one message, computed once at ingest. Plain data: serialisable as JSON.</summary>
/// <param name="Trailers">for patches, pull requests and cover letters, the trailers of their own message; for comments,
/// the follow-up trailers given in the reply (quoted ones excluded, not yet checked against the sender).</param>
/// <param name="Signals">for comments: review/test/ack/applied signals, formal (trailers) and informal (phrases).</param>
/// <param name="Commits">Fixes: tags and commits named in the message's own prose.</param>
/// <param name="PatchId">git patch-id --stable of the diff, for patches.</param>
/// <param name="Author">the commit author when the body names one ("From: …" at its top, as git send-email writes for
/// patches sent on someone's behalf); null means the sender is the author.</param>
/// <param name="Problem">set when analysis hit something unexpected; the rest is then best effort.</param>
public sealed record PatchInfo(
    string MessageId,
    MessageKind Kind,
    SubjectInfo Subject,
    IReadOnlyList<DiffFile> Files,
    DiffStat? Stat,
    IReadOnlyList<string> Functions,
    IReadOnlyList<Trailer> Trailers,
    IReadOnlyList<ReviewSignal> Signals,
    IReadOnlyList<CommitMention> Commits,
    PullRequest? Pull,
    string? PatchId,
    MailAddress? Author = null,
    string? Problem = null)
{
    public bool HasDiff => Files.Count > 0;
}
