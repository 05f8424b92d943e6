using System.Diagnostics;
using System.Text;
using Ktriage.Sources.LorePage;
using Xunit.Abstractions;

namespace Ktriage.Sources.Tests.Bounds;

/// <summary>Saved lore pages are parsed with regexes over the whole page (flattened pages are one long line):
/// 10 MB of hostile page text must parse within a bound, and a real message after it must still be found.</summary>
public sealed class HostilePageTests(ITestOutputHelper output)
{
    // Linear parsing of 10 MB takes 0.1–7 s on a loaded 2-core machine; the quadratic cases this guards against took
    // hours (or hit the regex timeout, which fails the test with RegexMatchTimeoutException).
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    const string RealMessage = """
        From: Jens Axboe <axboe@kernel.dk>
        To: io-uring@vger.kernel.org
        Subject: [PATCH] io_uring: fix poll race
        Date: Mon, 1 Jan 2024 00:00:00 +0000	[thread overview]
        Message-ID: <real-1@kernel.dk> (raw)

        The fix.

        ^ permalink raw reply	[flat|nested] 2+ messages in thread
        """;

    static string Repeat(string unit)
    {
        var sb = new StringBuilder(10 << 20);
        while (sb.Length < 10 << 20) sb.Append(unit);
        return sb.ToString();
    }

    public static IEnumerable<object[]> Names() => Pages.Keys.Select(k => new object[] { k });

    static readonly Dictionary<string, Func<string>> Pages = new()
    {
        ["from fields"] = () => Repeat("From: a "),
        ["header fields without [thread overview]"] = () => Repeat("From: a To: b Cc: c Subject: d Date: e "),
        ["header block without Message-ID"] = () => Repeat("From: a Subject: d Date: e [thread overview] "),
        ["references run"] = () => Repeat("From: a Subject: d Date: e [thread overview] Message-ID: <a@b> (raw) References: <x@y> "),
        ["quote marks"] = () => Repeat("> "),
        ["spaces"] = () => Repeat(" "),
        ["stars"] = () => Repeat("* "),
        ["thread skeleton"] = () => Repeat("2024-01-01 0:00 ` "),
        ["sibling lines"] = () => Repeat("0 siblings, 0 replies; 1 messages in thread From: a "),
        ["name and address"] = () => Repeat("Abc Def Ghi Jkl Mno <"),
        ["html head without end"] = () => "<html>" + Repeat("<head <script <style <!-- "),
        ["html tags without end"] = () => "<html>" + Repeat("<a "),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Ten_MB_of_hostile_page_text_parses_within_a_bound(string name)
    {
        var hostile = Pages[name]();
        var html = hostile.StartsWith("<html>");
        var page = html ? hostile + "<pre>" + System.Net.WebUtility.HtmlEncode(RealMessage) + "</pre>" : hostile + "\n" + RealMessage + "\n";
        var watch = Stopwatch.StartNew();
        var messages = LorePageParser.Parse(page);
        watch.Stop();
        output.WriteLine($"{name}: {watch.Elapsed.TotalSeconds:F2}s, {messages.Count} messages");
        Assert.True(watch.Elapsed < Bound, $"{name}: {watch.Elapsed.TotalSeconds:F1}s");
        Assert.Contains(messages, m => m.MessageId == "<real-1@kernel.dk>");
    }
}
