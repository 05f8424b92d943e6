using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Bounds;

/// <summary>Every regex in ktriage is bounded: NonBacktracking or a match timeout (see <see cref="SafeRegex"/>).</summary>
public sealed class RegexAuditTests
{
    static bool Bounded(Regex r) => r.MatchTimeout != Regex.InfiniteMatchTimeout || (r.Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>All regexes reachable from static fields (arrays, tuples and ktriage objects followed) and every
    /// [GeneratedRegex] method of the assembly.</summary>
    static List<(string Where, Regex Regex)> RegexesIn(Assembly assembly)
    {
        var found = new List<(string, Regex)>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object? value, string where, int depth)
        {
            if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive || !seen.Add(value)) return;
            if (value is Regex r) { found.Add((where, r)); return; }
            var type = value.GetType();
            if (value is IEnumerable items && type.Namespace?.StartsWith("System.Collections", StringComparison.Ordinal) is true || type.IsArray)
            {
                int i = 0;
                foreach (var item in (IEnumerable)value) Walk(item, $"{where}[{i++}]", depth + 1);
                return;
            }
            if (type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) is true || type.Assembly == assembly)
                foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                    Walk(f.GetValue(value), $"{where}.{f.Name}", depth + 1);
        }
        foreach (var type in assembly.GetTypes())
        {
            if (type.ContainsGenericParameters) continue;
            foreach (var f in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (f.IsLiteral) continue;
                object? v;
                try { v = f.GetValue(null); } catch (TargetInvocationException) { continue; }
                Walk(v, $"{type.FullName}.{f.Name}", 0);
            }
            foreach (var m in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (m.GetCustomAttribute<GeneratedRegexAttribute>() is not null)
                    found.Add(($"{type.FullName}.{m.Name}()", (Regex)m.Invoke(null, null)!));
        }
        return found;
    }

    [Fact]
    public void Every_regex_in_Core_is_bounded()
    {
        var all = RegexesIn(typeof(SafeRegex).Assembly);
        Assert.True(all.Count > 200, $"only {all.Count} regexes found: the walk misses some");
        Assert.Empty(all.Where(r => !Bounded(r.Regex)).Select(r => $"{r.Where}: {r.Regex}"));
    }

    /// <summary>What reflection cannot reach (regexes built on demand, the static Regex helpers, other
    /// assemblies' generated regexes): checked in the source of every project.</summary>
    [Fact]
    public void No_source_file_builds_an_unbounded_regex()
    {
        var offenders = new List<string>();
        var src = Path.Combine(SharedData.RepoRoot, "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains("/obj/") || file.Contains("/bin/") || file.EndsWith("SafeRegex.cs")) continue;
            var text = File.ReadAllText(file);
            var name = Path.GetRelativePath(src, file);
            foreach (Match m in Regex.Matches(text, @"\[GeneratedRegex\((?<args>.*)\)\]"))
                if (!m.Groups["args"].Value.Contains("SafeRegex.TimeoutMs") && !m.Groups["args"].Value.Contains("NonBacktracking"))
                    offenders.Add($"{name}: {m.Value}");
            // Regex constructors: the statement must pass SafeRegex.Timeout, or the timeout of the regex it recompiles
            // (or be built by SafeRegex/Rx.C).
            foreach (Match m in Regex.Matches(text, @"(?:new\s+Regex\s*\(|Regex\s+\w+\s*=\s*new\s*\(|\(new\s*\(@?"")[^;]*"))
                if (!m.Value.Contains("SafeRegex.Timeout") && !m.Value.Contains(".MatchTimeout)"))
                    offenders.Add($"{name}: {m.Value[..Math.Min(120, m.Value.Length)]}");
            // Static helpers without a timeout (Regex.IsMatch(input, pattern) …): use SafeRegex's.
            foreach (Match m in Regex.Matches(text, @"(?<![\w.])Regex\.(?:IsMatch|Match|Matches|Replace|Split)\((?<args>[^;]*)"))
                if (m.Groups["args"].Value.Contains(','))
                    offenders.Add($"{name}: {m.Value[..Math.Min(120, m.Value.Length)]}");
        }
        Assert.Empty(offenders);
    }
}
