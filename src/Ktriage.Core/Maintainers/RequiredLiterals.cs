namespace Ktriage.Core.Maintainers;

/// <summary>
/// Literals one of which every match of a K: regex must contain ("(?:\b|_)bpf(?:\b|_)" needs "bpf";
/// "\b(pstore|ramoops)" needs "pstore" or "ramoops"). Scanning 1 GB of kernel source with 35 regexes costs minutes;
/// a vectorised IndexOf that rules a file out first costs seconds. Conservative: anything not understood gives null
/// (no prefilter), never a literal that a match could lack.
/// </summary>
internal static class RequiredLiterals
{
    const int MinLength = 3;

    /// <summary>Any-of literals, or null when none can be derived.</summary>
    public static string[]? Of(string pattern)
    {
        // /x comments and anything exotic: give up rather than guess.
        if (pattern.Contains('#')) return null;
        return Alternation(pattern);
    }

    static string[]? Alternation(string p)
    {
        var branches = SplitTopLevel(p);
        if (branches is null) return null;
        var result = new List<string>();
        foreach (var b in branches)
        {
            var lits = Sequence(b);
            if (lits is null) return null;
            result.AddRange(lits);
        }
        return result.Distinct().ToArray();
    }

    /// <summary>Branches of a top-level '|', or null on unbalanced text.</summary>
    static List<string>? SplitTopLevel(string p)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '\\') { i++; continue; }
            if (c == '[') { i = ClassEnd(p, i); if (i < 0) return null; continue; }
            if (c == '(') depth++;
            else if (c == ')') { if (--depth < 0) return null; }
            else if (c == '|' && depth == 0) { parts.Add(p[start..i]); start = i + 1; }
        }
        if (depth != 0) return null;
        parts.Add(p[start..]);
        return parts;
    }

    /// <summary>For one branch (no top-level '|'): its longest plain literal run, else a required group's literals.</summary>
    static string[]? Sequence(string p)
    {
        string best = "";
        string[]? group = null;
        var run = new System.Text.StringBuilder();
        void EndRun(bool optionalLast)
        {
            if (optionalLast && run.Length > 0) run.Length--;
            if (run.Length > best.Length) best = run.ToString();
            run.Clear();
        }
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                run.Append(c);
                continue;
            }
            if (c is '?' or '*' or '{') { EndRun(optionalLast: true); continue; }
            if (c == '+') { EndRun(optionalLast: false); continue; }
            EndRun(optionalLast: false);
            if (c == '\\') { i++; continue; }
            if (c == '[')
            {
                i = ClassEnd(p, i);
                if (i < 0) return null;
                continue;
            }
            if (c == '(')
            {
                int end = GroupEnd(p, i);
                if (end < 0) return null;
                bool optional = end + 1 < p.Length && p[end + 1] is '?' or '*' or '{';
                var inner = p[(i + 1)..end];
                // (?:…) (?i:…) carry their content; (?i) and other flags/lookarounds carry none.
                if (inner.StartsWith('?'))
                {
                    int colon = inner.IndexOf(':');
                    bool plainFlags = colon > 0 && inner[1..colon].All(ch => char.IsAsciiLetter(ch) || ch == '-');
                    inner = plainFlags ? inner[(colon + 1)..] : "";
                }
                if (!optional && group is null && inner.Length > 0 && Alternation(inner) is { } lits && lits.All(l => l.Length >= MinLength))
                    group = lits;
                i = end;
                continue;
            }
        }
        EndRun(optionalLast: false);
        if (best.Length >= MinLength) return [best];
        return group;
    }

    static int GroupEnd(string p, int open)
    {
        int depth = 0;
        for (int i = open; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '\\') { i++; continue; }
            if (c == '[') { i = ClassEnd(p, i); if (i < 0) return -1; continue; }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }

    static int ClassEnd(string p, int open)
    {
        int i = open + 1;
        if (i < p.Length && p[i] == '^') i++;
        if (i < p.Length && p[i] == ']') i++;
        for (; i < p.Length; i++)
        {
            if (p[i] == '\\') { i++; continue; }
            if (p[i] == ']') return i;
        }
        return -1;
    }
}
