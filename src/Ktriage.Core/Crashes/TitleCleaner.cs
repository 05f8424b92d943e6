using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// Makes titles stable across runs, as syzkaller does: addresses → ADDR, numbers → NUM, file lines → LINE,
/// executor names collapsed, non-printables dropped, 120-byte cap.
/// </summary>
public static partial class TitleCleaner
{
    public const int MaxTitleLength = 120;

    static readonly (Regex Re, string Repl)[] Replacements =
    [
        (Replacement1(), "syz-executor"),
        (Replacement2(), "syzkaller"),
        (Replacement3(), "${1}ADDR"),
        (Replacement4(), "${1}IP"),
        (Replacement5(), "${1}:LINE"),
        (Replacement6(), "${1}"),
        (Replacement7(), "CPU"),
        // Overlapping matches ("0,1,2") need repeated passes: see Clean.
        (Replacement8(), "${1}NUM${3}"),
        // Digits inside identifiers (cfg80211) stay, but long digit runs are not names.
        (Replacement9(), "NUM"),
    ];

    [GeneratedRegex(@"syz-executor\.?[0-9]+((/|:)[0-9]+)?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement1();
    [GeneratedRegex(@"syzkaller[0-9]+((/|:)[0-9]+)?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement2();
    [GeneratedRegex(@"([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement3();
    [GeneratedRegex(@"([^a-zA-Z0-9])(?:[0-9]{1,3}\.){3}[0-9]{1,3}", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement4();
    [GeneratedRegex(@"(\.\w+)(:[0-9]+)+", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement5();
    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement6();
    [GeneratedRegex(@"CPU#[0-9]+", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement7();
    [GeneratedRegex(@"(\W)(\d+)(\W|$)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement8();
    [GeneratedRegex(@"\d{7,}", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Replacement9();

    // A title comes from one log line, which can be megabytes of garbage; the regexes below are not all linear
    // on such runs, and nothing past this length survives the 120-byte cap anyway (replacements shrink by
    // at most a few characters per token).
    const int MaxRawLength = 2048;

    public static string Clean(string title)
    {
        if (title.Length > MaxRawLength) title = title[..MaxRawLength];
        foreach (var (re, repl) in Replacements)
        {
            for (int i = 0; i < 10; i++)
            {
                var next = re.Replace(title, repl);
                if (next == title) break;
                title = next;
            }
        }
        return Sanitize(title);
    }

    /// <summary>Printable ASCII only, runs of spaces collapsed, capped at 120 bytes.</summary>
    public static string Sanitize(string title)
    {
        var sb = new StringBuilder(title.Length);
        foreach (var ch in title)
        {
            var c = ch < 0x20 || ch >= 0x7f ? ' ' : ch;
            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(c);
        }
        if (sb.Length > MaxTitleLength) sb.Length = MaxTitleLength;
        return sb.ToString().Trim();
    }
}
