namespace Ktriage.Core.Mail;

/// <summary>What a source yields: bytes of one message (or a deletion, or a problem), never parsed MIME.</summary>
public enum RawKind
{
    /// <summary>A message to store.</summary>
    Message,
    /// <summary>A public-inbox deletion (commit tree has <c>d</c> instead of <c>m</c>): remove the message in <see cref="RawMessage.Bytes"/>.</summary>
    Deletion,
    /// <summary>Something the source could not read (missing or corrupt blob, unreadable file); reported and skipped.</summary>
    Problem,
}

/// <summary>Where a raw message came from, precise enough to find it again.</summary>
/// <param name="Origin">The source it was read from: epoch repo path, mbox file, maildir, page file, "-" for stdin.</param>
/// <param name="Blob">git blob OID of the message when the source is git.</param>
/// <param name="Commit">git commit that added (or deleted) it.</param>
/// <param name="Offset">byte offset in an mbox file.</param>
/// <param name="Path">file path (maildir entry, .eml) when different from the origin.</param>
public sealed record SourceLocator(string Origin, string? Blob = null, string? Commit = null, long? Offset = null, string? Path = null)
{
    public override string ToString() =>
        Blob is not null ? $"{Origin} commit {Commit} blob {Blob}"
        : Offset is not null ? $"{Origin} at byte {Offset}"
        : Path ?? Origin;
}

/// <summary>One item of a source's stream.</summary>
/// <param name="Kind">message, deletion or problem.</param>
/// <param name="Bytes">the RFC 5322 message exactly as stored (empty for problems).</param>
/// <param name="Locator">where it came from.</param>
/// <param name="CommitTime">git commit time: the fallback date when the message's own Date is broken or missing.</param>
/// <param name="Problem">for <see cref="RawKind.Problem"/>: what went wrong, for the user.</param>
/// <param name="Checkpoint">resume token valid once this item is stored (e.g. the commit id); null when the source has none.</param>
public sealed record RawMessage(
    RawKind Kind,
    byte[] Bytes,
    SourceLocator Locator,
    DateTimeOffset? CommitTime = null,
    string? Problem = null,
    string? Checkpoint = null)
{
    public static RawMessage Of(byte[] bytes, SourceLocator locator, DateTimeOffset? commitTime = null, string? checkpoint = null) =>
        new(RawKind.Message, bytes, locator, commitTime, null, checkpoint);

    public static RawMessage Failure(SourceLocator locator, string problem, string? checkpoint = null) =>
        new(RawKind.Problem, [], locator, null, problem, checkpoint);
}
