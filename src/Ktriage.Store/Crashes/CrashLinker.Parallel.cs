using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ktriage.Store.Crashes;

/// <summary>How <see cref="CrashLinker"/> spreads clusters over threads. The tables it writes do not depend on it:
/// clusters are computed in any order (every cache holds a pure function of its key) and written in cluster order.</summary>
/// <param name="Threads">computing threads (1: the calling thread alone).</param>
/// <param name="Reverse">compute the last cluster first (tests: the result must not depend on the order).</param>
/// <param name="IgnoreStored">read replies and candidate texts from their raw copies, as for a database ingested before
/// reply_texts and patches.in_words (tests: what ingest stored must give the same links).</param>
/// <param name="Counts">what the refresh read (tests).</param>
internal sealed record LinkSchedule(int Threads, bool Reverse = false, bool IgnoreStored = false, LinkCounts? Counts = null)
{
    /// <summary>Both cores on the usual machine; KTRIAGE_LINK_THREADS=N to measure, 1 for one thread.</summary>
    public static LinkSchedule Default { get; } = new(
        int.TryParse(Environment.GetEnvironmentVariable("KTRIAGE_LINK_THREADS"), out var n) && n > 0 ? n : Math.Min(Environment.ProcessorCount, 4));

    /// <summary>Set by tests around a refresh (flows with the calling code only, so parallel tests do not see each other's).</summary>
    public static readonly AsyncLocal<LinkSchedule?> Override = new();

    public static LinkSchedule Current => Override.Value ?? Default;
}

internal sealed partial class CrashLinker
{
    /// <summary>Computes the groups' rows on <see cref="LinkSchedule.Current"/>'s threads and writes them on this one,
    /// in group order, each as soon as it and those before it are ready. Returns the number of computing threads.</summary>
    int ComputeAndWrite(List<List<Member>> groups, Dictionary<string, List<(long Message, string Trailer)>> closes)
    {
        var schedule = LinkSchedule.Current;
        var threads = Math.Max(1, Math.Min(schedule.Threads, groups.Count));
        if (threads == 1 && !schedule.Reverse)
        {
            foreach (var group in groups) Write(Compute(group, closes));
            return 1;
        }
        var results = groups.Select(_ => new TaskCompletionSource<ClusterResult>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        // The first failure stops the workers and the writer (which may be waiting for a cluster nobody will compute now).
        var failure = new TaskCompletionSource<ClusterResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = -1;
        void Work()
        {
            for (int k; !failure.Task.IsCompleted && (k = Interlocked.Increment(ref next)) < groups.Count;)
            {
                var i = schedule.Reverse ? groups.Count - 1 - k : k;
                try { results[i].SetResult(Compute(groups[i], closes)); }
                catch (Exception e) { failure.TrySetException(e); }
            }
        }
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            foreach (var r in results) Write(Task.WhenAny(r.Task, failure.Task).GetAwaiter().GetResult().GetAwaiter().GetResult());
        }
        finally
        {
            // The workers use this transaction's connection: none may outlive the refresh, even when one failed.
            failure.TrySetCanceled();
            Task.WaitAll(workers);
        }
        return threads;
    }
}

/// <summary>Messages a refresh parsed from their raw copies, replies it read as ingest stored them, and candidate
/// texts it did not read because their stored words cannot name the crash.</summary>
internal sealed class LinkCounts
{
    public int Parses, StoredReplies, SkippedTexts;
}

/// <summary>A cache whose values are computed once per key, on whichever thread asks first; the others wait for it.</summary>
internal sealed class OnceCache<TKey, TValue> where TKey : notnull
{
    readonly ConcurrentDictionary<TKey, Lazy<TValue>> map = new();

    public TValue Get(TKey key, Func<TKey, TValue> compute) =>
        map.TryGetValue(key, out var known) ? known.Value
            : map.GetOrAdd(key, k => new Lazy<TValue>(() => compute(k), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public int Count => map.Count;

    public IEnumerable<TValue> Values => map.Values.Where(v => v.IsValueCreated).Select(v => v.Value);
}

/// <summary>One thread's turn on the linker's connection: <see cref="PhaseTimes"/> get the time waited for it and held.</summary>
internal readonly ref struct DbTurn
{
    readonly Lock.Scope scope;
    readonly PhaseTimes.Phase held;

    public DbTurn(Lock gate, PhaseTimes times, string what)
    {
        using (times.Time("db: waiting")) scope = gate.EnterScope();
        held = times.Time(what);
    }

    public void Dispose()
    {
        held.Dispose();
        scope.Dispose();
    }
}

/// <summary>Thread time and allocations per phase of the linker, summed over threads (KTRIAGE_LINK_TIMING).</summary>
internal sealed class PhaseTimes
{
    readonly ConcurrentDictionary<string, long[]> totals = new();

    public Phase Time(string name) => new(totals.TryGetValue(name, out var t) ? t : totals.GetOrAdd(name, static _ => new long[2]));

    public readonly struct Phase(long[] total) : IDisposable
    {
        readonly long start = Stopwatch.GetTimestamp(), allocated = GC.GetAllocatedBytesForCurrentThread();

        public void Dispose()
        {
            Interlocked.Add(ref total[0], Stopwatch.GetTimestamp() - start);
            Interlocked.Add(ref total[1], GC.GetAllocatedBytesForCurrentThread() - allocated);
        }
    }

    public override string ToString() => string.Join(", ", totals.OrderBy(t => t.Key, StringComparer.Ordinal)
        .Select(t => $"{t.Key} {(double)t.Value[0] / Stopwatch.Frequency:F2} s/{t.Value[1] >> 20} MiB"));
}
