using System.Text;

namespace Ktriage.Core.Maintainers;

/// <summary>A function defined in a C file.</summary>
/// <param name="Name">as a stack trace shows it; SYSCALL_DEFINEn(foo, …) is "sys_foo", COMPAT_SYSCALL_DEFINEn "compat_sys_foo".</param>
public sealed record FunctionDefinition(string Name, int Line, bool Static);

/// <summary>
/// Finds function definitions in C source: a top-level "name(…) … {" that is not an initializer. Comments, string and
/// character literals and preprocessor lines are skipped; attribute macros before or after the parameter list
/// (__printf(1, 2), __acquires(x)) are recognised by their double-underscore names. Hand-written because nothing in
/// the package mirror parses kernel C without a preprocessor, and this only needs names and lines, fast (the 6.1 tree
/// is 1 GB of C).
/// </summary>
public static class CFunctionIndexer
{
    static readonly HashSet<string> NotFunctions = new(StringComparer.Ordinal)
    {
        "if", "for", "while", "switch", "return", "sizeof", "typeof", "__typeof__", "__attribute__", "__attribute", "asm", "__asm__",
        "__asm", "alignof", "_Alignof", "__alignof__", "defined", "_Static_assert", "static_assert", "offsetof",
    };

    public static IReadOnlyList<FunctionDefinition> Index(string source)
    {
        var result = new List<FunctionDefinition>();
        var tokens = new List<(string Text, int Line)>(); // the current top-level statement
        int depth = 0, line = 1, i = 0, n = source.Length;
        bool lineStart = true;
        while (i < n)
        {
            char c = source[i];
            if (c == '\n') { line++; lineStart = true; i++; continue; }
            if (c is ' ' or '\t' or '\r' or '\f' or '\v') { i++; continue; }
            if (c == '#' && lineStart)
            {
                // A preprocessor line, with its continuations (and comments that may span lines).
                while (i < n && source[i] != '\n')
                {
                    if (source[i] == '\\' && i + 1 < n && source[i + 1] == '\n') { line++; i += 2; continue; }
                    if (source[i] == '/' && i + 1 < n && source[i + 1] == '*') { i = SkipBlockComment(source, i, ref line); continue; }
                    i++;
                }
                continue;
            }
            lineStart = false;
            if (c == '/' && i + 1 < n && source[i + 1] == '/') { while (i < n && source[i] != '\n') i++; continue; }
            if (c == '/' && i + 1 < n && source[i + 1] == '*') { i = SkipBlockComment(source, i, ref line); continue; }
            if (c is '"' or '\'')
            {
                i = SkipLiteral(source, i, ref line);
                if (depth == 0) tokens.Add(("\"", line));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = i;
                while (i < n && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_')) i++;
                if (depth == 0) tokens.Add((source[start..i], line));
                continue;
            }
            if (c == '{')
            {
                if (depth == 0)
                {
                    if (FunctionName(tokens) is { } def) result.Add(def);
                    tokens.Clear();
                }
                depth++;
                i++;
                continue;
            }
            if (c == '}')
            {
                if (depth > 0) depth--;
                i++;
                continue;
            }
            if (depth == 0)
            {
                if (c == ';') tokens.Clear();
                else tokens.Add((c.ToString(), line));
            }
            i++;
        }
        return result;
    }

    static int SkipBlockComment(string s, int i, ref int line)
    {
        int end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
        end = end < 0 ? s.Length : end + 2;
        for (int k = i; k < end; k++) if (s[k] == '\n') line++;
        return end;
    }

    static int SkipLiteral(string s, int i, ref int line)
    {
        char quote = s[i++];
        while (i < s.Length && s[i] != quote)
        {
            if (s[i] == '\\' && i + 1 < s.Length) { if (s[i + 1] == '\n') line++; i += 2; continue; }
            if (s[i] == '\n') { line++; break; } // unterminated: stop at the line end
            i++;
        }
        return Math.Min(i + 1, s.Length);
    }

    /// <summary>The function a top-level statement ending at '{' defines, or null (struct, initializer, extern "C"…).</summary>
    static FunctionDefinition? FunctionName(List<(string Text, int Line)> t)
    {
        if (t.Count < 3 || t[^1].Text != ")") return AfterAttributes(t);
        // Initializers ("= {"), and nothing that ends in a struct/union/enum body.
        int parens = 0;
        var candidates = new List<int>(); // tokens directly followed by '(' at paren level 0
        for (int k = 0; k < t.Count; k++)
        {
            var x = t[k].Text;
            if (x == "(") { if (parens == 0 && k > 0 && IsIdentifier(t[k - 1].Text)) candidates.Add(k - 1); parens++; }
            else if (x == ")") parens--;
            else if (parens == 0 && x is "=" or "\"") return null;
        }
        if (parens != 0 || candidates.Count == 0) return null;
        bool isStatic = t.Any(x => x.Text == "static");
        // The defined name has a type before it ("int foo(", "*foo(", "__init foo("); attribute macros stand first
        // ("__printf(1, 2) void foo(") or after the parameters ("foo(void) __acquires(x)"). Definition macros
        // (SYSCALL_DEFINE3(name, …)) have nothing before them.
        var usable = candidates.Where(k => !NotFunctions.Contains(t[k].Text)).ToList();
        if (usable.Count == 0) return null;
        int at = usable.FirstOrDefault(k => k > 0 && (IsIdentifier(t[k - 1].Text) || t[k - 1].Text == "*"), usable[0]);
        var name = t[at].Text;
        string? Arg() => at + 2 < t.Count && IsIdentifier(t[at + 2].Text) ? t[at + 2].Text : null;
        if (name.StartsWith("SYSCALL_DEFINE", StringComparison.Ordinal) && Arg() is { } sys)
            return new FunctionDefinition("sys_" + sys, t[at].Line, false);
        if (name.StartsWith("COMPAT_SYSCALL_DEFINE", StringComparison.Ordinal) && Arg() is { } compat)
            return new FunctionDefinition("compat_sys_" + compat, t[at].Line, false);
        if (name.StartsWith("BPF_CALL_", StringComparison.Ordinal) && Arg() is { } bpf)
            return new FunctionDefinition(bpf, t[at].Line, isStatic);
        return new FunctionDefinition(name, t[at].Line, isStatic);
    }

    /// <summary>"void f(int a) __attribute__((x)) {"-style endings are already handled; a statement not ending in ')'
    /// can still be a definition followed by bare attribute words ("int f(void) __cold {").</summary>
    static FunctionDefinition? AfterAttributes(List<(string Text, int Line)> t)
    {
        int end = t.Count;
        while (end > 0 && IsIdentifier(t[end - 1].Text) && t[end - 1].Text.StartsWith("__", StringComparison.Ordinal)) end--;
        if (end == t.Count || end < 3 || t[end - 1].Text != ")") return null;
        return FunctionName(t.GetRange(0, end));
    }

    static bool IsIdentifier(string s) => s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_');
}
