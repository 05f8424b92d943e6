namespace Ktriage.Core.Patches;

/// <summary>Person trailers name someone (Reviewed-by); utility trailers carry a reference (Fixes, Link).</summary>
public enum TrailerKind { Person, Utility, Unknown }

/// <summary>
/// One "Name: value" trailer, with b4's semantics: person values are normalised to "Name &lt;email&gt;",
/// extra info ("# comment" at the end, or a "[for the foo bits]" line under it) is kept but never compared.
/// </summary>
/// <param name="Original">the value as written, when normalising changed it (e.g. a quoted "Name"): re-emitted as is.</param>
public sealed record Trailer(string Name, string Value, string? ExtInfo, TrailerKind Kind, string? PersonName, string? Email, string? Original = null)
{
    static readonly HashSet<string> UtilityNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "fixes", "link", "buglink", "closes", "obsoleted-by", "message-id", "change-id", "base-commit", "based-on",
    };

    public string LName => Name.ToLowerInvariant();

    public static Trailer Create(string name, string value, string? extInfo = null)
    {
        value = value.Trim();
        if (UtilityNames.Contains(name) || value.Contains("://", StringComparison.Ordinal))
            return new Trailer(name, value, extInfo, TrailerKind.Utility, null, null);
        var (person, email) = SplitAddress(value);
        if (email is null) return new Trailer(name, value, extInfo, TrailerKind.Unknown, null, null);
        var normalized = string.IsNullOrEmpty(person) ? email : $"{person} <{email}>";
        return new Trailer(name, normalized, extInfo, TrailerKind.Person, person, email, normalized == value ? null : value);
    }

    /// <summary>"Name &lt;a@b.c&gt;", "\"Doe, Jane\" &lt;a@b.c&gt;" or a bare address; null email when there is none.</summary>
    internal static (string? Name, string? Email) SplitAddress(string value)
    {
        var lt = value.LastIndexOf('<');
        var gt = value.LastIndexOf('>');
        if (lt >= 0 && gt > lt)
        {
            var email = value[(lt + 1)..gt].Trim();
            if (!LooksLikeEmail(email)) return (null, null);
            var name = value[..lt].Trim();
            if (name.Length >= 2 && name[0] == '"' && name[^1] == '"') name = name[1..^1].Replace("\\\"", "\"").Trim();
            return (name, email);
        }
        foreach (var token in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (LooksLikeEmail(token)) return ("", token.Trim('(', ')', ',', ';'));
        return (null, null);
    }

    /// <summary>b4's "\S+@\S+\.\S+".</summary>
    internal static bool LooksLikeEmail(string s)
    {
        var at = s.IndexOf('@');
        if (at <= 0 || at == s.Length - 1) return false;
        var dot = s.IndexOf('.', at + 2);
        return dot > 0 && dot < s.Length - 1 && !s.Contains(' ');
    }

    /// <summary>Equal as b4 compares trailers: name and value, case-insensitively; extra info ignored.</summary>
    public bool SameAs(Trailer other) =>
        string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>The trailer as written in a commit message (extra info on its line or the next).</summary>
    /// <param name="asWritten">use the value exactly as the author wrote it (for trailers already in a commit).</param>
    public string AsString(bool omitExtInfo = false, bool asWritten = false)
    {
        var s = $"{Name}: {(asWritten && Original is not null ? Original : Value)}";
        if (ExtInfo is null || omitExtInfo) return s;
        return ExtInfo.TrimStart().StartsWith('#') ? s + ExtInfo : s + "\n" + ExtInfo;
    }

    public override string ToString() => AsString();

    /// <summary>
    /// Whether this trailer's address is <paramref name="other"/>: exactly, or after dropping a +tag
    /// (foo+kernel@x = foo@x), or with one domain a subdomain of the other (foo@linux.intel.com = foo@intel.com).
    /// </summary>
    public bool EmailMatches(string? other)
    {
        if (Email is null || string.IsNullOrEmpty(other)) return false;
        var ours = Email.ToLowerInvariant();
        var theirs = other.ToLowerInvariant();
        if (ours == theirs) return true;
        var oat = ours.IndexOf('@');
        var tat = theirs.IndexOf('@');
        if (oat <= 0 || tat <= 0) return false;
        string StripTag(string addr, int at) { var plus = addr.IndexOf('+'); return plus > 0 && plus < at ? addr[..plus] + addr[at..] : addr; }
        ours = StripTag(ours, oat);
        theirs = StripTag(theirs, tat);
        if (ours == theirs) return true;
        oat = ours.IndexOf('@');
        tat = theirs.IndexOf('@');
        if (ours[..oat] != theirs[..tat]) return false;
        var od = ours[(oat + 1)..];
        var td = theirs[(tat + 1)..];
        return Math.Abs(od.Count(c => c == '.') - td.Count(c => c == '.')) == 1
            && (od.EndsWith("." + td, StringComparison.Ordinal) || td.EndsWith("." + od, StringComparison.Ordinal));
    }
}
