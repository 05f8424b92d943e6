using System.Text;
using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

/// <summary>Ingest runs the parsers on everything: mangled input must never throw.</summary>
public class RobustnessTests
{
    static readonly string[] Junk =
    [
        "diff --git ", "diff --git \"a/unterminated", "@@ -1,999999999999 +1 @@", "@@ -", "@@@ -1 +1 @@@", "--- ", "+++ ",
        "Index: ", "====", "GIT binary patch", "literal 9999999999", "rename from", "similarity index x%", "\\ No newline",
        "diff --git \"a/\\19x\" \"b/\\3\"", "Reviewed-by:", "Fixes: (\"", "Signed-off-by: <", "<>", "[PATCH 1/0]", "[PATCH v99999]",
        "are available in the Git repository at:", "  git://", "-- ", "---", "From: ", "\t", "", "index ..", "index abc..",
    ];

    [Fact]
    public void Mutated_patches_never_throw()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Patches"), "*.mbox")
            .Select(File.ReadAllText).ToList();
        var rnd = new Random(Environment.GetEnvironmentVariable("FUZZ_SEED") is { } fs ? int.Parse(fs) : 12345);
        for (var round = 0; round < (Environment.GetEnvironmentVariable("FUZZ_ROUNDS") is { } fr ? int.Parse(fr) : 3000); round++)
        {
            var lines = seeds[rnd.Next(seeds.Count)].Split('\n').ToList();
            var start = rnd.Next(lines.Count);
            lines = lines.Skip(start).Take(rnd.Next(1, 80)).ToList();
            for (var k = rnd.Next(1, 6); k > 0; k--)
            {
                var at = rnd.Next(lines.Count + 1);
                switch (rnd.Next(4))
                {
                    case 0: lines.Insert(at, Junk[rnd.Next(Junk.Length)]); break;
                    case 1: if (lines.Count > 0) lines.RemoveAt(Math.Min(at, lines.Count - 1)); break;
                    case 2: if (lines.Count > 0) { var l = lines[Math.Min(at, lines.Count - 1)]; lines[Math.Min(at, lines.Count - 1)] = l[..rnd.Next(l.Length + 1)]; } break;
                    default: lines.Insert(at, Junk[rnd.Next(Junk.Length)] + Junk[rnd.Next(Junk.Length)]); break;
                }
            }
            var text = string.Join('\n', lines);
            var diff = DiffParser.Parse(text);
            _ = diff.RenderDiffStat();
            _ = PatchId.Compute(text);
            _ = TrailerParser.Split(text);
            _ = TrailerParser.Find(text, followup: true);
            _ = PullRequest.Find(text);
            _ = SubjectInfo.Parse(lines.FirstOrDefault());
            _ = CommitMentions.Find(text, []);
            _ = ReviewSignals.Find(text, [], null);
            var msg = MboxReader.One("From: A <a@b.c>\nSubject: [PATCH] x\nMessage-ID: <m@x>\n\n" + text);
            Assert.Null(PatchAnalyzer.Analyze(msg).Problem);
        }
    }

    [Fact]
    public void Reference_cycles_and_duplicate_ids_do_not_hang_series_assembly()
    {
        const string Diff = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";
        var messages = new[]
        {
            MboxReader.One("From: A <a@b.c>\nSubject: [PATCH 1/2] one\nMessage-ID: <1@x>\nIn-Reply-To: <2@x>\n\nx\n---\n" + Diff),
            MboxReader.One("From: A <a@b.c>\nSubject: [PATCH 2/2] two\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\n\ny\n---\n" + Diff),
            MboxReader.One("From: A <a@b.c>\nSubject: [PATCH 2/2] two again\nMessage-ID: <2@x>\n\ny\n---\n" + Diff),
            MboxReader.One("From: R <r@b.c>\nSubject: Re: [PATCH 1/2] one\nMessage-ID: <3@x>\nIn-Reply-To: <3@x>\n\nReviewed-by: R <r@b.c>\n"),
        };
        var series = SeriesBuilder.Build(messages);
        Assert.Equal(2, series.SelectMany(s => s.Revisions).SelectMany(r => r.Patches).Count());
    }

    [Fact]
    public void Large_patch_is_fast()
    {
        // 20k-line diff: linear work only (this runs on every ingested message).
        var sb = new StringBuilder("diff --git a/big.c b/big.c\n--- a/big.c\n+++ b/big.c\n@@ -1,10000 +1,10000 @@ int big(void)\n");
        for (var i = 0; i < 10000; i++) sb.Append("-\told_line_").Append(i).Append(";\n+\tnew_line_").Append(i).Append(";\n");
        var text = sb.ToString();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var d = DiffParser.Parse(text);
        var id = PatchId.Compute(text);
        Assert.Equal((10000, 10000), (d.Files[0].Added, d.Files[0].Removed));
        Assert.NotNull(id);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
    }
}
