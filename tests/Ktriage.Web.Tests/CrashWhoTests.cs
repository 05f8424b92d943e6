using System.Text.Json;

namespace Ktriage.Web.Tests;

/// <summary>The crash page's "who" section (issue 9): with a kernel tree imported, the cluster page names the subsystem,
/// its people and lists, and the git send-email reply to the report.</summary>
public sealed class CrashWhoTests : IAsyncLifetime
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "ktriage-web-who-" + Guid.NewGuid().ToString("N"));
    WebServer server = null!;

    public async Task InitializeAsync()
    {
        // A tiny tree: MAINTAINERS, a Makefile for the version, and the file defining the demo crash's function.
        var tree = Path.Combine(dir, "linux");
        Directory.CreateDirectory(Path.Combine(tree, "fs", "nfsd"));
        File.WriteAllText(Path.Combine(tree, "MAINTAINERS"), """
            List of maintainers

            KERNEL NFSD, SUNRPC, AND LOCKD SERVERS
            M:	Chuck Lever <chuck.lever@oracle.com>
            R:	Neil Brown <neil@brown.name>
            L:	linux-nfs@vger.kernel.org
            S:	Supported
            F:	fs/nfsd/

            """);
        File.WriteAllText(Path.Combine(tree, "Makefile"), "VERSION = 6\nPATCHLEVEL = 14\nSUBLEVEL = 0\nEXTRAVERSION = -rc4\n");
        File.WriteAllText(Path.Combine(tree, "fs", "nfsd", "filecache.c"), "void nfsd_file_put(struct nfsd_file *nf)\n{\n}\n");
        var db = Path.Combine(dir, "web.db");
        Cli.Ingest(db, Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample.mbox"), "demo");
        var import = Cli.Run("kernel", "import", tree, "--db", db);
        Assert.True(import.Exit == 0, import.Err);
        Assert.Equal(0, Cli.Run("crashes", "--db", db).Exit);   // computes the clusters the server reads
        server = await WebServer.Start(db);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Cluster_page_shows_who_owns_the_crash_and_the_reply()
    {
        var clusters = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/crashes")).RootElement;
        var id = clusters.EnumerateArray().Single(c => c.GetProperty("title").GetString()!.EndsWith("in nfsd_file_put", StringComparison.Ordinal))
            .GetProperty("id").GetInt64();
        var page = await server.Http.GetStringAsync($"/crashes/{id}/");
        Assert.Contains("<h2>who</h2>", page);
        Assert.Contains("crash site nfsd_file_put() is defined in fs/nfsd/filecache.c", page);
        Assert.Contains("KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", page);
        Assert.Contains("To: Chuck Lever &lt;chuck.lever@oracle.com&gt;", page);
        Assert.Contains("linux-nfs@vger.kernel.org", page);
        Assert.Contains("git send-email", page);
    }
}
