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
}

public interface IIngestBatch : IDisposable
{
    AddOutcome Add(Message message, RawMessage raw, string list, MessageFacts? facts = null);
    AddOutcome Delete(Message message, RawMessage raw, string list);
    void Problem(RawMessage raw);
    void SetCheckpoint(string origin, string value);
    void Commit();
}
