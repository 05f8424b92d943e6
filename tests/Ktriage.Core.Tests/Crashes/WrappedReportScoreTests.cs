using Ktriage.Core.Crashes;
using Ktriage.Core.Tests.Properties;
using Ktriage.TestSupport;
using Xunit.Abstractions;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>
/// Deterministic counterpart of <see cref="CrashQuotingProperties"/>: every crash log whose title we get right is
/// wrapped the way a mail client without format=flowed does it at each common width (and then quoted with "&gt; "),
/// and must keep its title, crash-site function and first three frames. Counts per width are printed.
/// </summary>
public sealed class WrappedReportScoreTests(ITestOutputHelper output, ScoreOutput score) : IClassFixture<ScoreOutput>
{
    static readonly int[] Widths = [60, 66, 72, 76, 80, 100];

    /// <summary>What a user sees of a report: title, crash site and the top of the call chain.</summary>
    sealed record Shape(string? Title, string? Site, string Frames)
    {
        public static Shape Of(string text) => CrashAnalyzer.AnalyzeCore(text) is [var r, ..]
            ? new Shape(r.Title, r.CrashSite?.Function, string.Join(" ", r.Frames.Take(3).Select(f => f.Function)))
            : new Shape(null, null, "");
    }

    sealed record Counts(int Title, int Site, int Frames);

    /// <summary>Wraps (and quotes) every log at every width; prints per-width counts of changed titles, sites and frames,
    /// and returns the cases ("name@width") whose title changed.</summary>
    List<string> Measure(string corpus, IReadOnlyList<(string Name, string Log)> logs)
    {
        var titleChanged = new List<string>();
        var counts = Widths.ToDictionary(w => w, _ => new Counts(0, 0, 0));
        foreach (var (name, log) in logs)
        {
            var want = Shape.Of(log);
            foreach (var width in Widths)
            {
                // A case is a log at a width: it fails when its plain or its quoted copy changes.
                bool title = false, site = false, frames = false;
                foreach (var quote in new[] { null, "> " })
                {
                    var got = Shape.Of(new CrashQuotingProperties.Transport(width, quote, false).Apply(log));
                    bool t = got.Title != want.Title, s = got.Site != want.Site, f = got.Frames != want.Frames;
                    if (t || s || f)
                        output.WriteLine($"  {corpus}/{name} @{width}{(quote is null ? "" : " quoted")}: "
                            + (t ? $"title '{want.Title}' -> '{got.Title}' " : "")
                            + (s ? $"site '{want.Site}' -> '{got.Site}' " : "")
                            + (f ? $"frames '{want.Frames}' -> '{got.Frames}'" : ""));
                    title |= t; site |= s; frames |= f;
                }
                if (title) titleChanged.Add($"{name}@{width}");
                var c = counts[width];
                counts[width] = new Counts(c.Title + (title ? 1 : 0), c.Site + (site ? 1 : 0), c.Frames + (frames ? 1 : 0));
            }
        }
        score.Report(output, $"wrapped {corpus} ({logs.Count} logs; changed title/site/frames, plain+quoted): "
            + string.Join(", ", Widths.Select(w => $"@{w} {counts[w].Title}/{counts[w].Site}/{counts[w].Frames}")));
        return titleChanged;
    }

    /// <summary>syzkaller's own failure messages (SYZFATAL, type SYZ_FAILURE) are titled by their free text, so nothing
    /// tells where a client cut them: they are measured but not held to it.</summary>
    [SharedFact("crashes/syzkaller-report")]
    public void Wrapped_syzkaller_reports_keep_their_title()
    {
        var cases = Directory.GetFiles(SharedData.Path("crashes/syzkaller-report")).Order(StringComparer.Ordinal)
            .Select(SyzkallerCase.Load)
            .Where(c => c.Title is not null && CrashAnalyzer.AnalyzeCore(c.Log) is [var first, ..] && first.Title == c.Title)
            .ToList();
        Assert.True(cases.Count > 200, $"only {cases.Count} syzkaller logs analysed to their expected title");
        var changed = Measure("syzkaller-report", cases.Select(c => (c.Name, c.Log)).ToList());
        var freeText = cases.Where(c => c.Type == "SYZ_FAILURE").Select(c => c.Name).ToHashSet();
        var kernel = changed.Where(c => !freeText.Contains(c[..c.IndexOf('@')])).ToList();
        Assert.True(kernel.Count == 0, "title changed when wrapped: " + string.Join(", ", kernel));
    }

    [SharedFact("crashes/satyr-kerneloopses")]
    public void Wrapped_satyr_oopses_keep_their_title()
    {
        var logs = Directory.GetFiles(SharedData.Path("crashes/satyr-kerneloopses")).Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Log: File.ReadAllText(f).Replace("\r", "")))
            .Where(c => CrashAnalyzer.AnalyzeCore(c.Log) is [{ Title.Length: > 0 }, ..])
            .ToList();
        // Left: free-text SLUB headers cut between words ("INFO: 0x…-0x…. First byte 0x6a" / "instead of 0x6b").
        Assert.True(Measure("satyr-kerneloopses", logs).Count <= 3);
    }

    [SharedFact("crashes/syzkaller-guilty")]
    public void Wrapped_syzkaller_guilty_reports_keep_their_title()
    {
        var logs = Directory.GetFiles(SharedData.Path("crashes/syzkaller-guilty")).Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f).Replace("\r", "")))
            .Select(f => (f.Name, Log: f.Text[(f.Text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]))
            .Where(c => CrashAnalyzer.AnalyzeCore(c.Log) is [{ Title.Length: > 0 }, ..])
            .ToList();
        Assert.Empty(Measure("syzkaller-guilty", logs));
    }

    [Fact]
    public void Wrapped_fixture_reports_keep_their_title()
    {
        var logs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Crashes"), "*.txt").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f).Replace("\r", "")))
            .Where(f => f.Text.StartsWith("TITLE: ", StringComparison.Ordinal))
            .Select(f => (f.Name, Log: f.Text[(f.Text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]))
            .ToList();
        Assert.True(logs.Count >= 10);
        Assert.Empty(Measure("fixtures", logs));
    }
}
