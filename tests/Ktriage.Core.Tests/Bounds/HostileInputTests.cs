using System.Diagnostics;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.Core.Search;
using Xunit.Abstractions;

namespace Ktriage.Core.Tests.Bounds;

/// <summary>Every parser ingest runs on a message, on 10 MB of hostile text: done within a bound, and the real oops
/// after the hostile part is still found (a regex timeout inside crash analysis would silently lose it).</summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    // Linear work on 10 MB takes seconds (5 million short lines are the slowest); quadratic work takes hours. The
    // bound leaves room for a loaded 2-core CI machine without letting a quadratic pass.
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(HostileText.Names), MemberType = typeof(HostileText))]
    public void Message_understanding_of_10_MB_of_hostile_text_is_bounded(string name)
    {
        var body = HostileText.WithOops(name);
        var bytes = HostileText.AsMail(body);
        var times = new List<string>();
        var total = Stopwatch.StartNew();
        T Timed<T>(string what, Func<T> f)
        {
            var w = Stopwatch.StartNew();
            var r = f();
            times.Add($"{what} {w.Elapsed.TotalSeconds:F2}s");
            return r;
        }

        var m = Timed("mail", () => MailParser.Parse(bytes));
        var crashes = Timed("crashes", () => CrashAnalyzer.Analyze(m.AllText));
        Timed("patch", () => PatchAnalyzer.Analyze(m));
        Timed("links", () => LinkText.FixReferences(LinkText.OwnText(m.Body)).Count + LinkText.SyzFixTitles(m.Body).Count
            + (LinkText.InlinePatchSubject(m.Body)?.Length ?? 0) + LinkText.CommitMessage(m.Body).Length);
        Timed("search fields", () => SearchFields.Of(m));
        total.Stop();
        output.WriteLine($"{name}: {total.Elapsed.TotalSeconds:F2}s ({string.Join(", ", times)})");

        Assert.True(total.Elapsed < Bound, $"{name}: {total.Elapsed.TotalSeconds:F1}s ({string.Join(", ", times)})");
        if (HostileText.IsFlood(name))
            // Tens of thousands of crash headers: analysis stops at the report limit and says so.
            Assert.Contains(crashes.SelectMany(r => r.Hints), h => h.Kind == "limit" && h.Message.Contains("KTRIAGE_MAX_CRASH_REPORTS"));
        else
            Assert.Contains(crashes, r => r.Title == "BUG: unable to handle kernel NULL pointer dereference in io_poll_wake");
    }
}
