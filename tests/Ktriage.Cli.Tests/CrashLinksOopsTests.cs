using System.Text;
using System.Text.Json;
using Ktriage.TestSupport;

namespace Ktriage.Cli.Tests;

/// <summary>`ktriage oops --db`: a new log's reports matched to the archive's clusters and their best fixes.</summary>
public partial class CrashLinksTests
{
    List<JsonElement> OopsReports(string file)
    {
        var r = Ktriage.Run(Db, "oops", file, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("reports").EnumerateArray().ToList();
    }

    static JsonElement MatchTitled(List<JsonElement> reports, string title) => reports
        .SelectMany(r => r.GetProperty("matches").EnumerateArray()).Single(m => m.GetProperty("title").GetString() == title);

    [StoreFact("seeds")]
    public void Oops_with_a_database_finds_the_seed_clusters_and_their_fixes()
    {
        IngestSeeds();
        var seed000 = MatchTitled(OopsReports(Directory.GetFiles(SharedData.Path("seeds"), "000_*").Single()),
            "BUG: unable to handle kernel paging request in cache_clean");
        Assert.Equal("same title", seed000.GetProperty("reason").GetString());
        Assert.Equal(1.0, seed000.GetProperty("score").GetDouble());
        Assert.Equal(1, seed000.GetProperty("reports").GetInt32());
        Assert.StartsWith("fix", seed000.GetProperty("status").GetString());
        Assert.True(seed000.TryGetProperty("lastSeen", out _));
        var fix = seed000.GetProperty("bestFix");
        Assert.Equal("nfsd: fix possible read-ahead cache and export table corruption", fix.GetProperty("subject").GetString());
        Assert.True(fix.GetProperty("score").GetDouble() >= 0.5);
        Assert.True(fix.TryGetProperty("messageId", out _));

        var seed003 = MatchTitled(OopsReports(Directory.GetFiles(SharedData.Path("seeds"), "003_*").Single()), "kernel BUG in virtio_device_ready");
        Assert.Equal("1413813529-11044-1-git-send-email-cornelia.huck@de.ibm.com", seed003.GetProperty("bestFix").GetProperty("messageId").GetString());
        // The same cluster as `ktriage crash` shows for the report's Message-ID.
        var r = Ktriage.Run(Db, "crash", "20141020142113.GC11062@redhat.com", "--json");
        Assert.Equal(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("cluster").GetProperty("id").GetInt64(), seed003.GetProperty("clusterId").GetInt64());

        var human = Ktriage.Run(Db, "oops", Directory.GetFiles(SharedData.Path("seeds"), "000_*").Single());
        Assert.Contains("seen before: cluster", human.Stdout);
        Assert.Contains("best fix", human.Stdout);
        Assert.Contains("reporter Frank van Maarseveen replied 'Yes, that fixes it for me'", human.Stdout);
    }

    [StoreFact("seeds")]
    public void Oops_with_a_database_matches_nothing_for_an_unknown_crash()
    {
        IngestSeeds();
        const string log = """
            [   50.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
            [   50.1] Oops: 0002 [#1] SMP
            [   50.1] RIP: 0010:quokka_probe+0x10/0x40 [quokka]
            [   50.1] Call Trace:
            [   50.1]  <TASK>
            [   50.1]  quokka_init+0x20/0x50 [quokka]
            [   50.1]  quokka_bind+0x4c/0x1f0 [quokka]
            [   50.1]  do_init_module+0x4c/0x1f0
            [   50.1]  </TASK>
            """;
        var r = Ktriage.RunWithInput(Db, Encoding.UTF8.GetBytes(log), "oops", "--json", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var report = Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("reports").EnumerateArray());
        Assert.Equal("BUG: unable to handle kernel NULL pointer dereference in quokka_probe", report.GetProperty("title").GetString());
        Assert.Equal(0, report.GetProperty("matches").GetArrayLength());
        var human = Ktriage.RunWithInput(Db, Encoding.UTF8.GetBytes(log), "oops", "-");
        Assert.Contains("seen before: no matching crash in the archive", human.Stdout);
    }
}
