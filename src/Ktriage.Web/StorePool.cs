using System.Collections.Concurrent;
using Ktriage.Store;

namespace Ktriage.Web;

/// <summary>Read-only stores lent to requests: a store is one SQLite connection, which must not be shared by two
/// threads at once; opening one per request would cost more than most pages.</summary>
public sealed class StorePool(Func<IArchiveStore> open, int maxIdle = 16) : IDisposable
{
    readonly ConcurrentBag<IArchiveStore> idle = [];

    public Lease Rent() => new(this, idle.TryTake(out var s) ? s : open());

    void Return(IArchiveStore store)
    {
        if (idle.Count < maxIdle) idle.Add(store);
        else store.Dispose();
    }

    public void Dispose()
    {
        while (idle.TryTake(out var s)) s.Dispose();
    }

    public readonly struct Lease(StorePool pool, IArchiveStore store) : IDisposable
    {
        public IArchiveStore Store => store;
        /// <summary>The crash knowledge base, when the store has one.</summary>
        public ICrashStore? Crashes => store as ICrashStore;
        public void Dispose() => pool.Return(store);
    }
}
