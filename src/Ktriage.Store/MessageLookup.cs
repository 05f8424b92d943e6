using Ktriage.Core.Mail;

namespace Ktriage.Store;

/// <summary>Finds messages by a Message-ID the way people paste them: with or without brackets, or as a lore URL.
/// Shared by the CLI and the web UI.</summary>
public static partial class MessageLookup
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

    /// <summary>The messages with this id (several when the id is shared), or none and up to
    /// <paramref name="suggestions"/> stored ids containing it.</summary>
    public static (IReadOnlyList<MessageRow> Found, IReadOnlyList<string> Similar) Find(IArchiveStore store, string given, int suggestions = 5)
    {
        var id = Clean(given);
        var found = id.Length > 0 ? store.FindMessages(id) : [];
        if (found.Count > 0) return (found, []);
        return (found, id.Length >= 4 ? store.SimilarIds(id, suggestions) : []);
    }
}

/// <summary>User text → a query of the search language (<see cref="Core.Search.QueryParser"/>) that requires every
/// word of it.</summary>
public static class SearchText
{
    /// <summary>Each word quoted (so nothing in the text is query syntax), optionally under a prefix ("s:"); "" when the
    /// text has no words.</summary>
    public static string AllWords(string text, string prefix = "") =>
        string.Join(' ', Core.Search.QueryParser.SplitWords(text).Distinct().Select(w => prefix + "\"" + w + "\""));
}
