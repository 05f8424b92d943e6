using System.Text;
using System.Text.Json;
using Ktriage.TestSupport;

namespace Ktriage.Cli.Tests;

/// <summary>`ktriage search` with the public-inbox query language, as a user runs it.</summary>
public sealed class SearchCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-search-").FullName;
    string Db => Path.Combine(dir, "k.db");

    public void Dispose() => Directory.Delete(dir, true);

    const string Mbox = """
        From mboxrd@z Thu Jan  1 00:00:00 1970
        From: Ann <ann@example.org>
        To: nfs@example.org
        Subject: [PATCH] nfsd: fix refcount leak in nfsd_file_put
        Date: Mon, 03 Mar 2025 09:12:44 +0100
        Message-ID: <p1@example.org>

        The last reference is never dropped.
        ---
        diff --git a/fs/nfsd/filecache.c b/fs/nfsd/filecache.c
        --- a/fs/nfsd/filecache.c
        +++ b/fs/nfsd/filecache.c
        @@ -1,3 +1,3 @@ void nfsd_file_put(struct nfsd_file *nf)
         	might_sleep();
        -	refcount_dec(&nf->nf_ref);
        +	nfsd_file_put_final(nf);

        From mboxrd@z Thu Jan  1 00:00:00 1970
        From: Bob <bob@example.org>
        To: nfs@example.org
        Subject: Re: [PATCH] nfsd: fix refcount leak in nfsd_file_put
        Date: Tue, 04 Mar 2025 09:12:44 +0100
        Message-ID: <r1@example.org>
        In-Reply-To: <p1@example.org>

        > The last reference is never dropped.
        Tested, the leak is gone.

        """;

    void Ingest()
    {
        var mbox = Path.Combine(dir, "t.mbox");
        File.WriteAllText(mbox, Mbox.ReplaceLineEndings("\n"));
        var r = Ktriage.Run(Db, "ingest", mbox, "--list", "nfs", "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    string Ids(params string[] query)
    {
        var r = Ktriage.Run(Db, ["search", .. query, "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return string.Join(" ", r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("messageId").GetString()));
    }

    [Fact]
    public void Prefixes_and_operators_select_messages_newest_first()
    {
        Ingest();
        Assert.Equal("r1@example.org p1@example.org", Ids("refcount"));
        Assert.Equal("p1@example.org", Ids("s:leak -s:Re"));
        Assert.Equal("r1@example.org", Ids("q:dropped"));
        Assert.Equal("p1@example.org", Ids("nq:dropped"));
        Assert.Equal("p1@example.org", Ids("dfn:fs/nfsd/filecache.c"));
        Assert.Equal("p1@example.org", Ids("dfa:refcount_dec", "dfb:nfsd_file_put_final"));
        Assert.Equal("p1@example.org", Ids("dfhh:nfsd_file_put"));
        Assert.Equal("r1@example.org", Ids("f:bob", "OR", "f:nobody"));
        Assert.Equal("r1@example.org", Ids("d:2025-03-04"));
        Assert.Equal("", Ids("l:other-list"));
        Assert.Equal("p1@example.org r1@example.org", Ids("l:nfs", "d:..2025-03-04").Split(' ').Order().Aggregate((a, b) => a + " " + b));
    }

    [Theory]
    [InlineData("(leak", "'(' at column 1 is never closed")]
    [InlineData("d:tomorrowish", "d:tomorrowish: not a date")]
    [InlineData("fixed:perhaps", "expected fixed:yes or fixed:no")]
    public void A_bad_query_is_exit_1_with_one_line_naming_it(string query, string message)
    {
        Ingest();
        var r = Ktriage.Run(Db, "search", query);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"'{query}'", line);
        Assert.Contains(message, line);
    }

    [SharedFact("seeds")]
    public void Crash_prefixes_find_the_seed_report_and_whether_it_has_a_fix()
    {
        foreach (var file in Directory.GetFiles(SharedData.Path("seeds"), "*.txt").Order())
            Assert.Equal(0, Ktriage.Run(Db, "ingest", file, "--list", "seed" + Path.GetFileName(file)[..3], "-q").ExitCode);
        // seed000: "BUG: unable to handle kernel paging request in cache_clean", fixed by the nfsd patch (CrashLinksTests).
        var found = Ids("crash:\"paging request\"", "crash:cache_clean", "fixed:yes");
        Assert.NotEqual("", found);
        Assert.Equal(found, Ids("crash:cache_clean", "func:cache_clean", "fixed:yes"));
        Assert.Equal("", Ids("crash:cache_clean", "fixed:no"));
        Assert.Equal(found, Ids("crash:cache_clean", "l:seed000"));
    }
}
