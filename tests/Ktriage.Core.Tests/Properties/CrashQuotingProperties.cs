using FsCheck;
using FsCheck.Fluent;
using Ktriage.Core.Crashes;
using Ktriage.Core.Tests.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Properties;

/// <summary>
/// A crash report keeps its title when it is passed around by mail: quoted in a reply ("&gt; ", "&gt;&gt; ",
/// "&gt; &gt; ", any depth), with CRLF line ends, and after a mail client wrapped its long lines at 60 to 100 columns
/// and someone quoted that: console logs and syzkaller's reports (mails mixing prose and quotes are only quoted here;
/// WrappedReportScoreTests wraps them at fixed widths).
/// </summary>
public sealed class CrashQuotingProperties
{
    /// <summary>How a report travelled: wrapped at a width (0: not), then quoted with a marker (null: not), LF or CRLF.</summary>
    public sealed record Transport(int WrapAt, string? Quote, bool Crlf)
    {
        public string Apply(string log)
        {
            var lines = log.Replace("\r", "").Split('\n').AsEnumerable();
            if (WrapAt > 0) lines = lines.SelectMany(Wrap);
            if (Quote is not null) lines = lines.Select(l => (Quote + l).TrimEnd());
            return string.Join(Crlf ? "\r\n" : "\n", lines);
        }

        /// <summary>Like a mail client without format=flowed: breaks at the last space before the width, drops that space.</summary>
        IEnumerable<string> Wrap(string line)
        {
            while (line.Length > WrapAt && line.LastIndexOf(' ', WrapAt) is var k and > 0)
            {
                yield return line[..k];
                line = line[(k + 1)..];
            }
            yield return line;
        }
    }

    static readonly Gen<string?> Quotes = Gen.Elements<string?>(null, "> ", ">", "> > ", ">> ", ">>> ", "  > ");

    static Gen<Transport> Transports(bool wrap) =>
        from width in wrap ? Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(60, 100))) : Gen.Constant(0)
        from quote in Quotes
        from crlf in Gen.Elements(false, true)
        select new Transport(width, quote, crlf);

    static void TitleSurvives(IReadOnlyList<(string Name, string Log, bool Wrap)> logs, int cases)
    {
        var gen = from i in Gen.Choose(0, logs.Count - 1)
                  from t in Transports(logs[i].Wrap)
                  select (logs[i].Name, logs[i].Log, t);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var expected = CrashAnalyzer.AnalyzeCore(c.Log)[0].Title;
            var got = CrashAnalyzer.AnalyzeCore(c.t.Apply(c.Log)).FirstOrDefault()?.Title;
            return (got == expected).Label($"{c.Name} {c.t}: '{expected}' became '{got}'");
        }).Check(HostileInput.Config(cases));
    }

    /// <summary>True when most non-blank lines carry a printk timestamp or a syslog prefix.</summary>
    static bool IsConsoleLog(string log)
    {
        var lines = log.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        return lines.Count(l => ConsolePrefix.HasTimestamp(l.TrimStart('>', ' ')) || l.Contains(" kernel: ")) * 10 >= lines.Count * 9;
    }

    [Fact]
    public void Quoting_and_wrapping_keep_the_title_of_the_fixture_reports()
    {
        var logs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Crashes"), "*.txt").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f).Replace("\r", "")))
            .Where(f => f.Text.StartsWith("TITLE: ", StringComparison.Ordinal))
            .Select(f => (f.Name, Log: f.Text[(f.Text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]))
            .Select(f => (f.Name, f.Log, IsConsoleLog(f.Log)))
            .ToList();
        Assert.True(logs.Count >= 3);
        TitleSurvives(logs, 200);
    }

    /// <summary>Quoted, and wrapped at 60–100 columns (see WrappedReportScoreTests for every log at 60, 66, 72, 76, 80
    /// and 100: no title changes). Not wrapped: syzkaller's own failure messages (type SYZ_FAILURE, e.g. SYZFATAL),
    /// titled by their free text, where no kernel shape tells a cut line from a short one.</summary>
    [SharedFact("crashes/syzkaller-report")]
    public void Quoting_and_wrapping_keep_the_title_of_syzkallers_reports()
    {
        var logs = Directory.GetFiles(SharedData.Path("crashes/syzkaller-report")).Order(StringComparer.Ordinal)
            .Select(SyzkallerCase.Load)
            .Where(c => c.Title is not null && CrashAnalyzer.AnalyzeCore(c.Log) is [var first, ..] && first.Title == c.Title)
            .Select(c => (c.Name, c.Log, Wrap: c.Type != "SYZ_FAILURE"))
            .ToList();
        Assert.True(logs.Count > 100, $"only {logs.Count} syzkaller logs analysed to their expected title");
        TitleSurvives(logs, 300);
    }
}
