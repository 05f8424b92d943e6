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
        var (trailers, others, _) = Find(text, followup, keepOthers: true);
        return (trailers, others);
    }

    /// <param name="keepOthers">false: Others is left empty (patch analysis reads only a reply's trailers); their
    /// number is returned either way.</param>
    internal static (List<Trailer> Trailers, List<string> Others, int OtherCount) Find(string text, bool followup, bool keepOthers)
    {
        var trailers = new List<Trailer>();
        var others = new List<string>();
        var otherCount = 0;
        var sig = text.IndexOf("\n-- \n", StringComparison.Ordinal);
        if (sig >= 0) text = text[..sig];
        // Lines as spans: strings only for what is kept (this runs on every message at ingest).
        using var lines = new TextLines(text.Replace("\r", "").Trim());
        var wasTrailer = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var joined = Unwrapped(lines, i);
            var line = joined is null ? lines[i] : joined.AsSpan();
            if (joined is not null) i++;
            if (TrySplit(line, out var nameSpan, out var valueSpan))
            {
                var name = nameSpan.ToString();
                var value = valueSpan.ToString();
                if (Ignored.Contains(name)) continue;
                if (otherCount > 0 && HeaderNames.Contains(name)) continue;
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
                trailers[^1] = trailers[^1] with { ExtInfo = joined ?? line.ToString() };
                wasTrailer = false;
                continue;
            }
            wasTrailer = false;
            otherCount++;
            if (keepOthers) others.Add(joined ?? line.ToString());
        }
        return (trailers, others, otherCount);
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
        // Paragraphs as in mbody.Split("\n\n"), by position: the message is one contiguous run of them (plus the last
        // one's non-trailer lines), cut out of mbody instead of split and joined again.
        var starts = new List<int> { 0 };
        for (var k = mbody.IndexOf("\n\n", StringComparison.Ordinal); k >= 0; k = mbody.IndexOf("\n\n", k + 2, StringComparison.Ordinal))
            starts.Add(k + 2);
        var count = starts.Count;
        int End(int p) => p + 1 < count ? starts[p + 1] - 2 : mbody.Length;
        string Para(int p) => mbody[starts[p]..End(p)];

        var first = Para(0);
        var gitHeaders = new List<Trailer>();
        var (h, _, firstOthers) = Find(first, followup: false, keepOthers: false);
        if (firstOthers == 0) gitHeaders = h;

        var (trailers, nlines, _) = Find(count == 1 ? first : Para(count - 1), followup: false, keepOthers: true);
        if (count == 1)
        {
            if (gitHeaders.Count == trailers.Count && gitHeaders.Zip(trailers).All(p => p.First.SameAs(p.Second)))
                gitHeaders = [];
            return new BodyParts(gitHeaders, nlines.Count > 0 ? string.Join('\n', nlines) : "", trailers, basement, signature);
        }
        // The first paragraph when it is not in-body headers, then every paragraph but the last.
        var from = firstOthers > 0 ? 0 : 1;
        var run = from <= count - 2 ? mbody[starts[from]..End(count - 2)] : null;
        var rest = nlines.Count > 0 ? string.Join('\n', nlines) : null;
        var message = run is null ? rest ?? "" : rest is null ? run : string.Concat(run, "\n\n", rest);
        return new BodyParts(gitHeaders, message, trailers, basement, signature);
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
    static bool TrySplit(ReadOnlySpan<char> line, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        name = value = default;
        var s = line.TrimStart();
        if (s.Length < 4 || !(char.IsLetterOrDigit(s[0]) || s[0] == '_')) return false;
        var k = 1;
        while (k < s.Length && !char.IsWhiteSpace(s[k]) && s[k] != ':') k++;
        // A name with a colon inside ("http://x: y") still ends at the first colon followed by a space.
        if (k < 2 || k >= s.Length - 1 || s[k] != ':' || !char.IsWhiteSpace(s[k + 1])) return false;
        var v = s[(k + 1)..].TrimStart();
        if (v.Length == 0) return false;
        name = s[..k];
        value = v;
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

    static bool IsBracketLine(ReadOnlySpan<char> line)
    {
        var t = line.Trim();
        return t.Length > 2 && t[0] == '[' && t[^1] == ']' && t.IndexOf(']') == t.Length - 1;
    }

    /// <summary>Re-joins trailers a mailer wrapped: "Fixes: abc (\"foo\n bar\")" and "Signed-off-by: Name\n&lt;a@b&gt;":
    /// line <paramref name="i"/> joined with the next one, or null when it stands alone.</summary>
    static string? Unwrapped(TextLines lines, int i)
    {
        if (i + 1 >= lines.Length || !TrySplit(lines[i], out _, out var value)) return null;
        var next = lines[i + 1];
        var nt = next.Trim();
        var openParen = value.IndexOf('(') >= 0 && value.IndexOf(')') < 0 && IsHexStart(value);
        if (openParen && nt is [.., ')'] && !TrySplit(next, out _, out _))
            return string.Concat(lines[i], " ", nt);
        if (!value.Contains('<') && nt.Length > 2 && nt[0] == '<' && nt[^1] == '>' && nt.IndexOf('>') == nt.Length - 1 && next.SequenceEqual(nt))
            return string.Concat(lines[i], " ", nt);
        return null;
    }

    static bool IsHexStart(ReadOnlySpan<char> value)
    {
        var k = 0;
        while (k < value.Length && char.IsAsciiHexDigit(value[k])) k++;
        return k >= 7 && k < value.Length && char.IsWhiteSpace(value[k]);
    }
}
