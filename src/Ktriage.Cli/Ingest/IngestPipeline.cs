using System.Diagnostics;
using System.Threading.Channels;
using Ktriage.Core.Mail;
using Ktriage.Sources;
using Ktriage.Store;

namespace Ktriage.Cli.Ingest;

/// <summary>Counts of one ingest, per source and in total.</summary>
public sealed class IngestSummary
{
    public long Added { get; set; }
    public long NewCopies { get; set; }
    public long Duplicates { get; set; }
    public long Deleted { get; set; }
    public long DeleteMisses { get; set; }
    public long Problems { get; set; }
    /// <summary>Problems of earlier ingests cleared because the message is stored now (--retry-problems).</summary>
    public long Resolved { get; set; }
    public long Seen => Added + NewCopies + Duplicates + Deleted + DeleteMisses + Problems;
    public double Seconds { get; set; }
    public List<string> ProblemDetails { get; } = [];

    /// <summary>Both runs' counts (a retry of earlier problems, then the new items).</summary>
    public IngestSummary Plus(IngestSummary other)
    {
        var sum = new IngestSummary
        {
            Added = Added + other.Added, NewCopies = NewCopies + other.NewCopies, Duplicates = Duplicates + other.Duplicates,
            Deleted = Deleted + other.Deleted, DeleteMisses = DeleteMisses + other.DeleteMisses, Problems = Problems + other.Problems,
            Resolved = Resolved + other.Resolved, Seconds = Seconds + other.Seconds,
        };
        sum.ProblemDetails.AddRange(ProblemDetails.Concat(other.ProblemDetails));
        return sum;
    }
}

/// <summary>Sources → Mail → Store. Messages are parsed in parallel but stored in source order (threading depends
/// on order): the reader queues one parse task per message into a bounded channel (memory stays flat) and the
/// store awaits them in order. Each batch commits its messages and the source checkpoint together, so a killed ingest resumes
/// exactly after the last committed batch; re-stored items are recognised by content hash.</summary>
public sealed class IngestPipeline(IArchiveStore store, int batchSize = 2000)
{
    readonly int batchSize = int.TryParse(Environment.GetEnvironmentVariable("KTRIAGE_BATCH"), out var b) ? b : batchSize;
    sealed record Parsed(RawMessage Raw, Message? Message, MessageFacts? Facts = null, string? Note = null);

    public Task<IngestSummary> RunAsync(IMessageSource source, string list, Action<long>? progress = null, CancellationToken ct = default) =>
        RunAsync(source, source.ReadAsync(store.GetCheckpoint(source.Origin), ct), retry: false, list, progress, ct);

    /// <summary>Reads again what earlier ingests of <paramref name="source"/> reported as problems (a repaired repository,
    /// a newer ktriage): only the commits they name when the source can (<see cref="IRereadableSource"/>), else the
    /// whole source (stored messages are recognised by content hash). A problem whose message is stored now is cleared
    /// in the same batch; one that happens again is reported again. Checkpoints are left where they are.</summary>
    public Task<IngestSummary> RetryProblemsAsync(IMessageSource source, string list, Action<long>? progress = null, CancellationToken ct = default)
    {
        var locators = store.Problems(int.MaxValue).Where(p => p.Origin == source.Origin).Select(p => p.Locator).ToList();
        if (locators.Count == 0) return Task.FromResult(new IngestSummary());
        var items = source is IRereadableSource reread ? reread.RereadAsync(locators, ct) : source.ReadAsync(null, ct);
        return RunAsync(source, items, retry: true, list, progress, ct);
    }

    async Task<IngestSummary> RunAsync(IMessageSource source, IAsyncEnumerable<RawMessage> items, bool retry, string list, Action<long>? progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        long peakRss = 0, heapAtPeak = 0, committedAtPeak = 0;
        string statusAtPeak = "";
        using var sampler = Ktriage.Store.Sqlite.SqliteArchiveStore.TimingReport() is null ? null : new Timer(_ =>
        {
            using var self = Process.GetCurrentProcess();
            var rss = self.WorkingSet64;
            if (rss <= peakRss) return;
            var info = GC.GetGCMemoryInfo();
            (peakRss, heapAtPeak, committedAtPeak) = (rss, GC.GetTotalMemory(false), info.TotalCommittedBytes);
            statusAtPeak = "gens after last GC " + string.Join("/", info.GenerationInfo.ToArray().Select(g => (g.SizeAfterBytes >> 20) + "M")) + " " + string.Join(" ", File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("Rss") || l.StartsWith("Threads")).Select(l => string.Join("", l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        }, null, 0, 100);
        var summary = new IngestSummary();
        var channel = Channel.CreateBounded<(Task<Parsed> Parse, int Bytes)>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        // The parse-ahead window's second bound: 8 MiB of raw mail read but not stored. 64 messages of a few KiB are
        // nothing, but 64 mails of a MiB each, with their decoded texts and analysis, would fill the heap limit.
        var ahead = new SizeBudget(8 << 20);

        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var raw in items.WithCancellation(ct))
                {
                    IngestMemory.Fit(raw.Bytes.Length);
                    await ahead.EnterAsync(raw.Bytes.Length, ct);
                    var parse = raw.Kind == RawKind.Problem
                        ? Task.FromResult(new Parsed(raw, null))
                        : Task.Run(() => Understand(raw), ct);
                    await channel.Writer.WriteAsync((parse, raw.Bytes.Length), ct);
                }
                channel.Writer.Complete();
            }
            catch (Exception e) { channel.Writer.Complete(e); }
        }, ct);

        var batch = store.BeginBatch();
        var inBatch = 0;
        long waitTicks = 0, applyTicks = 0;
        string? checkpoint = null;
        try
        {
            await foreach (var pending in channel.Reader.ReadAllAsync(ct))
            {
                var w0 = Stopwatch.GetTimestamp();
                var item = await pending.Parse;
                ahead.Leave(pending.Bytes);
                var w1 = Stopwatch.GetTimestamp();
                Apply(batch, item, list, summary, retry);
                waitTicks += w1 - w0;
                applyTicks += Stopwatch.GetTimestamp() - w1;
                if (!retry && item.Raw.Checkpoint is { } cp) checkpoint = cp;
                if (++inBatch >= batchSize)
                {
                    if (checkpoint is not null) batch.SetCheckpoint(source.Origin, checkpoint);
                    batch.Commit();
                    batch.Dispose();
                    batch = store.BeginBatch();
                    inBatch = 0;
                    progress?.Invoke(summary.Seen);
                }
            }
            await producer;
            if (checkpoint is not null) batch.SetCheckpoint(source.Origin, checkpoint);
            batch.Commit();
            store.FlushIndex();
            progress?.Invoke(summary.Seen);
        }
        finally
        {
            batch.Dispose();
        }
        summary.Seconds = watch.Elapsed.TotalSeconds;
        if (Ktriage.Store.Sqlite.SqliteArchiveStore.TimingReport() is { } report)
        {
            Console.Error.WriteLine($"ingest timing: wall={summary.Seconds:F2}s wait-parse={waitTicks / (double)Stopwatch.Frequency:F2}s apply={applyTicks / (double)Stopwatch.Frequency:F2}s {report}");
            if (store is Ktriage.Store.Sqlite.SqliteArchiveStore sq) Console.Error.WriteLine(sq.MemoryReport());
            Console.Error.WriteLine("cpu by thread: " + ThreadCpu());
            Console.Error.WriteLine($"memory: peak RSS {peakRss >> 20} MiB (GC limit {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 20} MiB), then GC heap {heapAtPeak >> 20} MiB, GC committed {committedAtPeak >> 20} MiB; gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s; {statusAtPeak}");
        }
        return summary;
    }

    /// <summary>CPU seconds per thread name so far, from /proc/self/task (for the timing report).</summary>
    static string ThreadCpu()
    {
        var byName = new Dictionary<string, double>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var seconds = (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;   // utime + stime, clock ticks
                byName[name] = byName.GetValueOrDefault(name) + seconds;
            }
            catch (IOException) { /* the thread ended */ }
        }
        return string.Join(", ", byName.Where(kv => kv.Value >= 0.05).OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:F1}"));
    }

    static readonly Lock Alone = new();

    /// <summary>Everything computed from one message without the store, on a worker thread. A step that does not fit in
    /// the heap limit (<see cref="IngestMemory"/>) beside the other messages in flight is tried once more alone; a
    /// message whose analysis still does not fit is stored without patch and crash facts, with a note.</summary>
    static Parsed Understand(RawMessage raw)
    {
        Message m;
        try
        {
            m = RetriedAlone(() =>
            {
                var parsed = MailParser.Parse(raw);
                _ = parsed.BodyHash;
                return parsed;
            });
        }
        catch (Ktriage.Core.InputLimitException e)
        {
            return new Parsed(RawMessage.Failure(raw.Locator, $"{e.Message}; skipped", raw.Checkpoint), null);
        }
        catch (Exception e)
        {
            // A parser bug must not stop an archive ingest: report the message like an unreadable blob.
            return new Parsed(RawMessage.Failure(raw.Locator, $"cannot parse message: {e.GetType().Name}: {e.Message}", raw.Checkpoint), null);
        }
        if (raw.Kind == RawKind.Deletion) return new Parsed(raw, m);
        try
        {
            return new Parsed(raw, m, RetriedAlone(() => Facts(m)));
        }
        catch (OutOfMemoryException)
        {
            return new Parsed(raw, m, Note: $"message stored without patch and crash analysis: it does not fit in the {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 20} MiB heap limit (KTRIAGE_INGEST_HEAP_MB)");
        }
        catch (Exception e)
        {
            // An analyser bug or a regex timeout (SafeRegex) on hostile text costs the message its facts, not its place.
            return new Parsed(raw, m, Note: $"message stored without patch and crash analysis: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>work(), or after running out of memory, work() again with no other message being retried and the heap
    /// collected first.</summary>
    static T RetriedAlone<T>(Func<T> work)
    {
        try { return work(); }
        catch (OutOfMemoryException)
        {
            lock (Alone)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                return work();
            }
        }
    }

    static MessageFacts Facts(Message m) => MessageFacts.Understand(m).Prepare();

    static void Apply(IIngestBatch batch, Parsed item, string list, IngestSummary summary, bool retry)
    {
        switch (item.Raw.Kind)
        {
            case RawKind.Problem:
                batch.Problem(item.Raw);
                summary.Problems++;
                summary.ProblemDetails.Add($"{item.Raw.Locator}: {item.Raw.Problem}");
                break;
            case RawKind.Deletion:
                if (batch.Delete(item.Message!, item.Raw, list) == AddOutcome.Deleted) summary.Deleted++;
                else summary.DeleteMisses++;
                break;
            default:
                // What was left out of a stored message (a limit, memory) is reported with the problems.
                if (item.Note is not null || item.Message!.Notes.Count > 0)
                {
                    var note = RawMessage.Failure(item.Raw.Locator, string.Join("; ", item.Message!.Notes.Append(item.Note).OfType<string>()), item.Raw.Checkpoint);
                    batch.Problem(note);
                    summary.ProblemDetails.Add($"{note.Locator}: {note.Problem}");
                }
                var outcome = batch.Add(item.Message!, item.Raw, list, item.Facts);
                switch (outcome)
                {
                    case AddOutcome.Added: summary.Added++; break;
                    case AddOutcome.NewCopy: summary.NewCopies++; break;
                    default: summary.Duplicates++; break;
                }
                // Stored only now: what kept it out before is gone. (A message that was already stored keeps its
                // note, e.g. "stored without patch and crash analysis": reading it again does not analyse it again.)
                if (retry && outcome is (AddOutcome.Added or AddOutcome.NewCopy) && item.Note is null && item.Message!.Notes.Count == 0)
                {
                    batch.Resolved(item.Raw.Locator);
                    summary.Resolved++;
                }
                break;
        }
    }
}
