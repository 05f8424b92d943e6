using Ktriage.Core.Maintainers;

namespace Ktriage.Store;

/// <summary>Kernel source trees imported by <c>ktriage kernel import</c>: MAINTAINERS, file list, function index.</summary>
public interface IKernelStore
{
    /// <summary>Stores a tree, replacing one of the same version (re-importing is idempotent). Returns its id.</summary>
    long ImportKernelTree(KernelTreeData tree);

    /// <summary>Imported trees, newest version first (empty when none, or in a database that never had one).</summary>
    IReadOnlyList<KernelTreeRow> KernelTrees();

    /// <summary>One tree, loaded for matching (MAINTAINERS parsed; files and functions looked up on demand).</summary>
    IKernelTree LoadKernelTree(long id);
}

public static class KernelStoreExtensions
{
    /// <summary>The imported tree nearest to a crash's kernel version (the newest when the crash names none), loaded;
    /// null when no tree is imported. What the CLI and the web crash page give <see cref="WhoReport.ForCrash"/>.</summary>
    public static IKernelTree? NearestKernelTree(this IKernelStore store, string? kernelVersion)
    {
        var best = KernelVersion.Nearest(store.KernelTrees(), t => t.ParsedVersion, KernelVersion.Parse(kernelVersion));
        return best is null ? null : store.LoadKernelTree(best.Id);
    }
}

public sealed record KernelTreeRow(long Id, string Version, string Source, DateTimeOffset ImportedAt, int Files, int Functions, int Sections)
{
    public KernelVersion? ParsedVersion => KernelVersion.Parse(Version);
}

/// <summary>One file of an imported tree. <paramref name="Keywords"/>: MAINTAINERS sections whose K: matched its text.</summary>
public sealed record KernelFileData(string Path, IReadOnlyList<int> Keywords, IReadOnlyList<string> Emails, IReadOnlyList<FunctionDefinition> Functions);

/// <param name="Files">empty when only a MAINTAINERS file was imported.</param>
/// <param name="Mailmap">the tree's .mailmap text (get_maintainer.pl maps addresses through it), or null.</param>
public sealed record KernelTreeData(string Version, string Source, string Maintainers, IReadOnlyList<KernelFileData> Files, string? Mailmap = null);
