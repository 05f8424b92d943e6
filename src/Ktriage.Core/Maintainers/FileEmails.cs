using System.Text.RegularExpressions;

namespace Ktriage.Core.Maintainers;

/// <summary>Addresses named inside a file, as get_maintainer.pl collects them from .yaml bindings ("in file"):
/// its maintainers_in_file regex and clean_file_emails.</summary>
public static partial class FileEmails
{
    static readonly Regex Candidate = CandidateRegex();
    [GeneratedRegex(@"[A-Za-zÀ-ÿ""' ,.+\-]*\s*[,]*\s*[(<{]?[A-Za-z0-9_.+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z0-9]+[)>}]?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex CandidateRegex();
    static readonly Regex Bracket = BracketRegex();
    [GeneratedRegex(@"[(<{]?([A-Za-z0-9_.+\-]+@[A-Za-z0-9.\-]+)[)>}]?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex BracketRegex();

    /// <summary>Whether get_maintainer.pl reads addresses from this file by default.</summary>
    public static bool Applies(string path) => path.EndsWith(".yaml", StringComparison.Ordinal);

    public static IReadOnlyList<string> Extract(string text)
    {
        var result = new List<string>();
        foreach (Match m in Candidate.Matches(text))
        {
            var email = Bracket.Replace(m.Value, "<$1>");
            var (name, address) = MaintainerMatcher.ParseEmail(email);
            if (name == "\"[,.]\"") name = "";
            var words = SafeRegex.Split(name, @"[^A-Za-zÀ-ÿ',.+\-]");
            if (words.Length > 2)
            {
                string first = words[^3], middle = words[^2], last = words[^1];
                name = (first.Length == 1 && char.IsAsciiLetter(first[0])) || (first.Length == 2 && first[^1] == '.')
                    || middle.Length == 1 || (middle.Length == 2 && middle[^1] == '.')
                    ? $"{first} {middle} {last}" : $"{middle} {last}";
            }
            if (name.Length > 0 && name[^1] is ',' or '.') name = name[..^1];
            else if (name.Length > 1 && name[^2] is ',' or '.' && name[^1] == '"') name = name[..^2] + "\"";
            if (name.Length > 0 && name[0] is ',' or '.') name = name[1..];
            else if (name.Length > 1 && name[0] == '"' && name[1] is ',' or '.') name = "\"" + name[2..];
            // format_email re-derives the quoting from the cleaned name.
            var (n2, a2) = MaintainerMatcher.ParseEmail(name.Length == 0 ? address : $"{name.Trim('"')} <{address}>");
            result.Add(MaintainerMatcher.FormatEmail(n2, a2));
        }
        return result.Distinct().ToList();
    }
}
