using Ktriage.Core.Links;
using Ktriage.Core.Patches;

namespace Ktriage.Store.Crashes;

internal sealed partial class CrashLinker
{
    Dictionary<string, List<Msg>>? patchesByTitle;
    readonly OnceCache<long, List<Culprit>> culpritsCache = new();

    /// <summary>The commits a fix's Fixes: tags name, found in the archive by their quoted subject: the first
    /// posting of that subject before the fix (the date it could first have been applied), with what it touched.</summary>
    List<Culprit> Culprits(Msg fix) => culpritsCache.Get(fix.Id, _ =>
    {
        var list = new List<Culprit>();
        var tags = CommitMentions.Find("", Trailers(fix.Id).Where(t => t.Name.Equals("fixes", StringComparison.OrdinalIgnoreCase))
            .Select(t => Trailer.Create(t.Name, t.Value)).ToList());
        foreach (var tag in tags.Where(t => t.Kind == MentionKind.FixesTag && t.Subject is not null))
        {
            // Patches() is by date: the first posting before the fix.
            if (PatchesByTitle().GetValueOrDefault(tag.Subject!.Trim())?.FirstOrDefault(m => m.Date < fix.Date && m.Id != fix.Id) is not { } culprit) continue;
            list.Add(new Culprit(tag.Sha, tag.Subject.Trim(), culprit.Date, Functions(culprit), Files(culprit)));
        }
        return list;
    });

    Dictionary<string, List<Msg>> PatchesByTitle()
    {
        if (Volatile.Read(ref patchesByTitle) is { } known) return known;
        lock (lazyLock)
        {
            var map = patchesByTitle ?? Patches().GroupBy(m => Subject(m).Title, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            Volatile.Write(ref patchesByTitle, map);
            return map;
        }
    }
}
