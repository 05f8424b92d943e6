using Ktriage.Core.Crashes;
using Ktriage.Core.Patches;

namespace Ktriage.Store;

/// <summary>What Understanding found in one message, stored with it at ingest.</summary>
public sealed record MessageFacts(PatchInfo? Patch, IReadOnlyList<CrashReport> Crashes)
{
    /// <summary>Worth a patches row: a patch, pull or cover, or a reply carrying trailers, review signals or commit ids.</summary>
    public bool HasPatchFacts => Patch is { } p &&
        (p.Kind != MessageKind.Comment || p.Trailers.Count > 0 || p.Signals.Count > 0 || p.Commits.Count > 0);

    /// <summary>patches.description: the commit message (linking reads it for every candidate fix).</summary>
    public string? Description { get; init; }

    /// <summary>patches.in_words: <see cref="Ktriage.Core.Links.InWords.Of"/> of the message (linking reads the text of
    /// a candidate fix only when these may name the crash).</summary>
    public string? InWords { get; init; }

    string? patchJson;
    string[]? crashJsons;

    /// <summary>The patches.info JSON (serialised once; <see cref="Prepare"/> does it on a parse worker, off the store thread).</summary>
    public string PatchJson => patchJson ??= System.Text.Json.JsonSerializer.Serialize(Patch, StoreJson.Options);

    /// <summary>The crash_reports.report JSON of each crash, in order.</summary>
    public IReadOnlyList<string> CrashJsons =>
        crashJsons ??= Crashes.Select(r => System.Text.Json.JsonSerializer.Serialize(r, StoreJson.Options)).ToArray();

    /// <summary>What ingest understands of a parsed message (on a parse worker, off the store thread).</summary>
    public static MessageFacts Understand(Ktriage.Core.Mail.Message m)
    {
        var patch = Ktriage.Core.Patches.PatchAnalyzer.Analyze(m);
        var facts = new MessageFacts(patch, Ktriage.Core.Crashes.CrashAnalyzer.Analyze(m.AllText))
        {
            Description = patch is null ? null : Ktriage.Core.Links.LinkText.CommitMessage(m.Body),
        };
        return facts.HasPatchFacts ? facts with { InWords = Ktriage.Core.Links.InWords.Of(m.Subject, m.AllText) } : facts;
    }

    /// <summary>Serialises what the store will write now, on the calling thread.</summary>
    public MessageFacts Prepare()
    {
        if (HasPatchFacts) _ = PatchJson;
        _ = CrashJsons;
        return this;
    }
}

/// <summary>A stored message as listed by <c>ktriage messages</c> (one per distinct message; copies folded).</summary>
public sealed record MessageRow(
    long Id,
    string MessageId,
    string? Blob,
    string List,
    long ThreadId,
    string Subject,
    string From,
    string FromEmail,
    DateTimeOffset Date,
    string? InReplyTo,
    IReadOnlyList<string> References,
    int Copies,
    bool SharedId);

/// <summary>One stored copy of a message: the bytes exactly as received and where they came from.</summary>
public sealed record CopyRow(long MessageRowId, string List, string Origin, string? Blob, string? Commit, byte[] Raw);

/// <summary>A list of the archive: messages with a copy on it, and the newest one's date.</summary>
public sealed record ListRow(string Name, long Messages, DateTimeOffset? Newest);

/// <summary>A thread as listed on a list's index page: its first message, how many messages it has there, last activity.</summary>
public sealed record ThreadRow(long ThreadId, MessageRow Root, int Messages, DateTimeOffset LastDate);

/// <summary>What an ingest batch did with one item.</summary>
public enum AddOutcome { Added, NewCopy, Duplicate, Deleted, NotFound }

public sealed record StoreStats(long Messages, long Copies, long Threads, long Lists, long Problems, IReadOnlyDictionary<string, long> Extra)
{
    /// <summary>The counts, through a store's scalar query (the SQL is the same on every store).</summary>
    public static StoreStats Read(Func<string, long> count) => new(
        count("SELECT count(*) FROM messages"),
        count("SELECT count(*) FROM copies"),
        count("SELECT count(DISTINCT thread_id) FROM messages"),
        count("SELECT count(*) FROM lists"),
        count("SELECT count(*) FROM problems"),
        new Dictionary<string, long>
        {
            ["patches"] = count("SELECT count(*) FROM patches WHERE kind IN ('Patch', 'PullRequest')"),
            ["coverLetters"] = count("SELECT count(*) FROM patches WHERE kind = 'CoverLetter'"),
            ["trailers"] = count("SELECT count(*) FROM trailers"),
            ["crashReports"] = count("SELECT count(*) FROM crash_reports"),
            ["crashTitles"] = count("SELECT count(DISTINCT title) FROM crash_reports"),
        });
}

public sealed record ProblemRow(string Origin, string Locator, string Problem, DateTimeOffset At);

/// <summary>A user-facing store error (bad database path, newer schema...): the message says what to do.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
