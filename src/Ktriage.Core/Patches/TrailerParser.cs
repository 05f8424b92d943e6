namespace Ktriage.Core.Patches;

/// <summary>A patch body cut the way b4 cuts it.</summary>
/// <param name="GitHeaders">a leading paragraph made only of "From: …"/"Subject: …" lines (in-body headers).</param>
/// <param name="Message">the commit message without its trailer block.</param>
/// <param name="Trailers">the trailers of the commit message's last paragraph.</param>
/// <param name="Basement">everything after the "---" line (notes, diffstat, diff), or the diff when there is no "---".</param>
/// <param name="Signature">text after the "-- " signature marker.</param>
public sealed record BodyParts(IReadOnlyList<Trailer> GitHeaders, string Message, IReadOnlyList<Trailer> Trailers, string Basement, string Signature);

/// <summary>Trailer extraction following b4's rules (find_trailers / get_body_parts).</summary>
public static class TrailerParser
{
    static readonly HashSet<string> Ignored = new(StringComparer.OrdinalIgnoreCase) { "phone", "email" };
    static readonly HashSet<string> HeaderNames = new(StringComparer.OrdinalIgnoreCase) { "subject", "date", "from" };
    static readonly HashSet<string> LinkNames = new(StringComparer.OrdinalIgnoreCase) { "link", "buglink", "closes" };
    static readonly HashSet<string> NonPerson = new(StringComparer.OrdinalIgnoreCase)
        { "link", "buglink", "closes", "fixes", "subject", "date", "obsoleted-by", "change-id", "base-commit" };
    // In a reply, "From:/Date:/Subject:" lines are a pasted or forwarded header block, never trailers given (found by
    // comparing with b4 am on the virtualization list).
    static readonly HashSet<string> FollowupNeverTrailers = new(StringComparer.OrdinalIgnoreCase) { "from", "author", "email", "date", "subject" };

    /// <summary>
    /// Trailers in <paramref name="text"/> and the lines that are not trailers. With <paramref name="followup"/>
    /// (a reply's body) only person trailers with an address and known utility trailers count, so prose such
    /// as "Note: …" is not taken for a trailer. Quoted lines ("&gt; Reviewed-by: …") never match.
    /// </summary>
    public static (List<Trailer> Trailers, List<string> Others) Find(string text, bool followup = false)
    {
        var trailers = new List<Trailer>();
        var others = new List<string>();
        var sig = text.IndexOf("\n-- \n", StringComparison.Ordinal);
        if (sig >= 0) text = text[..sig];
        var lines = Unwrap(text.Replace("\r", "").Trim().Split('\n'));
        var wasTrailer = false;
        foreach (var line in lines)
        {
            if (TrySplit(line, out var name, out var value))
            {
                if (Ignored.Contains(name)) continue;
                if (others.Count > 0 && HeaderNames.Contains(name)) continue;
                if (followup)
                {
                    if (!name.All(char.IsAscii)) continue;
                    if (!HasEmail(value) && !NonPerson.Contains(name)) continue;
                    if (value.Contains("http://", StringComparison.Ordinal) || value.Contains("https://", StringComparison.Ordinal))
                        if (!LinkNames.Contains(name)) continue;
                    if (FollowupNeverTrailers.Contains(name)) continue;
                }
                var (v, ext) = SplitHashtag(value);
                trailers.Add(Trailer.Create(name, v, ext));
                wasTrailer = true;
                continue;
            }
            // "[for the foo bits]" under a trailer qualifies it.
            if (wasTrailer && line.Length > 2 && IsBracketLine(line))
            {
                trailers[^1] = trailers[^1] with { ExtInfo = line };
                wasTrailer = false;
                continue;
            }
            wasTrailer = false;
            others.Add(line);
        }
        return (trailers, others);
    }

    /// <summary>b4's get_body_parts: in-body headers, message, trailers, basement (after ---), signature.</summary>
    public static BodyParts Split(string body) => Split(body, keepBasement: true);

    /// <param name="keepBasement">false: <see cref="BodyParts.Basement"/> is left empty, sparing a copy of the diff
    /// (patch analysis reads only the headers, message and trailers).</param>
    internal static BodyParts Split(string body, bool keepBasement)
    {
        // Cut with spans of the body: only the parts kept are copied (the body of a patch is mostly its diff).
        var text = body.Replace("\r", "").AsSpan().Trim('\n');
        var signature = "";
        var sig = text.LastIndexOf("\n-- \n", StringComparison.Ordinal);
        if (sig >= 0)
        {
            signature = text[(sig + 5)..].ToString();
            text = text[..sig].TrimEnd('\n');
        }
        var basement = ReadOnlySpan<char>.Empty;
        var head = text;
        var dash = FindLine(text, "---");
        if (dash >= 0)
        {
            head = text[..dash];
            var after = dash + 3 < text.Length ? text[(dash + 4)..] : "";
            basement = after.TrimEnd('\n');
        }
        else if (text.IndexOf("\ndiff ", StringComparison.Ordinal) is var d and >= 0)
        {
            head = text[..d];
            basement = text[(d + 1)..].TrimEnd('\n');
        }
        return SplitMessage(head.Trim('\n').ToString(), keepBasement ? basement.ToString() : "", signature);
    }

    static BodyParts SplitMessage(string mbody, string basement, string signature)
    {
        var paras = mbody.Split("\n\n");
        var mparts = new List<string>();
        var gitHeaders = new List<Trailer>();
        var (h, o) = Find(paras[0]);
        if (o.Count > 0) mparts.Add(paras[0]);
        else gitHeaders = h;

        var (trailers, nlines) = Find(paras[^1]);
        if (paras.Length == 1)
        {
            if (gitHeaders.Count == trailers.Count && gitHeaders.Zip(trailers).All(p => p.First.SameAs(p.Second)))
                gitHeaders = [];
            return new BodyParts(gitHeaders, nlines.Count > 0 ? string.Join('\n', nlines) : "", trailers, basement, signature);
        }
        if (paras.Length > 2) mparts.AddRange(paras[1..^1]);
        if (nlines.Count > 0) mparts.Add(string.Join('\n', nlines));
        return new BodyParts(gitHeaders, string.Join("\n\n", mparts), trailers, basement, signature);
    }

    /// <summary>Index of a line equal to <paramref name="marker"/>, or -1.</summary>
    static int FindLine(ReadOnlySpan<char> text, string marker)
    {
        if ((text.StartsWith(marker, StringComparison.Ordinal) && text.Length > marker.Length && text[marker.Length] == '\n')
            || text.SequenceEqual(marker)) return 0;
        var k = text.IndexOf("\n" + marker + "\n", StringComparison.Ordinal);
        if (k >= 0) return k + 1;
        return text.EndsWith("\n" + marker, StringComparison.Ordinal) ? text.Length - marker.Length : -1;
    }

    /// <summary>b4's "^\s*(\w\S+):\s+(\S.*)".</summary>
    static bool TrySplit(string line, out string name, out string value)
    {
        name = value = "";
        var s = line.AsSpan().TrimStart();
        if (s.Length < 4 || !(char.IsLetterOrDigit(s[0]) || s[0] == '_')) return false;
        var k = 1;
        while (k < s.Length && !char.IsWhiteSpace(s[k]) && s[k] != ':') k++;
        // A name with a colon inside ("http://x: y") still ends at the first colon followed by a space.
        if (k < 2 || k >= s.Length - 1 || s[k] != ':' || !char.IsWhiteSpace(s[k + 1])) return false;
        var v = s[(k + 1)..].TrimStart();
        if (v.Length == 0) return false;
        name = s[..k].ToString();
        value = v.ToString();
        return true;
    }

    static bool HasEmail(string value)
    {
        foreach (var token in value.Split([' ', '<', '>'], StringSplitOptions.RemoveEmptyEntries))
            if (Trailer.LooksLikeEmail(token)) return true;
        return false;
    }

    /// <summary>"value  # comment": b4 keeps the comment (with its spacing) as extra info.</summary>
    static (string Value, string? Ext) SplitHashtag(string value)
    {
        var hash = value.LastIndexOf('#');
        if (hash <= 0 || hash == value.Length - 1 || !char.IsWhiteSpace(value[hash - 1])) return (value, null);
        var start = hash - 1;
        while (start > 0 && char.IsWhiteSpace(value[start - 1])) start--;
        if (start == 0) return (value, null);
        return (value[..start], value[start..]);
    }

    static bool IsBracketLine(string line)
    {
        var t = line.Trim();
        return t.Length > 2 && t[0] == '[' && t[^1] == ']' && t.IndexOf(']') == t.Length - 1;
    }

    /// <summary>Re-joins trailers a mailer wrapped: "Fixes: abc (\"foo\n bar\")" and "Signed-off-by: Name\n&lt;a@b&gt;".</summary>
    static List<string> Unwrap(string[] lines)
    {
        var result = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (i + 1 < lines.Length && TrySplit(line, out _, out var value))
            {
                var next = lines[i + 1];
                var nt = next.Trim();
                var openParen = value.IndexOf('(') >= 0 && value.IndexOf(')') < 0 && IsHexStart(value);
                if (openParen && nt.EndsWith(')') && !TrySplit(next, out _, out _))
                {
                    result.Add(line + " " + nt);
                    i++;
                    continue;
                }
                if (!value.Contains('<') && nt.Length > 2 && nt[0] == '<' && nt[^1] == '>' && nt.IndexOf('>') == nt.Length - 1 && next == nt)
                {
                    result.Add(line + " " + nt);
                    i++;
                    continue;
                }
            }
            result.Add(line);
        }
        return result;
    }

    static bool IsHexStart(string value)
    {
        var k = 0;
        while (k < value.Length && char.IsAsciiHexDigit(value[k])) k++;
        return k >= 7 && k < value.Length && char.IsWhiteSpace(value[k]);
    }
}
