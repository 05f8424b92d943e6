using Ktriage.Core.Crashes;
using Ktriage.TestSupport;
using Xunit.Abstractions;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>Agreement with syzkaller's own titles on its 238 real Linux report tests (first crash only).</summary>
public sealed class SyzkallerTitleScoreTests(ITestOutputHelper output)
{
    [SharedFact("crashes/syzkaller-report")]
    public void First_report_title_matches_syzkaller_on_at_least_95_percent_of_logs()
    {
        var files = Directory.GetFiles(SharedData.Path("crashes/syzkaller-report")).OrderBy(f => f, StringComparer.Ordinal).ToList();
        int ok = 0, typeOk = 0, typeTotal = 0;
        var failures = new List<string>();
        foreach (var file in files)
        {
            var c = SyzkallerCase.Load(file);
            var reports = CrashAnalyzer.Analyze(c.Log);
            var got = reports.Count > 0 ? reports[0].Title : null;
            if (got == c.Title) ok++;
            else failures.Add($"{c.Name}: expected [{c.Title ?? "no crash"}] got [{got ?? "no crash"}]");
            if (c.Type is not null && reports.Count > 0)
            {
                typeTotal++;
                if (reports[0].Type == c.Type) typeOk++;
            }
        }
        double score = 100.0 * ok / files.Count;
        output.WriteLine($"syzkaller title agreement: {ok}/{files.Count} = {score:F1}%  (type agreement {typeOk}/{typeTotal})");
        foreach (var f in failures) output.WriteLine("  " + f);
        Assert.True(score >= 95.0, $"title agreement {score:F1}% < 95%:\n" + string.Join("\n", failures));
    }
}
