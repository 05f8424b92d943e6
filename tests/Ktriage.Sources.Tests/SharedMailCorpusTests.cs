using Ktriage.Core.Mail;
using Ktriage.TestSupport;

namespace Ktriage.Sources.Tests;

/// <summary>Every real test mail in ../shared/mail opens and yields its messages (the fuzz files included: broken
/// content is the Mail layer's to judge, a source only has to hand the bytes over).</summary>
public class SharedMailCorpusTests
{
    [SharedFact("mail")]
    public async Task EveryMailFileYieldsItsMessages()
    {
        var files = Directory.EnumerateFiles(SharedData.Path("mail"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".mbox" or ".eml")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 90, $"only {files.Count} mail files found");

        var failures = new List<string>();
        var total = 0;
        foreach (var file in files)
        {
            try
            {
                var items = await SourceFactory.Open(file).AllAsync();
                total += items.Count;
                if (items.Count == 0) failures.Add($"{file}: no message");
                if (items.Any(i => i.Kind != RawKind.Message || i.Bytes.Length == 0)) failures.Add($"{file}: a problem or an empty message");
            }
            catch (Exception e) { failures.Add($"{file}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(total >= files.Count);
    }

    [SharedFact("mail/patchwork-series")]
    public async Task SeriesMboxesSplitIntoOneMessagePerEnvelope()
    {
        foreach (var file in Directory.GetFiles(SharedData.Path("mail/patchwork-series"), "*.mbox"))
        {
            var envelopes = File.ReadLines(file).Count(l => l.StartsWith("From ", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"\d\d:\d\d"));
            var items = await Assert.Single(SourceFactory.Open(file)).AllAsync();
            Assert.True(envelopes == 0 ? items.Count == 1 : items.Count == envelopes, $"{Path.GetFileName(file)}: {items.Count} messages for {envelopes} envelope lines");
        }
    }
}
