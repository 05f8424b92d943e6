using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>
/// b4's test_trailers (b4 trailers -u on a branch made by b4 shazam): the .verify files are
/// <c>git log --format=%ae%n%s%n%b---</c> of the updated branch. We rebuild the branch's commits from the
/// mailed patches the way git am does, update them with <see cref="TrailerUpdater"/>, and print the same log.
/// </summary>
public class B4TrailerUpdateTests
{
    static readonly MailAddress Me = new("Test Override", "test-override@example.com");

    [SharedTheory("mail/b4")]
    [InlineData("trailers-thread-with-followups", "trailers-thread-with-followups", true, false, false)]
    [InlineData("trailers-thread-with-cover-followup", "trailers-thread-with-cover-followup", true, false, false)]
    [InlineData("trailers-thread-with-followups", "trailers-thread-with-followups-no-match", true, true, false)]
    [InlineData("trailers-thread-with-followups", "trailers-thread-with-followups-and-tripledash", false, false, true)]
    public void Updated_branch_log_equals_b4s(string mbox, string verify, bool amSignoff, bool changeDiff, bool tripleDash)
    {
        var messages = MboxReader.Shared($"mail/b4/{mbox}.mbox");
        var series = SeriesBuilder.Build(messages);
        var revision = Assert.Single(series).Latest;
        var commits = new List<(string Message, string Diff)>();
        foreach (var p in revision.Patches.OrderBy(p => p.Counter))
        {
            var m = messages.Single(x => x.MessageId == p.MessageId);
            var head = m.Body.Replace("\r", "");
            var dash = head.IndexOf("\n---\n", StringComparison.Ordinal);
            head = (dash < 0 ? head : head[..dash]).Trim('\n');
            var msg = p.Title + "\n\n" + head + "\n";
            // git am --signoff (shazam-am-flags) appends our sign-off to the trailer block.
            if (amSignoff) msg += "Signed-off-by: Test Override <test-override@example.com>\n";
            // trailers-with-tripledash.bundle's last commit has notes below a "---" inside its message.
            if (tripleDash && p.Counter == 4) msg += "---\nThis commit has extra stuff.\n";
            var diff = PatchAnalyzer.DiffOf(m).Text;
            // b4's no-match case edits the patch before applying it: the diff no longer matches what was reviewed.
            if (changeDiff) diff = diff.Replace("vivendum", "addendum");
            commits.Add((msg, diff));
        }

        var log = new StringBuilder();
        foreach (var (msg, diff) in Enumerable.Reverse(commits))
        {
            var updated = TrailerUpdater.Update(msg, diff, series, new AmOptions(Identity: Me));
            var nl = updated.IndexOf("\n\n", StringComparison.Ordinal);
            log.Append("konstantin@linuxfoundation.org\n").Append(updated[..nl]).Append('\n').Append(updated[(nl + 2)..]).Append("---\n");
        }
        Assert.Equal(File.ReadAllText(SharedData.Path($"mail/b4/{verify}.verify")), log.ToString());
    }
}
