namespace Ktriage.Core.Mail;

/// <summary>Message-ID extraction with public-inbox's rules, so that threads group exactly like lore's.</summary>
public static class MessageIds
{
    /// <summary>public-inbox's MAX_MID_SIZE: longer ids are truncated (own id) or ignored (references).</summary>
    public const int MaxLength = 244;

    /// <summary>Every &lt;id&gt; in a raw (undecoded) header value. Raw on purpose: public-inbox does not decode
    /// RFC 2047 in these headers, so an encoded In-Reply-To does not link on lore and must not here.</summary>
    /// <remarks>The matches of public-inbox's <c>/&lt;([^&gt;]+)&gt;/g</c>, found with IndexOf rather than a regex (this
    /// runs on every References header at ingest): from a '&lt;', the text up to the next '&gt;' when there is any.</remarks>
    public static IEnumerable<string> AllIn(string? headerValue)
    {
        if (string.IsNullOrEmpty(headerValue)) yield break;
        for (int at = 0; ;)
        {
            int open = headerValue.IndexOf('<', at);
            if (open < 0) yield break;
            int close = headerValue.IndexOf('>', open + 1);
            if (close < 0) yield break;
            if (close == open + 1) { at = open + 1; continue; } // "<>": the regex moves on one character
            var id = Normalize(headerValue.AsSpan(open + 1, close - open - 1));
            if (id.Length > 0) yield return id;
            at = close + 1;
        }
    }

    /// <summary>The ids of a Message-ID header: bracketed ones, else the whole value (public-inbox's mids()).</summary>
    public static IEnumerable<string> OwnIds(string? headerValue)
    {
        if (string.IsNullOrWhiteSpace(headerValue)) yield break;
        var any = false;
        foreach (var id in AllIn(headerValue)) { any = true; yield return Truncate(id); }
        if (!any)
        {
            var bare = Normalize(headerValue);
            if (bare.Length > 0) yield return Truncate(bare);
        }
    }

    /// <summary>Removes angle brackets, surrounding blanks and the CR/LF/TAB of folded headers. Inner spaces stay,
    /// as in public-inbox (tr/\n\t\r//d): ids that differ only there are different ids on lore too.</summary>
    public static string Normalize(string id) => Normalize(id.AsSpan());

    static string Normalize(ReadOnlySpan<char> id)
    {
        id = id.Trim();
        if (id.StartsWith('<')) id = id[1..];
        if (id.EndsWith('>')) id = id[..^1];
        if (id.IndexOfAny('\r', '\n', '\t') < 0) return id.ToString();
        Span<char> kept = id.Length <= 256 ? stackalloc char[id.Length] : new char[id.Length];
        var n = 0;
        foreach (var c in id)
            if (c is not ('\r' or '\n' or '\t')) kept[n++] = c;
        return kept[..n].ToString();
    }

    static string Truncate(string id) => id.Length > MaxLength ? id[..MaxLength] : id;
}
