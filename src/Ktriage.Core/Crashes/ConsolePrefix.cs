using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// syzkaller's console-output prefix ("[  12.345678][ T1234] ", "&lt;4&gt;[ 1.2] ", "** 3 printk messages dropped ** [ 1.2] "):
/// its length and the printk caller context it names. Parsed by hand once per line: as a regex it ran three times
/// per line and allocated a Match each time, which was a third of all allocations of crash analysis.
/// </summary>
internal static partial class ConsolePrefix
{
    /// <summary>The context of lines without a caller id (syzkaller's "console").</summary>
    public const int Console = 0;

    // syzkaller's regex: ^(?:\*\* [0-9]+ printk messages dropped \*\* )?(?:.* login: )?(?:\<[0-9]+\>)?\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])?
    // followed by a space. Only the "login: " alternative (a getty banner glued to the log) needs backtracking.
    static readonly Regex WithLogin = WithLoginRegex();
    [GeneratedRegex(@"^(?:\*\* [0-9]+ printk messages dropped \*\* )?(?:.* login: )?(?:\<[0-9]+\>)?\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])? ", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)] private static partial Regex WithLoginRegex();

    /// <summary>Length of the prefix (0: none) and its context: T123 → 123+1, C1 → -(1+1), none → <see cref="Console"/>.</summary>
    public static int Parse(string line, out int context)
    {
        context = Console;
        if (line.Length == 0) return 0;
        if (line[0] is '[' or '<' or '*')
        {
            int n = ParseFast(line, out context);
            if (n > 0) return n;
        }
        if (!line.Contains(" login: ", StringComparison.Ordinal)) return 0;
        var m = WithLogin.Match(line);
        if (!m.Success) return 0;
        context = m.Groups[1].Success ? ContextId(m.Groups[1].ValueSpan) : Console;
        return m.Length;
    }

    /// <summary>True when the line starts with a printk timestamp "[ 1.2]" (optionally after "&lt;N&gt;").</summary>
    public static bool HasTimestamp(string line)
    {
        int i = 0;
        if (i < line.Length && line[i] == '<' && !SkipLevel(line, ref i)) return false;
        return SkipTimestamp(line, ref i);
    }

    static int ParseFast(string s, out int context)
    {
        context = Console;
        int i = 0;
        const string Dropped = " printk messages dropped ** ";
        if (s.StartsWith("** ", StringComparison.Ordinal))
        {
            i = 3;
            if (!SkipDigits(s, ref i) || string.CompareOrdinal(s, i, Dropped, 0, Dropped.Length) != 0) return 0;
            i += Dropped.Length;
        }
        if (i < s.Length && s[i] == '<' && !SkipLevel(s, ref i)) return 0;
        if (!SkipTimestamp(s, ref i)) return 0;
        // Optional caller id "[T123]" / "[ C1]".
        if (i < s.Length && s[i] == '[')
        {
            int j = i + 1;
            while (j < s.Length && s[j] == ' ') j++;
            int d = j + 1;
            if (j < s.Length && s[j] is 'T' or 'C' && SkipDigits(s, ref d) && d < s.Length && s[d] == ']')
            {
                context = ContextId(s.AsSpan(i, d + 1 - i));
                i = d + 1;
            }
        }
        if (i >= s.Length || s[i] != ' ') { context = Console; return 0; }
        return i + 1;
    }

    // "<4>"
    static bool SkipLevel(string s, ref int i)
    {
        int j = i + 1;
        if (!SkipDigits(s, ref j) || j >= s.Length || s[j] != '>') return false;
        i = j + 1;
        return true;
    }

    // "[  12.345678]"
    static bool SkipTimestamp(string s, ref int i)
    {
        if (i >= s.Length || s[i] != '[') return false;
        int j = i + 1;
        while (j < s.Length && s[j] == ' ') j++;
        if (!SkipDigits(s, ref j) || j >= s.Length || s[j] != '.') return false;
        j++;
        if (!SkipDigits(s, ref j) || j >= s.Length || s[j] != ']') return false;
        i = j + 1;
        return true;
    }

    static bool SkipDigits(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i > start;
    }

    /// <summary>"[T123]" / "[ T123]" → 124, "[C1]" → -2; ids too long for an int get a hash (never seen in practice).</summary>
    static int ContextId(ReadOnlySpan<char> group)
    {
        group = group.Trim("[] ");
        bool task = group[0] == 'T';
        var digits = group[1..];
        long n = 0;
        if (digits.Length > 9) n = string.GetHashCode(digits) & 0x3fffffff;
        else foreach (var c in digits) n = n * 10 + (c - '0');
        return task ? (int)n + 1 : -(int)n - 1;
    }
}
