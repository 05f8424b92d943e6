using Ktriage.Core.Links;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary>Shared by <c>crashes</c> and <c>crash</c>: option parsing and opening the crash store (ranking: <see cref="CrashRanking"/>).</summary>
internal static class CrashView
{
    public static EvidenceKinds ParseKinds(string? text) =>
        FixScoring.ParseKinds(text) ?? throw new UserError($"--evidence {text}: expected explicit, thread, content or all (comma-separated)");

    public static ICrashStore Open(System.CommandLine.ParseResult pr, out IArchiveStore store)
    {
        // Clusters are derived data, refreshed lazily when the archive changed: needs write access, but must not
        // create a database that does not exist.
        var exists = File.Exists(Globals.DbPath(pr));
        store = Globals.OpenStore(pr, readOnly: !exists);
        var crashes = store as ICrashStore ?? throw new UserError($"{Globals.DbPath(pr)}: this store has no crash knowledge base");
        crashes.RefreshCrashLinks();
        return crashes;
    }
}
