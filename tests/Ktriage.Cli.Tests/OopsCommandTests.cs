using System.Text;
using System.Text.Json;

namespace Ktriage.Cli.Tests;

/// <summary>`ktriage oops` works without a database, speaks JSON Lines, and names unreadable inputs.</summary>
public sealed class OopsCommandTests
{
    const string Log = """
        [   50.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
        [   50.1] Oops: 0002 [#1] SMP
        [   50.1] CPU: 0 PID: 42 Comm: modprobe Tainted: G        W  O      6.1.0 #1
        [   50.1] RIP: 0010:foo_probe+0x10/0x40 [foo]
        [   50.1] Call Trace:
        [   50.1]  <TASK>
        [   50.1]  bar_init+0x20/0x50 [foo]
        [   50.1]  ? do_one_initcall+0x5/0x200
        [   50.1]  do_init_module+0x4c/0x1f0
        [   50.1]  </TASK>
        """;

    static string NoDb => Path.Combine(Path.GetTempPath(), "ktriage-oops-no-db-" + Guid.NewGuid().ToString("N"), "none.db");

    [Fact]
    public void Json_lines_one_object_per_input_with_reports()
    {
        var r = Ktriage.RunWithInput(NoDb, Encoding.UTF8.GetBytes(Log), "oops", "--json", "-");
        Assert.Equal(0, r.ExitCode);
        var line = Assert.Single(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("-", doc.RootElement.GetProperty("source").GetString());
        var report = doc.RootElement.GetProperty("reports")[0];
        Assert.Equal("BUG: unable to handle kernel NULL pointer dereference in foo_probe", report.GetProperty("title").GetString());
        Assert.Equal("foo", report.GetProperty("crashSite").GetProperty("module").GetString());
        Assert.Equal("W O", report.GetProperty("taint").GetProperty("flags").GetString());
        Assert.Contains(report.GetProperty("hints").EnumerateArray(), h => h.GetProperty("kind").GetString() == "page-fault-error-code"
            && h.GetProperty("message").GetString()!.Contains("write"));
        Assert.False(report.GetProperty("frames").EnumerateArray().First(f => f.GetProperty("function").GetString() == "do_one_initcall").GetProperty("reliable").GetBoolean());
        Assert.False(report.TryGetProperty("matches", out _)); // no database: nothing to match against, and none created
    }

    [Fact]
    public void Human_output_leads_with_the_title_and_says_when_nothing_is_found()
    {
        var r = Ktriage.RunWithInput(NoDb, Encoding.UTF8.GetBytes(Log), "oops");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("BUG: unable to handle kernel NULL pointer dereference in foo_probe", r.Stdout);
        Assert.Contains("foo_probe+0x10/0x40 [foo]", r.Stdout);
        var none = Ktriage.RunWithInput(NoDb, Encoding.UTF8.GetBytes("just a mail\nINFO: lockdep is turned off.\n"), "oops");
        Assert.Contains("no kernel crash report found", none.Stdout);
    }

    [Fact]
    public void Unreadable_file_is_a_one_line_error_naming_it()
    {
        var r = Ktriage.Run(NoDb, "oops", "/nonexistent/dmesg.txt");
        Assert.Equal(1, r.ExitCode);
        var err = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/nonexistent/dmesg.txt", err);
    }
}
