using Ktriage.Core.Search;

namespace Ktriage.Core.Tests.Search;

/// <summary>Queries found by fuzz/Ktriage.Fuzz (target query) that failed with another exception than the syntax error
/// the CLI and the web show as a one-line message (`ktriage search` crashed, the web answered 500).</summary>
public sealed class QueryFuzzRegressionTests
{
    static readonly DateTimeOffset Now = new(2024, 3, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_fuzzers_query_with_202301_months_back_is_a_syntax_error()
    {
        // The fuzzer's input as found (mangled UTF-8 included): "… d:202301month.. …".
        var query = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Fuzz", "query-months-before-year-1.bin"));

        var e = Assert.Throws<SearchSyntaxException>(() => QueryParser.Parse(query, Now));
        Assert.Contains("d:202301month", e.Message);
    }

    [Theory]
    [InlineData("d:202301.months.ago..", "too far back")]
    [InlineData("d:999999.years.ago..", "too far back")]
    [InlineData("d:..999999.weeks.ago", "too far back")]
    [InlineData("d:\u0661.day.ago..", "not a valid date")]       // \d matched an Arabic-Indic digit; int.Parse threw
    [InlineData("d:2023-01-01t\u0661\u0660:00..", "not a valid date")]
    public void Dates_out_of_reach_are_syntax_errors_naming_the_date(string query, string why)
    {
        var e = Assert.Throws<SearchSyntaxException>(() => QueryParser.Parse(query, Now));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_far_but_reachable_date_still_works()
    {
        var d = Assert.IsType<DateNode>(QueryParser.Parse("d:2000.years.ago..", Now));
        Assert.Equal(24, d.From!.Value.Year);
    }
}
