namespace Ktriage.Store;

/// <summary>
/// A bound on the size of what one producer has handed on and its consumer has not finished yet (bytes of mail, chars
/// of text): <see cref="Enter"/> waits while the budget is spent, except that one item bigger than the whole budget
/// is let in alone. Ingest's queues are bounded in items too; this second bound keeps a run of big messages within
/// the ingest's GC heap limit (IngestMemory), where 64 or 256 of them at a MiB each would not fit.
/// </summary>
public sealed class SizeBudget(long max)
{
    long used;
    readonly SemaphoreSlim freed = new(0);

    bool Full(long size) => Interlocked.Read(ref used) is var now && now > 0 && now + size > max;

    public void Enter(long size)
    {
        while (Full(size)) freed.Wait(50);
        Interlocked.Add(ref used, size);
    }

    public async ValueTask EnterAsync(long size, CancellationToken ct)
    {
        while (Full(size)) await freed.WaitAsync(50, ct);
        Interlocked.Add(ref used, size);
    }

    /// <summary>The consumer is done with an item of this size.</summary>
    public void Leave(long size)
    {
        Interlocked.Add(ref used, -size);
        if (freed.CurrentCount == 0) freed.Release();
    }
}
