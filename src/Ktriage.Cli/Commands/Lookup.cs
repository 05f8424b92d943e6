using Ktriage.Core.Mail;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary>Finds messages by a Message-ID the way people paste them: with or without brackets, or as a lore URL.</summary>
internal static class Lookup
{
    public static string Clean(string id)
    {
        id = id.Trim();
        // https://lore.kernel.org/list/<msgid>/ and mid.gmane.org/<msgid> forms.
        if (id.Contains("://") || id.StartsWith("mid.gmane.org/", StringComparison.Ordinal))
        {
            var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
            id = parts.LastOrDefault(p => p.Contains('@')) ?? id;
            id = Uri.UnescapeDataString(id);
        }
        return MessageIds.Normalize(id);
    }

    public static IReadOnlyList<MessageRow> All(IArchiveStore store, string given)
    {
        var id = Clean(given);
        var found = store.FindMessages(id);
        if (found.Count > 0) return found;
        var similar = id.Length >= 4 ? store.SimilarIds(id, 5) : [];
        throw new UserError(similar.Count > 0
            ? $"{given}: no message with this Message-ID; did you mean {string.Join(", ", similar.Select(s => "<" + s + ">"))}?"
            : $"{given}: no message with this Message-ID in the archive");
    }

    public static MessageRow One(IArchiveStore store, string given) => All(store, given)[0];
}
