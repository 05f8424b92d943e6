using Ktriage.Core.Crashes;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>Inputs found by fuzz/Ktriage.Fuzz (target oops) or the FsCheck properties that made the analyzer throw. Analyze's catch-all turned
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

    [Fact] // error_code(0x123456789abcdef0): Convert.ToInt32 overflowed (found by Crash_analysis_of_mangled_reports_never_throws)
    public void A_page_fault_error_code_too_long_for_32_bits_is_skipped_for_the_Oops_code()
    {
        var r = Assert.Single(CrashAnalyzer.AnalyzeCore(Fixture("oops-error-code-overflow.txt")));

        Assert.Equal("BUG: unable to handle kernel NULL pointer dereference in ext4_foo_bar", r.Title);
        var hint = Assert.Single(r.Hints, h => h.Kind == "page-fault-error-code");
        Assert.StartsWith("Oops: 0000:", hint.Message);
    }
}
