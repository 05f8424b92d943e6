using System.Text;

namespace Ktriage.Core.Patches;

/// <summary>
/// What a patch subject says: "[RFC PATCH net-next v2 3/5] title". Tags may come in any order and in
/// several brackets; "PATCHv3" and "0/2 v2" forms are understood; unknown words (trees, list tags like
/// "[Buildroot]") are kept as prefixes.
/// </summary>
/// <param name="IsReply">starts with Re:/Aw:/Fwd: (a reply, never a new patch).</param>
/// <param name="Version">revision (1 when not stated).</param>
/// <param name="Counter">position in the series (0 = cover letter); 1 when the subject has no n/m.</param>
/// <param name="Total">series length; 1 when the subject has no n/m.</param>
/// <param name="Prefixes">bracketed words that are not patch tags, in order (e.g. "net-next").</param>
/// <param name="Title">the subject without reply markers and tags.</param>
/// <param name="Normalized">lower-cased, whitespace-collapsed title: what revisions are matched on.</param>
public sealed record SubjectInfo(
    string Subject,
    bool IsReply,
    bool IsPatch,
    bool IsRfc,
    bool IsResend,
    bool IsPull,
    int Version,
    bool VersionStated,
    int Counter,
    int Total,
    bool CounterStated,
    IReadOnlyList<string> Prefixes,
    string Title,
    string Normalized)
{
    public static SubjectInfo Parse(string? subject)
    {
        var s = (subject ?? "").Replace('\t', ' ').Replace("\r", "").Replace("\n", " ").Trim();
        var rest = s.AsSpan();
        var isReply = false;
        bool isPatch = false, rfc = false, resend = false, pull = false, versionStated = false, counterStated = false;
        int version = 1, counter = 1, total = 1;
        var prefixes = new List<string>();

        while (true)
        {
            rest = rest.TrimStart();
            if (StripReplyMarker(ref rest)) { isReply = true; continue; }
            if (rest.Length > 0 && rest[0] == '[')
            {
                var close = rest.IndexOf(']');
                if (close < 0) break;
                var inner = rest[1..close].ToString();
                rest = rest[(close + 1)..];
                var words = Tokens(inner);
                // "[Buildroot]", "[net-next]": not patch tags, kept as prefixes (trees, list tags).
                foreach (var w in words)
                {
                    if (Classify(w, ref isPatch, ref rfc, ref resend, ref pull, ref version, ref versionStated, ref counter, ref total, ref counterStated))
                        continue;
                    prefixes.Add(w);
                }
                continue;
            }
            break;
        }

        // "[Patch 2/2]: title" – a colon after the tags is not part of the title.
        // Runs of spaces (folded headers, typos) collapse, as b4 does.
        var title = CollapseSpaces(rest.Trim().TrimStart(':').Trim().ToString());
        // "[net,v2,1/2]": patchwork-style tags without the word PATCH still number a patch.
        isPatch |= counterStated;
        // "PATCH: foo" / "PATCH foo" without brackets (old style).
        if (!isPatch && title.StartsWith("PATCH", StringComparison.Ordinal) && title.Length > 5 && title[5] is ':' or ' ')
        {
            isPatch = true;
            title = title[6..].Trim();
        }
        if (!isPatch && (title.StartsWith("GIT PULL", StringComparison.Ordinal)))
            pull = true;
        return new SubjectInfo(s, isReply, isPatch, rfc, resend, pull, version, versionStated, counter, total, counterStated,
            prefixes, title, Normalize(title));
    }

    /// <summary>The series-facing subject b4 writes: "[PATCH RFC v2 1/3] title".</summary>
    public string AmSubject(bool includeVersion = true)
    {
        var parts = new List<string> { "PATCH" };
        if (IsRfc) parts.Add("RFC");
        if (includeVersion && (Version > 1 || VersionStated)) parts.Add($"v{Version}");
        if (CounterStated) parts.Add($"{Counter}/{Total}");
        return $"[{string.Join(' ', parts)}] {Title}";
    }

    static string CollapseSpaces(string s) =>
        s.Contains("  ", StringComparison.Ordinal) ? string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : s;

    public static string Normalize(string title)
    {
        var sb = new StringBuilder(title.Length);
        var space = false;
        foreach (var c in title.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString().TrimEnd('.');
    }

    static bool StripReplyMarker(ref ReadOnlySpan<char> s)
    {
        // Re:, RE:, Aw:, Fwd:, Fw:, Re[2]:, Réf. : kept simple: a short word then optional [n] then ':'.
        foreach (var m in (ReadOnlySpan<string>)["re", "aw", "fwd", "fw", "sv", "antw"])
        {
            if (s.Length <= m.Length || !s[..m.Length].Equals(m, StringComparison.OrdinalIgnoreCase)) continue;
            var k = m.Length;
            if (k < s.Length && s[k] == '[')
            {
                var close = s[k..].IndexOf(']');
                if (close < 0) continue;
                k += close + 1;
            }
            if (k < s.Length && s[k] == ':') { s = s[(k + 1)..]; return true; }
        }
        return false;
    }

    static List<string> Tokens(string inner)
    {
        var list = RawTokens(inner);
        // Mercurial patchbomb counters: "[PATCH 1 of 2]".
        for (var k = 0; k + 2 < list.Count; k++)
            if (list[k + 1].Equals("of", StringComparison.OrdinalIgnoreCase) && int.TryParse(list[k], out _) && int.TryParse(list[k + 2], out _))
            {
                list[k] = $"{list[k]}/{list[k + 2]}";
                list.RemoveRange(k + 1, 2);
            }
        return list;
    }

    static List<string> RawTokens(string inner)
    {
        var list = new List<string>();
        foreach (var raw in inner.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            // "PATCHv3" → PATCH, v3; "RFCv2" → RFC, v2
            var w = raw;
            foreach (var tag in (ReadOnlySpan<string>)["PATCH", "RFC", "RESEND"])
            {
                if (w.Length > tag.Length && w.StartsWith(tag, StringComparison.OrdinalIgnoreCase) && IsVersion(w[tag.Length..]))
                {
                    list.Add(w[..tag.Length]);
                    w = w[tag.Length..];
                    break;
                }
            }
            list.Add(w);
        }
        return list;
    }

    static bool Classify(string w, ref bool isPatch, ref bool rfc, ref bool resend, ref bool pull, ref int version, ref bool versionStated,
        ref int counter, ref int total, ref bool counterStated)
    {
        if (w.Equals("PATCH", StringComparison.OrdinalIgnoreCase) || w.Equals("PATCHES", StringComparison.OrdinalIgnoreCase)) { isPatch = true; return true; }
        if (w.Equals("RFC", StringComparison.OrdinalIgnoreCase) || w.Equals("RFT", StringComparison.OrdinalIgnoreCase)) { rfc = true; return true; }
        if (w.Equals("RESEND", StringComparison.OrdinalIgnoreCase)) { resend = true; return true; }
        if (w.Equals("PULL", StringComparison.OrdinalIgnoreCase) || w.Equals("GIT", StringComparison.OrdinalIgnoreCase)) { pull |= w.Equals("PULL", StringComparison.OrdinalIgnoreCase); return true; }
        if (IsVersion(w)) { version = int.Parse(w.AsSpan(1)); versionStated = true; return true; }
        if (IsCounter(w, out var c, out var t)) { counter = c; total = t; counterStated = true; return true; }
        return false;
    }

    static bool IsVersion(string w) =>
        w.Length >= 2 && w.Length <= 4 && (w[0] == 'v' || w[0] == 'V') && w.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    static bool IsCounter(string w, out int counter, out int total)
    {
        counter = total = 0;
        var slash = w.IndexOf('/');
        if (slash <= 0 || slash == w.Length - 1) return false;
        return int.TryParse(w.AsSpan(0, slash), out counter) && int.TryParse(w.AsSpan(slash + 1), out total)
            && counter >= 0 && total > 0 && counter < 10000 && total < 10000;
    }
}
