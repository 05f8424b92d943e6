using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// Makes titles stable across runs, as syzkaller does: addresses → ADDR, numbers → NUM, file lines → LINE,
/// executor names collapsed, non-printables dropped, 120-byte cap.
/// </summary>
public static class TitleCleaner
{
    public const int MaxTitleLength = 120;

    static readonly (Regex Re, string Repl)[] Replacements =
    [
        (new(@"syz-executor\.?[0-9]+((/|:)[0-9]+)?", RegexOptions.Compiled, SafeRegex.Timeout), "syz-executor"),
        (new(@"syzkaller[0-9]+((/|:)[0-9]+)?", RegexOptions.Compiled, SafeRegex.Timeout), "syzkaller"),
        (new(@"([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}", RegexOptions.Compiled, SafeRegex.Timeout), "${1}ADDR"),
        (new(@"([^a-zA-Z0-9])(?:[0-9]{1,3}\.){3}[0-9]{1,3}", RegexOptions.Compiled, SafeRegex.Timeout), "${1}IP"),
        (new(@"(\.\w+)(:[0-9]+)+", RegexOptions.Compiled, SafeRegex.Timeout), "${1}:LINE"),
        (new(@"([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+/0x[0-9a-z]+", RegexOptions.Compiled, SafeRegex.Timeout), "${1}"),
        (new(@"CPU#[0-9]+", RegexOptions.Compiled, SafeRegex.Timeout), "CPU"),
        // Overlapping matches ("0,1,2") need repeated passes: see Clean.
        (new(@"(\W)(\d+)(\W|$)", RegexOptions.Compiled, SafeRegex.Timeout), "${1}NUM${3}"),
        // Digits inside identifiers (cfg80211) stay, but long digit runs are not names.
        (new(@"\d{7,}", RegexOptions.Compiled, SafeRegex.Timeout), "NUM"),
    ];

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
