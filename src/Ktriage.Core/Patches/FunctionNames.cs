namespace Ktriage.Core.Patches;

/// <summary>
/// Function names from diff text: the hunk header context ("@@ … @@ static int foo(struct bar *b)") and
/// C function definitions appearing in hunk lines. Hand-written scanning: this runs on every line of every
/// patch at ingest, so no regex and no allocation for lines that cannot be definitions.
/// </summary>
public static class FunctionNames
{
    static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "else", "for", "while", "switch", "return", "do", "case", "goto", "sizeof", "typeof", "defined",
        "__typeof__", "typedef", "break", "continue", "default", "asm", "__asm__", "alignof", "_Alignof",
    };

    /// <summary>The function named by a hunk header context, or null (struct bodies, labels, prose).</summary>
    /// <param name="path">the file, when known: labels are functions in assembly, but goto targets ("out:") in C.</param>
    public static string? FromHunkContext(string context, string? path = null)
    {
        if (string.IsNullOrWhiteSpace(context)) return null;
        var c = context.AsSpan().Trim();
        var asm = path is null || path.EndsWith(".S", StringComparison.Ordinal) || path.EndsWith(".s", StringComparison.Ordinal)
            || path.EndsWith(".asm", StringComparison.OrdinalIgnoreCase);
        if (c[^1] == ':' && c.Length > 1 && IsIdentifier(c[..^1]) && !char.IsAsciiDigit(c[0])) return asm ? c[..^1].ToString() : null;
        return NameBeforeParen(c, requireType: false);
    }

    /// <summary>The function defined on this line (a line of C at column 0, not a declaration ending in ';').</summary>
    public static string? FromDefinition(ReadOnlySpan<char> line)
    {
        if (line.Length < 4 || !(char.IsAsciiLetter(line[0]) || line[0] == '_')) return null;
        var trimmed = line.TrimEnd();
        if (trimmed[^1] == ';' || trimmed.IndexOf('(') < 0) return null;
        if (trimmed.IndexOf('=') is var eq and >= 0 && eq < trimmed.IndexOf('(')) return null;
        return NameBeforeParen(trimmed, requireType: true);
    }

    static string? NameBeforeParen(ReadOnlySpan<char> s, bool requireType)
    {
        var paren = s.IndexOf('(');
        if (paren <= 0) return null;
        var head = s[..paren].TrimEnd();
        var end = head.Length;
        var start = end;
        while (start > 0 && (char.IsAsciiLetterOrDigit(head[start - 1]) || head[start - 1] == '_')) start--;
        if (start == end || char.IsAsciiDigit(head[start])) return null;
        var name = head[start..end].ToString();
        var prefix = head[..start].Trim();
        // The return type (and qualifiers) before the name: identifiers, '*', spaces only.
        foreach (var c in prefix)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '*' or ' ' or '\t')) return null;
        if (Keywords.Contains(name)) return null;
        var firstWord = FirstWord(prefix);
        if (firstWord is not null && Keywords.Contains(firstWord)) return null;
        // SYSCALL_DEFINE3(io_uring_setup, …), BPF_CALL_2(name, …): the first argument is the function.
        if (IsDefineMacro(name))
        {
            var args = s[(paren + 1)..];
            var comma = args.IndexOfAny(',', ')');
            var arg = (comma < 0 ? args : args[..comma]).Trim();
            return arg.Length > 0 && IsIdentifier(arg) ? arg.ToString() : name;
        }
        if (requireType && prefix.Length == 0) return null;
        return name;
    }

    static bool IsDefineMacro(string name) =>
        name.StartsWith("SYSCALL_DEFINE", StringComparison.Ordinal) || name.StartsWith("COMPAT_SYSCALL_DEFINE", StringComparison.Ordinal)
        || name.StartsWith("BPF_CALL_", StringComparison.Ordinal);

    static bool IsIdentifier(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    static string? FirstWord(ReadOnlySpan<char> s)
    {
        var k = 0;
        while (k < s.Length && (char.IsAsciiLetterOrDigit(s[k]) || s[k] == '_')) k++;
        return k == 0 ? null : s[..k].ToString();
    }
}
