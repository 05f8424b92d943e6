using Ktriage.Core.Crashes;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>
/// Hand-written cases under Fixtures/Crashes: a header (TITLE/TYPE/SITE/FAULT/HINT lines, none = no crash),
/// a blank line, then the text; a file starting with a blank line has no header (the text may hold blank lines).
/// Adding a case means adding a file.
/// </summary>
public sealed class GoldenFileTests
{
    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Crashes"), "*.txt")
            .OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Files))]
    public void Golden(string name)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Crashes", name)).Replace("\r", "");
        int blank = text.StartsWith('\n') ? -1 : text.IndexOf("\n\n", StringComparison.Ordinal);
        var header = text[..Math.Max(0, blank)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2)).Where(p => p.Length == 2).ToList();
        string? Field(string k) => header.FirstOrDefault(p => p[0] == k)?[1];
        var reports = CrashAnalyzer.Analyze(text[(blank + 2)..]);

        var title = Field("TITLE");
        if (title is null)
        {
            Assert.Empty(reports);
            return;
        }
        var r = reports[0];
        Assert.Equal(title, r.Title);
        if (Field("TYPE") is { } type) Assert.Equal(type, r.Type);
        if (Field("SITE") is { } site) Assert.Equal(site, r.CrashSite?.Function);
        if (Field("FAULT") is { } fault) Assert.Equal(fault, r.FaultAddress);
        foreach (var hint in header.Where(p => p[0] == "HINT").Select(p => p[1]))
            Assert.Contains(r.Hints, h => h.Kind == hint);
    }
}
