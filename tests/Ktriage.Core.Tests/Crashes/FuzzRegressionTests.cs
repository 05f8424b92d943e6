using Ktriage.Core.Crashes;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>Inputs found by fuzz/Ktriage.Fuzz (target oops) that made the analyzer throw. Analyze's catch-all turned
/// each into "no crash in this log": the report was silently lost. Fixtures/Fuzz/oops-*.txt.</summary>
public sealed class FuzzRegressionTests
{
    static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Fuzz", name));

    [Theory]
    [InlineData("oops-cpu-number-overflow.txt")] // "CPU: 99999999999": int.Parse overflowed
    [InlineData("oops-cpu-arabic-digits.txt")]   // \d matches U+0661: int.Parse threw FormatException
    public void A_report_with_an_unreadable_CPU_number_keeps_its_title_and_drops_only_the_number(string name)
    {
        var reports = CrashAnalyzer.AnalyzeCore(Fixture(name));

        var r = Assert.Single(reports);
        Assert.Equal("KASAN: use-after-free Read in io_poll_wake", r.Title);
        Assert.Null(r.Cpu);
    }
}
