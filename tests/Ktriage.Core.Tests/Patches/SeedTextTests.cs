using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>The prose scanners on the seed thread pages as saved (not split into messages).</summary>
public class SeedTextTests
{
    static string Seed(string prefix) => File.ReadAllText(Directory.GetFiles(SharedData.Path("seeds"), prefix + "_*.txt").Single());

    [SharedFact("seeds")]
    public void Seed_000_names_the_culprit_commit_and_the_reporter_confirms_the_fix()
    {
        var text = Seed("000");
        var culprit = Assert.Single(CommitMentions.Find(text, []), m => m.Sha.StartsWith("fce1456a19f5", StringComparison.Ordinal));
        Assert.Equal(MentionKind.Culprit, culprit.Kind);
        Assert.Equal("knfsd: make the readahead params cache SMP-friendly", culprit.Subject);
        Assert.Contains(ReviewSignals.Find(text, [], null), s => s.Kind == SignalKind.Tested && s.Evidence.Contains("Yes, that fixes it for me"));
    }

    [SharedFact("seeds")]
    public void Seed_004_offer_of_tags_and_formal_review()
    {
        // One block per message as the page shows them ("From: Name @ date …").
        var blocks = Seed("004").Split("\nFrom: ").Skip(1).Select(PatchAnalyzer.OwnText).ToList();
        var signals = new List<ReviewSignal>();
        foreach (var own in blocks)
        {
            var (trailers, _) = TrailerParser.Find(own, followup: true);
            signals.AddRange(ReviewSignals.Find(own, trailers, null));
        }
        Assert.Contains(signals, s => s is { Kind: SignalKind.Reviewed, Formal: true } && s.Evidence == "Reviewed-by: David Gibson <david@gibson.dropbear.id.au>");
        Assert.Contains(signals, s => s is { Kind: SignalKind.Tested, Formal: false } && s.Evidence.Contains("\"Tested-by\""));
        Assert.Contains(signals, s => s is { Kind: SignalKind.Reviewed, Formal: false });
        Assert.DoesNotContain(signals, s => s.Kind == SignalKind.Applied);
    }
}
