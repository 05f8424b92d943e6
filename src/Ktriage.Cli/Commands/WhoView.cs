using System.CommandLine;
using Ktriage.Core.Crashes;
using Ktriage.Core.Maintainers;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary>Shared by who, oops and crash: choosing the imported tree nearest to a kernel version, and printing owners.</summary>
internal static class WhoView
{
    /// <summary>The tree nearest to <paramref name="version"/> (the newest without one); null when none is imported.</summary>
    public static IKernelTree? Tree(IArchiveStore store, string? version, string? pinned = null)
    {
        if (store is not IKernelStore kernels) return null;
        var trees = kernels.KernelTrees();
        if (pinned is not null)
        {
            var exact = trees.FirstOrDefault(t => t.Version == pinned)
                ?? throw new UserError($"--kernel {pinned}: no such kernel tree imported (have: {(trees.Count == 0 ? "none" : string.Join(", ", trees.Select(t => t.Version)))})");
            return kernels.LoadKernelTree(exact.Id);
        }
        return kernels.NearestKernelTree(version);
    }

    /// <summary>Opens the database only when it exists (oops works without one), and returns the tree for a crash.</summary>
    public static (IArchiveStore? Store, Func<string?, IKernelTree?> TreeFor) Optional(ParseResult pr)
    {
        var path = Globals.DbPath(pr);
        if (!File.Exists(path)) return (null, _ => null);
        IArchiveStore store;
        try
        {
            store = Globals.OpenStore(pr, readOnly: true);
        }
        catch (Exception e) when (e is StoreException or UserError)
        {
            return (null, _ => null); // a broken database must not stop crash analysis, which needs none
        }
        var cache = new Dictionary<string, IKernelTree?>();
        return (store, v => cache.TryGetValue(v ?? "", out var t) ? t : cache[v ?? ""] = Tree(store, v));
    }

    public static void Print(WhoReport w, string indent = "", bool reply = true)
    {
        foreach (var line in w.Lines(reply)) Console.WriteLine(indent + line);
    }
}
