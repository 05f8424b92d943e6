using Ktriage.Core.Crashes;
using Ktriage.TestSupport;
using Xunit.Abstractions;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>Guilty-file choice against syzkaller's 25 symbolized reports.</summary>
public sealed class GuiltyFileScoreTests(ITestOutputHelper output, ScoreOutput score) : IClassFixture<ScoreOutput>
{
    [SharedFact("crashes/syzkaller-guilty")]
    public void Guilty_file_matches_syzkaller_on_at_least_95_percent()
    {
        var files = Directory.GetFiles(SharedData.Path("crashes/syzkaller-guilty")).OrderBy(f => f, StringComparer.Ordinal).ToList();
        int ok = 0;
        var failures = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file).Replace("\r", "");
            int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
            var expected = text[..blank].Split('\n').First(l => l.StartsWith("FILE: "))["FILE: ".Length..].Trim();
            var reports = CrashAnalyzer.Analyze(text[(blank + 2)..]);
            var got = reports.Count > 0 ? reports[0].GuiltyFile : null;
            if (got == expected) ok++;
            else failures.Add($"{Path.GetFileName(file)}: expected {expected} got {got ?? "(none)"} [{(reports.Count > 0 ? reports[0].Title : "no report")}]");
        }
        double percent = 100.0 * ok / files.Count;
        score.Report(output, $"guilty file agreement with syzkaller: {ok}/{files.Count} = {percent:F1}%");
        foreach (var f in failures) output.WriteLine("  " + f);
        Assert.True(percent >= 95.0, $"guilty agreement {percent:F1}%:\n" + string.Join("\n", failures));
    }
}
