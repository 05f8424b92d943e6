using System.Text.RegularExpressions;

namespace Ktriage.Core;

/// <summary>
/// The one place that bounds regular expressions. Every regex in ktriage either runs on the NonBacktracking engine
/// (linear in the input: used where the pattern has no backreference or lookaround and scans whole texts) or has
/// this match timeout (a backstop against catastrophic backtracking on hostile mail). A timeout throws
/// <see cref="RegexMatchTimeoutException"/>; callers treat it like any parse failure of that one input.
/// </summary>
/// <remarks>
/// Explicit per regex rather than the process-wide AppContext switch REGEX_DEFAULT_MATCH_TIMEOUT: that switch is read
/// once, by whichever code touches Regex first, so it would have to be set in every entry point and every test host
/// before anything else runs, and Ktriage.Core used as a library would be unbounded. Here the bound travels with the
/// regex, and a test (RegexBoundsTests) checks that every regex in the assemblies has it.
/// </remarks>
public static class SafeRegex
{
    /// <summary>For [GeneratedRegex(pattern, options, SafeRegex.TimeoutMs)]. Generous: the timeout covers one call,
    /// including the scan for a first match, and a linear scan of a 64 MiB message (the size limit) on a loaded machine
    /// takes seconds; catastrophic backtracking takes hours, so this still catches it.</summary>
    public const int TimeoutMs = 10_000;

    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(TimeoutMs);

    /// <summary>A linear-time regex (NonBacktracking); the pattern must not use backreferences, lookarounds or atomic groups.</summary>
    public static Regex Linear(string pattern, RegexOptions options = RegexOptions.None) =>
        new(pattern, (options & ~RegexOptions.Compiled) | RegexOptions.NonBacktracking, Timeout);

    // The static Regex helpers (they share Regex's cache of recently used patterns), with the timeout.
    public static bool IsMatch(string input, string pattern, RegexOptions options = RegexOptions.None) =>
        Regex.IsMatch(input, pattern, options, Timeout);

    public static Match Match(string input, string pattern, RegexOptions options = RegexOptions.None) =>
        Regex.Match(input, pattern, options, Timeout);

    public static MatchCollection Matches(string input, string pattern, RegexOptions options = RegexOptions.None) =>
        Regex.Matches(input, pattern, options, Timeout);

    public static string Replace(string input, string pattern, string replacement, RegexOptions options = RegexOptions.None) =>
        Regex.Replace(input, pattern, replacement, options, Timeout);

    public static string[] Split(string input, string pattern, RegexOptions options = RegexOptions.None) =>
        Regex.Split(input, pattern, options, Timeout);
}
