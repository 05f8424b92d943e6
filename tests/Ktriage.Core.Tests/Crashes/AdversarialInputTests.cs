using System.Diagnostics;
using System.Text;
using Ktriage.Core.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>
/// Ingest runs the analyzer on every mail, so no input may make it backtrack or go quadratic. Each input is
/// ~10 MB (or 100k lines); linear code takes about a second (Release, idle core), a quadratic path takes minutes, so the
/// 20-second bound separates them even on a loaded machine or a Debug build without being flaky.
/// </summary>
public sealed class AdversarialInputTests
{
    const int Size = 10_000_000;
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    static string Repeat(string prefix, string unit, string suffix = "")
    {
        var sb = new StringBuilder(prefix, Size + prefix.Length + suffix.Length + unit.Length);
        while (sb.Length < Size) sb.Append(unit);
        return sb.Append(suffix).ToString();
    }

    public static TheoryData<string, string> Inputs() => new()
    {
        { "spaces after a header", Repeat("BUG: unable to handle kernel paging request at ", " ") },
        { "spaces between header and frame", Repeat("general protection fault: 0000 [#1] SMP", " ", " RIP: 0010:foo+0x1/0x2") },
        { "brackets", Repeat("WARNING: CPU: 0 PID: 1 at kernel/x.c:1 ", "[") },
        { "PC brackets", Repeat("BUG: KASAN: use-after-free in ", "[<ffffffff81000000>] ") },
        { "+0x runs", Repeat("Call Trace: BUG: soft lockup ", "a+0x") },
        { "hex run before a file", Repeat("kernel BUG at ", "f", "0.c:1") },
        { "identifier runs", Repeat("INFO: possible circular locking dependency detected ", "abc_", " is trying to acquire lock at: x+0x1") },
        { "header keywords", Repeat("", "BUG: WARNING: INFO: -safe -> ") },
        { "flattened timestamps", Repeat("", "[ 1.000000] BUG: x+0x1/0x2 ") },
        { "flattened syslog", Repeat("", "Jul  3 09:10:39 h kernel: WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2 ") },
        { "many short reports", Repeat("", "[    1.000000] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n[    1.000001] Call Trace:\n[    1.000002]  g+0x1/0x2\n") },
        { "many lines, one header", Repeat("[    1.000000] BUG: unable to handle kernel NULL pointer dereference at 0000000000000000\n", "[    1.000001]  ? foo+0x1/0x2\n") },
        { "quoted lines", Repeat("> BUG: KASAN: slab-out-of-bounds in f+0x1/0x2\n", "> > > [ 1.0]  ffffffffffffffffffff+0x\n") },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Analysis_finishes_in_bounded_time(string name, string input)
    {
        CrashAnalyzer.Analyze("[    1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n"); // JIT and regex construction are not the input's fault
        var sw = Stopwatch.StartNew();
        CrashAnalyzer.Analyze(input);
        sw.Stop();
        Assert.True(sw.Elapsed < Bound, $"{name}: {sw.Elapsed.TotalSeconds:F2} s for {input.Length:N0} chars");
    }

    [Fact]
    public void Guilty_file_finder_agrees_with_syzkallers_regex()
    {
        var re = new System.Text.RegularExpressions.Regex(@"([a-zA-Z0-9_\-./]*[a-zA-Z0-9_\-]+\.(?:c|h)):[0-9]+");
        string[] lines =
        [
            "", "no file here", " foo+0x1/0x2 net/core/dev.c:123", "x.c:y net/a.h:7", "a/.c:1 b.c:2", "../../mm/slub.c:42 [inline]",
            "ffff.c:1", ".c:1", "a.c:", "a.cc:1", "a.h:1b", "  (drivers/x-y/z_w.c:10) and (b.c:2)", "a.c.h:3", "-.c:4", "/x.c:5",
        ];
        foreach (var line in lines)
        {
            var m = re.Match(line);
            Assert.Equal(m.Success ? m.Groups[1].Value : null, GuiltyFile.FindFile(line));
        }
    }

    [SharedFact("crashes/syzkaller-guilty")]
    public void Guilty_file_finder_agrees_with_syzkallers_regex_on_every_real_line()
    {
        var re = new System.Text.RegularExpressions.Regex(@"([a-zA-Z0-9_\-./]*[a-zA-Z0-9_\-]+\.(?:c|h)):[0-9]+");
        int found = 0;
        foreach (var dir in new[] { "crashes/syzkaller-guilty", "crashes/syzkaller-report" })
            foreach (var file in Directory.GetFiles(SharedData.Path(dir)))
                foreach (var line in File.ReadLines(file))
                {
                    var m = re.Match(line);
                    Assert.Equal(m.Success ? m.Groups[1].Value : null, GuiltyFile.FindFile(line));
                    if (m.Success) found++;
                }
        Assert.True(found > 500, $"only {found} file references: corpus missing?");
    }
}
