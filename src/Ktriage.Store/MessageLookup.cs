using System.Text.RegularExpressions;
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

/// <summary>User text → the store's full-text query syntax.</summary>
public static partial class SearchText
{
    [GeneratedRegex(@"[\p{L}\p{N}_]+")]
    private static partial Regex Words();

    /// <summary>User text → an FTS5 query of quoted words joined by AND, split like the index's tokenizer splits
    /// (letters, digits, '_'), so user text can never be FTS5 syntax: no operators, column filters or errors.</summary>
    public static string ToFts(string text) =>
        string.Join(" AND ", Words().Matches(text).Select(m => "\"" + m.Value + "\"").Distinct());
}
