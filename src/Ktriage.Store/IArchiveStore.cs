using Ktriage.Core.Mail;

namespace Ktriage.Store;

/// <summary>The archive: messages, copies, threads, full text and incremental ingest state.</summary>
public interface IArchiveStore : IDisposable
{
    /// <summary>The resume token last committed for a source origin (e.g. an epoch's last commit), or null.</summary>
    string? GetCheckpoint(string origin);

    /// <summary>A unit of work: everything added through it, and its checkpoint, commits atomically or not at all.</summary>
    IIngestBatch BeginBatch();

    /// <summary>Waits until search sees every committed batch (the full-text index may be written in the background).</summary>
    void FlushIndex() { }

    IEnumerable<MessageRow> Messages(string? list = null);
    IReadOnlyList<MessageRow> FindMessages(string messageId);
    IReadOnlyList<MessageRow> ThreadMessages(long threadId);
    IReadOnlyList<CopyRow> Copies(long messageRowId);
    IReadOnlyList<string> SimilarIds(string fragment, int limit);
    IReadOnlyList<MessageRow> Search(string ftsQuery, int limit);
    IReadOnlyList<ProblemRow> Problems(int limit);
    StoreStats Stats();

    // Browsing (web UI, issue 6).
    /// <summary>Every list with its number of messages and newest date, by name.</summary>
    IReadOnlyList<ListRow> Lists();
    /// <summary>Threads with messages on <paramref name="list"/>, most recently active first (lore's list index).</summary>
    IReadOnlyList<ThreadRow> ListThreads(string list, int offset, int limit);
    /// <summary>The newest messages of a list, newest first (its Atom feed).</summary>
    IReadOnlyList<MessageRow> NewestMessages(string list, int limit);
}

public interface IIngestBatch : IDisposable
{
    AddOutcome Add(Message message, RawMessage raw, string list, MessageFacts? facts = null);
    AddOutcome Delete(Message message, RawMessage raw, string list);
    void Problem(RawMessage raw);
    /// <summary>A problem reported earlier at this locator is gone (it was read again and stored: --retry-problems).</summary>
    void Resolved(SourceLocator locator);
    void SetCheckpoint(string origin, string value);
    void Commit();
}
