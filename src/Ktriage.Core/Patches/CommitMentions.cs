using System.Buffers;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Patches;

public enum MentionKind
{
    /// <summary>A "Fixes: sha ("subject")" trailer.</summary>
    FixesTag,
    /// <summary>Prose naming the culprit: "introduced with commit X", "caused by commit X", "since commit X".</summary>
    Culprit,
    /// <summary>A stable backport naming its original: "[ Upstream commit X ]", "commit X upstream.".</summary>
    Upstream,
    /// <summary>Any other "commit X" in prose.</summary>
    Mention,
}

/// <summary>A commit named in a message.</summary>
/// <param name="Sha">abbreviated or full hash, lower case.</param>
/// <param name="Subject">the quoted subject that follows, when given.</param>
public sealed record CommitMention(string Sha, string? Subject, MentionKind Kind);

/// <summary>Commits named by Fixes: trailers and in the prose of a message (never in quoted text or diffs).</summary>
public static partial class CommitMentions
{
    const RegexOptions Opts = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    [GeneratedRegex(@"\bcommit\s+([0-9a-f]{7,40})\b(\s*\(\s*""([^""]{1,300})""\s*\))?", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex CommitRef();

    [GeneratedRegex(@"^([0-9a-f]{7,40})\b(\s*\(\s*""(.{1,300})""\s*\))?", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex FixesValue();

    [GeneratedRegex(@"(introduc\w*|caus\w*|broke\w*|regress\w*|since|after|culprit|bisect\w*|by|from|fixes|with)\s+(the\s+)?(upstream\s+)?$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex CulpritLead();

    // Vectorized searches: string.Contains(…, OrdinalIgnoreCase) takes a scalar path under invariant globalization.
    static readonly SearchValues<string> Commit = SearchValues.Create(["commit"], StringComparison.OrdinalIgnoreCase);
    static readonly SearchValues<string> PullLines =
        SearchValues.Create(["following changes since commit", "changes up to"], StringComparison.OrdinalIgnoreCase);

    /// <param name="prose">the message's own text (no quotes, no diff, no signature).</param>
    public static List<CommitMention> Find(string prose, IReadOnlyList<Trailer> trailers)
    {
        var found = new List<CommitMention>();
        foreach (var t in trailers)
        {
            if (t.LName != "fixes") continue;
            var m = FixesValue().Match(t.Value);
            if (m.Success) Add(found, new CommitMention(m.Groups[1].Value.ToLowerInvariant(), m.Groups[3].Success ? m.Groups[3].Value : null, MentionKind.FixesTag));
        }
        // Every prose mention holds the word "commit" (no letter of it has a non-ASCII case equivalent in the regex):
        // most messages have none, and skip the line joining and the regex.
        if (!prose.AsSpan().ContainsAny(Commit)) return found;
        // Join wrapped lines so 'commit\nabc ("subject\nwrapped")' reads as one mention; skip trailer and pull-request lines.
        var flat = Flatten(prose.Replace("\r", ""));
        if (!MayNameCommit(flat)) return found;
        foreach (Match m in CommitRef().Matches(flat))
        {
            var lead = flat[Math.Max(0, m.Index - 40)..m.Index];
            var tail = flat[(m.Index + m.Length)..Math.Min(flat.Length, m.Index + m.Length + 10)];
            var kind = lead.EndsWith("upstream ", StringComparison.OrdinalIgnoreCase) || tail.StartsWith(" upstream", StringComparison.OrdinalIgnoreCase)
                ? MentionKind.Upstream
                : CulpritLead().IsMatch(lead) ? MentionKind.Culprit : MentionKind.Mention;
            Add(found, new CommitMention(m.Groups[1].Value.ToLowerInvariant(), m.Groups[3].Success ? m.Groups[3].Value : null, kind));
        }
        return found;
    }

    /// <summary>Whether some "commit" is followed by blanks and 7 hex digits, as every CommitRef match is: most prose
    /// says "this commit" and never names one, and the regex (captures on the NonBacktracking engine) is costly.</summary>
    static bool MayNameCommit(string flat)
    {
        for (var at = 0; at < flat.Length;)
        {
            var k = flat.AsSpan(at).IndexOfAny(Commit);
            if (k < 0) return false;
            var p = at + k + "commit".Length;
            var blanks = p;
            while (p < flat.Length && char.IsWhiteSpace(flat[p])) p++;
            var hex = p;
            while (p < flat.Length && p - hex < 7 && char.IsAsciiHexDigit(flat[p])) p++;
            if (hex > blanks && p - hex == 7) return true;
            at = at + k + 1;
        }
        return false;
    }

    /// <summary>The lines, trimmed, joined with spaces; without Fixes: trailers and request-pull lines.</summary>
    static string Flatten(string prose)
    {
        // Over line spans into a pooled buffer: one string out.
        var buffer = SmallPool<char>.Rent(Math.Max(1, prose.Length));
        var n = 0;
        var first = true;
        foreach (var range in prose.AsSpan().Split('\n'))
        {
            var l = prose.AsSpan(range);
            if (l.TrimStart().StartsWith("Fixes:", StringComparison.OrdinalIgnoreCase) || l.ContainsAny(PullLines)) continue;
            if (!first) buffer[n++] = ' ';
            first = false;
            l = l.Trim();
            l.CopyTo(buffer.AsSpan(n));
            n += l.Length;
        }
        var flat = new string(buffer, 0, n);
        SmallPool<char>.Return(buffer);
        return flat;
    }

    static void Add(List<CommitMention> list, CommitMention m)
    {
        // One entry per commit; a Fixes: tag outranks a culprit phrase, which outranks a bare mention.
        var i = list.FindIndex(x => x.Sha.StartsWith(m.Sha, StringComparison.Ordinal) || m.Sha.StartsWith(x.Sha, StringComparison.Ordinal));
        if (i < 0) { list.Add(m); return; }
        if (m.Kind < list[i].Kind || (m.Kind == list[i].Kind && m.Sha.Length > list[i].Sha.Length))
            list[i] = m with { Subject = m.Subject ?? list[i].Subject };
    }
}
