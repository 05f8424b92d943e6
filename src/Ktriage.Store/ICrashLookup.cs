using Ktriage.Core.Crashes;
using Ktriage.Core.Links;

namespace Ktriage.Store;

/// <summary>Matching new crash reports against the stored clusters (<c>ktriage oops --db</c>).</summary>
public interface ICrashLookup
{
    /// <summary>Clusters <paramref name="report"/> belongs to by the clustering rules, best first (at most <paramref name="max"/>).</summary>
    IReadOnlyList<CrashMatch> MatchCrash(CrashReport report, int max = 5);
}
