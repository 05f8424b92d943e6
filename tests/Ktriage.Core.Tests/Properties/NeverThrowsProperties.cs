using FsCheck;
using FsCheck.Fluent;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.Core.Search;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Properties;

/// <summary>Ingest and the web paste box feed these parsers whatever arrives: none may throw, on any input.
/// (The crash analyzer is called without its catch-all, which would otherwise hide a bug as "no crash".)</summary>
public sealed class NeverThrowsProperties
{
    [Fact]
    public void Message_parsing_never_throws_and_always_yields_an_id() =>
        Prop.ForAll(HostileInput.Bytes(HostileInput.Mail).ToArbitrary(), bytes =>
        {
            var m = MailParser.Parse(bytes);
            return m.MessageId.Length > 0 && m.BodyHash.Length == 64 && m.AllText is not null;
        }).Check(HostileInput.Config());

    [Fact]
    public void Message_parsing_never_throws_on_random_bytes() =>
        Prop.ForAll<byte[]>(bytes => MailParser.Parse(bytes).MessageId.Length > 0).Check(HostileInput.Config());

    [Fact]
    public void Diff_parsing_never_throws() =>
        Prop.ForAll(HostileInput.Text(HostileInput.Diff).ToArbitrary(), text =>
        {
            var diff = DiffParser.Parse(text);
            _ = diff.RenderDiffStat();
            _ = PatchId.Compute(diff.Text);
            _ = PullRequest.Find(text);
            return diff.Stat.Files == diff.Files.Count;
        }).Check(HostileInput.Config());

    [Fact]
    public void Patch_analysis_of_a_hostile_message_reports_no_problem() =>
        Prop.ForAll(HostileInput.Bytes([.. HostileInput.Mail, .. HostileInput.Diff, "Signed-off-by: A <a@b>", "Reviewed-by: ", "Fixes: 123456789abc (\"x\")", "[PATCH v2 1/2] "]).ToArbitrary(), bytes =>
        {
            // PatchAnalyzer catches its own bugs into Problem; a Problem here is the bug.
            var info = PatchAnalyzer.Analyze(MailParser.Parse(bytes));
            return info.Problem is null;
        }).Check(HostileInput.Config());

    [Fact]
    public void Trailer_and_subject_parsing_never_throw() =>
        Prop.ForAll(HostileInput.Text(
            "Signed-off-by: ", "Reviewed-by: ", "Acked-by: ", "Tested-by: ", "Reported-by: syzbot+0123@syzkaller.appspotmail.com", "Fixes: ", "Closes: ",
            "Link: https://lore.kernel.org/r/a@b", "Cc: stable@vger.kernel.org # 6.1+", "From: ", "A <a@b.c>", "\"Dan, D.\" <d@e>", "(", ")", "[a: b]",
            "1234567890ab (\"x\")", "---", "-- ", "> ", "wrote:", "commit ", "LGTM", "for the whole series", "[PATCH v2 1/2] ", "Re: ").ToArbitrary(), text =>
        {
            var parts = TrailerParser.Split(text);
            _ = CommitMentions.Find(parts.Message, parts.Trailers);
            var prose = PatchAnalyzer.OwnText(text);
            var (found, _) = TrailerParser.Find(prose, followup: true);
            _ = ReviewSignals.Find(prose, found, "A <a@b.c>");
            var subject = SubjectInfo.Parse(text);
            return subject.AmSubject() is not null && subject.Version >= 0;
        }).Check(HostileInput.Config());

    [Fact]
    public void Crash_analysis_never_throws() =>
        Prop.ForAll(HostileInput.Text(HostileInput.Crash).ToArbitrary(), text =>
        {
            var reports = CrashAnalyzer.AnalyzeCore(text);
            return reports.All(r => r.Title.Length > 0 && r.Occurrences >= 1);
        }).Check(HostileInput.Config(500));

    [Fact]
    public void Crash_analysis_of_mangled_reports_never_throws() =>
        Prop.ForAll(HostileInput.CrashLog().ToArbitrary(), text =>
        {
            var reports = CrashAnalyzer.AnalyzeCore(text);
            return reports.All(r => r.Title.Length > 0 && r.Occurrences >= 1);
        }).Check(HostileInput.Config(500));

    // d: ranges built from parts: numbers from tiny to huge, units, separators, non-ASCII digits.
    static readonly Gen<string> DateQuery =
        from a in Gen.Elements("", "2023-01-01", "20230101", "2023-01-01t10:00", "2023-13-45", "now", "today", "last.", "\u0661", "99999999999")
        from n in Gen.Elements("", "1", "2.", "22", "2000", "202301", "999999", "\u0661\u0662.")
        from unit in Gen.Elements("second", "minute", "hour", "day", "week", "month", "year", "days", "months.ago", "years.ago", "")
        from sep in Gen.Elements("..", "", "...", ".. ")
        from b in Gen.Elements("", "now", "2.days.ago", "2024-02-30")
        select $"d:{a}{n}{unit}{sep}{b}";

    [Fact]
    public void Query_parsing_fails_only_with_a_syntax_error_for_the_user() =>
        Prop.ForAll(Gen.OneOf(HostileInput.Line(HostileInput.Query), DateQuery, Gen.ArrayOf(Gen.OneOf(DateQuery, HostileInput.Line(HostileInput.Query)), 3).Select(q => string.Join(" ", q))).ToArbitrary(), query =>
        {
            try
            {
                QueryParser.Parse(query, new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
            }
            catch (SearchSyntaxException e)
            {
                return e.Message.Length > 0;
            }
            return true;
        }).Check(HostileInput.Config(1000));
}
