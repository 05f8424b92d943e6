using System.Diagnostics;
using System.Text.RegularExpressions;
using Ktriage.TestSupport;
using Xunit.Abstractions;

namespace Ktriage.Cli.Tests;

/// <summary>
/// `ktriage series --mbox` against b4 itself (Debian's b4 0.12, `b4 am -t`: cover trailers apply to every patch, as
/// ktriage does) on real series of the virtualization list: per patch, the subject and the trailer block must be
/// the same. b4 reads the thread as `ktriage thread --mbox` writes it, Subject headers unfolded (b4 0.12 fails on
/// folded ones). Known differences, where b4 0.12 is wrong or cannot know: it takes a pasted "Date:" header line in
/// a reply for a trailer; it only sees one thread, so it cannot carry trailers over from an earlier revision.
/// </summary>
public sealed partial class B4CorpusTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-b4-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [SharedToolFact("b4", "corpus/virtualization-0-first3000.bundle")]
    public void Series_mboxes_of_the_virtualization_list_equal_b4_am()
    {
        var repo = Path.Combine(dir, "v.git");
        Run("git", "clone", "-q", "--bare", SharedData.Path("corpus/virtualization-0-first3000.bundle"), repo);
        var db = Path.Combine(dir, "v.db");
        Assert.Equal(0, Ktriage.Run(db, "ingest", repo, "-q").ExitCode);
        // First patches of multi-patch postings, in archive order: every 3rd keeps the test around a minute.
        var firsts = Ktriage.Run(db, "messages", "--json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => FirstOfMany().IsMatch(e.GetProperty("subject").GetString()!))
            .Select(e => e.GetProperty("messageId").GetString()!).Where((_, i) => i % 3 == 0).ToList();
        Assert.True(firsts.Count >= 30, $"{firsts.Count} series");

        var agree = 0;
        var differ = new List<string>();
        foreach (var id in firsts)
        {
            var thread = Path.Combine(dir, "t.mbox");
            File.WriteAllText(thread, FoldedSubject().Replace(Ktriage.Run(db, "thread", id, "--mbox").Stdout, " "));
            // b4 0.12 takes a "Date:" line of a header block pasted into a reply for a trailer: not one.
            var b4 = Blocks(Run("b4", "-q", "am", "-t", "-m", thread, "-o", "-", id)).Select(b => PastedDate().Replace(b, "")).ToList();
            var mine = Blocks(Ktriage.Run(db, "series", id, "--mbox").Stdout);
            if (b4.SequenceEqual(mine)) { agree++; continue; }
            var (theirs, ours) = b4.Zip(mine).FirstOrDefault(p => p.First != p.Second);
            differ.Add($"{id}: b4 {b4.Count} patches, ktriage {mine.Count}\n    b4:      {theirs}\n    ktriage: {ours}");
        }
        output.WriteLine($"b4 am agreement: {agree}/{firsts.Count} series identical (subject + trailer block of every patch)");
        foreach (var d in differ) output.WriteLine(d);
        Assert.True(agree >= firsts.Count * 0.9, $"{agree}/{firsts.Count}:\n{string.Join('\n', differ)}");
    }

    /// <summary>Per message of a git-am mbox: "Subject | trailer lines" (the last paragraph before "---").</summary>
    static List<string> Blocks(string mbox) =>
        MboxStart().Split(mbox).Skip(1).Select(m =>
        {
            var split = m.IndexOf("\n\n", StringComparison.Ordinal);
            var headers = split < 0 ? m : m[..split];
            var subject = Regex.Match(headers, @"^Subject: (.*(?:\n[ \t].*)*)", RegexOptions.Multiline).Groups[1].Value;
            var body = split < 0 ? "" : m[(split + 2)..];
            var head = body.Split("\n---\n")[0].TrimEnd('\n');
            var trailers = head[(head.LastIndexOf("\n\n", StringComparison.Ordinal) + 1)..].Trim();
            return Regex.Replace(subject, @"\s+", " ") + " | " + trailers.Replace("\n", " / ");
        }).ToList();

    string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {stderr.Result}");
        return stdout;
    }

    [GeneratedRegex(@"^\[PATCH[^\]]*\b0*1/([2-9]|\d\d+)\]")]
    private static partial Regex FirstOfMany();

    [GeneratedRegex(@"(?<=^Subject:[^\n]*)\n[ \t]+", RegexOptions.Multiline)]
    private static partial Regex FoldedSubject();

    [GeneratedRegex(@" / Date: [^/]*(?= /|$)")]
    private static partial Regex PastedDate();

    [GeneratedRegex(@"^From [^\n]*\n", RegexOptions.Multiline)]
    private static partial Regex MboxStart();
}
