using System.Text.RegularExpressions;

namespace Ktriage.Core.Mail;

/// <summary>Message-ID extraction with public-inbox's rules, so that threads group exactly like lore's.</summary>
public static partial class MessageIds
{
    /// <summary>public-inbox's MAX_MID_SIZE: longer ids are truncated (own id) or ignored (references).</summary>
    public const int MaxLength = 244;

    [GeneratedRegex(@"<([^>]+)>", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex Bracketed();

    /// <summary>Every &lt;id&gt; in a raw (undecoded) header value. Raw on purpose: public-inbox does not decode
    /// RFC 2047 in these headers, so an encoded In-Reply-To does not link on lore and must not here.</summary>
    public static IEnumerable<string> AllIn(string? headerValue)
    {
        if (string.IsNullOrEmpty(headerValue)) yield break;
        foreach (Match m in Bracketed().Matches(headerValue))
        {
            var id = Normalize(m.Groups[1].Value);
            if (id.Length > 0) yield return id;
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
    public static string Normalize(string id)
    {
        id = id.Trim();
        if (id.StartsWith('<')) id = id[1..];
        if (id.EndsWith('>')) id = id[..^1];
        if (id.AsSpan().IndexOfAny('\r', '\n', '\t') < 0) return id;
        return string.Concat(id.Where(c => c is not ('\r' or '\n' or '\t')));
    }

    static string Truncate(string id) => id.Length > MaxLength ? id[..MaxLength] : id;
}
