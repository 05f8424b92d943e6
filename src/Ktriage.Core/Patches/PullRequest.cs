namespace Ktriage.Core.Patches;

/// <summary>A git request-pull: where to fetch from and which commits it spans.</summary>
/// <param name="Url">repository URL (git://, https://, ssh://, git+ssh://, user@host:path).</param>
/// <param name="Branch">branch or tag to pull, when given.</param>
/// <param name="BaseCommit">"The following changes since commit X".</param>
/// <param name="HeadCommit">"for you to fetch changes up to X".</param>
public sealed record PullRequest(string Url, string? Branch, string? BaseCommit, string? HeadCommit)
{
    /// <summary>"URL BRANCH", the form patchwork stores and git pull takes.</summary>
    public string Spec => Branch is null ? Url : $"{Url} {Branch}";

    /// <summary>Finds git request-pull text; handles wrapped URLs, trailing spaces and CRLF.</summary>
    public static PullRequest? Find(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAny(Available)) return null;
        var lines = text.Replace("\r", "").Split('\n');
        string? baseCommit = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("The following changes since commit", StringComparison.OrdinalIgnoreCase))
                baseCommit = HexAfter(line, "commit");
            if (!line.StartsWith("are available in the", StringComparison.OrdinalIgnoreCase) || !line.EndsWith("repository at:", StringComparison.OrdinalIgnoreCase))
                continue;
            // A quoted request-pull ("> are available…") is a reply, not a pull request.
            if (lines[i].TrimStart().StartsWith('>')) continue;
            var j = i + 1;
            while (j < lines.Length && lines[j].Trim().Length == 0) j++;
            if (j >= lines.Length) return null;
            var tokens = lines[j].Trim().TrimEnd('\\').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0 || !LooksLikeRepo(tokens[0])) continue;
            var url = tokens[0];
            string? branch = tokens.Length > 1 ? tokens[1] : null;
            // A mail client wrapped the line: the branch (or the URL's tail) sits alone on the next line.
            if (branch is null && j + 1 < lines.Length)
            {
                var next = lines[j + 1].Trim();
                if (next.Length > 0 && next.IndexOf(' ') < 0 && !next.EndsWith(':'))
                    branch = next;
            }
            string? head = null;
            for (var k = j + 1; k < lines.Length && k < j + 8; k++)
                if (lines[k].Trim().StartsWith("for you to fetch changes up to", StringComparison.OrdinalIgnoreCase))
                    head = HexAfter(lines[k].Trim(), "up to");
            return new PullRequest(url, branch, baseCommit, head);
        }
        return null;
    }

    // A vectorized search (string.IndexOf with OrdinalIgnoreCase takes a slow path under invariant globalization).
    static readonly System.Buffers.SearchValues<string> Available =
        System.Buffers.SearchValues.Create(["are available in the"], StringComparison.OrdinalIgnoreCase);

    static bool LooksLikeRepo(string token)
    {
        var scheme = token.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0) return token[..scheme].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-');
        // scp-like: user@host:path
        var at = token.IndexOf('@');
        return at > 0 && token.IndexOf(':', at) > at;
    }

    static string? HexAfter(string line, string marker)
    {
        var k = line.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (k < 0) return null;
        var s = line[(k + marker.Length)..].Trim().TrimEnd(':').Trim();
        var end = 0;
        while (end < s.Length && char.IsAsciiHexDigit(s[end])) end++;
        return end >= 7 ? s[..end].ToLowerInvariant() : null;
    }
}
