using System.Text.Json;
using Ktriage.TestSupport;

namespace Ktriage.Cli.Tests;

/// <summary>`ktriage crashes` / `ktriage crash` on the seed pages: clusters, copies and fixes with evidence. Runs on
/// SQLite here and on PostgreSQL in <see cref="PostgresCrashLinksTests"/>: the same answers on both stores.</summary>
public partial class CrashLinksTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-crashlinks-").FullName;
    protected virtual string Db => Path.Combine(dir, "seeds.db");

    public virtual void Dispose() => Directory.Delete(dir, true);

    void IngestSeeds()
    {
        foreach (var file in Directory.GetFiles(SharedData.Path("seeds"), "*.txt").Order())
        {
            var r = Ktriage.Run(Db, "ingest", file, "--list", "seed" + Path.GetFileName(file)[..3], "-q");
            Assert.True(r.ExitCode == 0, r.Stderr);
        }
    }

    JsonElement Crash(params string[] args)
    {
        var r = Ktriage.Run(Db, ["crash", .. args, "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    List<JsonElement> Clusters()
    {
        var r = Ktriage.Run(Db, "crashes", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [StoreFact("seeds")]
    public void Seed000_is_one_cluster_fixed_by_the_nfsd_patch_the_reporter_confirmed()
    {
        IngestSeeds();
        var seed000 = Clusters().Where(c => c.GetProperty("lists").EnumerateArray().Any(l => l.GetString() == "seed000")).ToList();
        var cluster = Assert.Single(seed000);
        Assert.Equal("BUG: unable to handle kernel paging request in cache_clean", cluster.GetProperty("title").GetString());
        Assert.Equal(1, cluster.GetProperty("count").GetInt32()); // the quoted copies in replies are not new reports

        var crash = Crash(cluster.GetProperty("id").GetInt64().ToString());
        Assert.True(crash.GetProperty("reports").GetArrayLength() >= 3);
        var best = crash.GetProperty("fixes")[0];
        Assert.Equal("nfsd: fix possible read-ahead cache and export table corruption", best.GetProperty("subject").GetString());
        var codes = best.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("same-thread", codes);
        Assert.Contains("reporter-confirmed", codes);
        Assert.Equal("tested", best.GetProperty("status").GetString());
        Assert.StartsWith("fix", crash.GetProperty("cluster").GetProperty("status").GetString());

        // The same cluster from any of its reports' Message-IDs, and the evidence in words.
        var human = Ktriage.Run(Db, "crash", "9c08ff9bcfcc2353f1601d9d@lore-page.invalid");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("posted 11 days later in the report's thread; reporter Frank van Maarseveen replied 'Yes, that fixes it for me'", human.Stdout);
    }

    [StoreFact("seeds")]
    public void Seed003_fix_is_referenced_by_message_id_and_not_in_the_archive()
    {
        IngestSeeds();
        var crash = Crash("20141020142113.GC11062@redhat.com");
        Assert.Equal("kernel BUG in virtio_device_ready", crash.GetProperty("cluster").GetProperty("title").GetString());
        var best = crash.GetProperty("fixes")[0];
        Assert.Equal("1413813529-11044-1-git-send-email-cornelia.huck@de.ibm.com", best.GetProperty("messageId").GetString());
        Assert.False(best.GetProperty("present").GetBoolean());
        Assert.Equal("explicit", best.GetProperty("evidence")[0].GetProperty("kind").GetString());

        // Without explicit evidence the reference is not used.
        var noExplicit = Crash("20141020142113.GC11062@redhat.com", "--evidence", "content,thread");
        Assert.DoesNotContain(noExplicit.GetProperty("fixes").EnumerateArray(),
            f => f.GetProperty("messageId").GetString() == "1413813529-11044-1-git-send-email-cornelia.huck@de.ibm.com");
    }

    [StoreFact("seeds")]
    public void Unknown_ids_and_bad_evidence_kinds_are_user_errors()
    {
        IngestSeeds();
        foreach (var args in new[] { new[] { "crash", "999999" }, ["crash", "nosuch@example.org"], ["crash", "5548E355.2040606@redhat.com"],
                     ["crash", "1", "--evidence", "tags"] })
        {
            var r = Ktriage.Run(Db, args);
            Assert.Equal(1, r.ExitCode);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [StoreFact("seeds")]
    public void Recomputing_is_idempotent()
    {
        IngestSeeds();
        var first = Ktriage.Run(Db, "crashes", "--json").Stdout;
        var again = Ktriage.Run(Db, "ingest", Directory.GetFiles(SharedData.Path("seeds"), "000_*").Single(), "--list", "seed000", "-q");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(first, Ktriage.Run(Db, "crashes", "--json").Stdout);
    }
}

/// <summary>The crash knowledge base on PostgreSQL: the seed tests on a fresh database of the test server.</summary>
[NeedsPostgres]
public sealed class PostgresCrashLinksTests : CrashLinksTests
{
    readonly Lazy<TestDatabase> db = new(() => new TestDatabase());
    protected override string Db => db.Value.Url;

    public override void Dispose()
    {
        if (db.IsValueCreated) db.Value.Dispose();
        base.Dispose();
    }
}
