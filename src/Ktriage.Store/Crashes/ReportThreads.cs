namespace Ktriage.Store.Crashes;

/// <summary>
/// The threads holding a crash report, as an ingest knows them: their replies get a reply_texts row
/// (<see cref="ReplyText"/>). Read once per open store, then kept by its batches as they store reports and merge
/// threads, so that a batch does not read them all again. A thread that another process gave a report meanwhile is
/// missed: its replies are read from their raw copies by the linker, as for an older database.
/// </summary>
internal sealed class ReportThreads
{
    public const string Query = "SELECT DISTINCT m.thread_id FROM crash_reports cr JOIN messages m ON m.id = cr.message";

    HashSet<long>? threads;

    /// <param name="read">runs <see cref="Query"/>, the first time.</param>
    public HashSet<long> Get(Func<IEnumerable<long>> read) => threads ??= [.. read()];
}
