using System.Diagnostics;
using System.Text.Json;
using Ktriage.TestSupport;

namespace Ktriage.Cli.Tests;

/// <summary>A Linux 6.1 tree imported once (the partial tree .ci/run extracts), shared by the who tests.</summary>
internal sealed class KernelDb : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-who-").FullName;
    public string Db => Path.Combine(dir, "who.db");
    public Ktriage.Result Import { get; }

    public KernelDb()
    {
        Import = KernelTree.Root is null ? new Ktriage.Result(-1, "", "") : Ktriage.Run(Db, "kernel", "import", KernelTree.Root);
    }

    public string Temp(string name) => Path.Combine(dir, name);

    public void Dispose() => Directory.Delete(dir, true);
}

public sealed class WhoTests(WhoTests.Fixture fixture) : IClassFixture<WhoTests.Fixture>
{
    /// <summary>xunit needs a public fixture type; the database lives in <see cref="KernelDb"/>.</summary>
    public sealed class Fixture : IDisposable
    {
        internal KernelDb Kernel { get; } = new();
        public void Dispose() => Kernel.Dispose();
    }

    KernelDb kernel => fixture.Kernel;

    static JsonElement Single(Ktriage.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Stderr);
        var line = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single();
        var o = JsonDocument.Parse(line).RootElement;
        return o.GetProperty("results")[0];
    }

    static List<string> Emails(JsonElement who, string? kind = null) => who.GetProperty("recipients").EnumerateArray()
        .Where(r => kind is null || r.GetProperty("kind").GetString() == kind).Select(r => r.GetProperty("email").GetString()!).ToList();

    [KernelTreeFact]
    public void Import_reads_version_sections_files_and_functions_and_is_idempotent()
    {
        Assert.True(kernel.Import.ExitCode == 0, kernel.Import.Stderr);
        Assert.Matches(@"^kernel 6\.1\.\d+: 2,\d{3} MAINTAINERS sections, \d+ files, [\d,]+ functions", kernel.Import.Stdout);
        var again = Ktriage.Run(kernel.Db, "kernel", "import", KernelTree.Root!);
        Assert.Equal(0, again.ExitCode);
        var list = Ktriage.Run(kernel.Db, "kernel", "list", "--json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(list);
    }

    [KernelTreeFact]
    public void A_path_gets_exactly_get_maintainers_recipients()
    {
        // scripts/get_maintainer.pl --no-git --no-tree -f net/sunrpc/cache.c in linux-source-6.1.
        var who = Single(Ktriage.Run(kernel.Db, "who", "net/sunrpc/cache.c", "--json"));
        Assert.Equal(["chuck.lever@oracle.com", "jlayton@kernel.org", "trond.myklebust@hammerspace.com", "anna@kernel.org",
            "davem@davemloft.net", "edumazet@google.com", "kuba@kernel.org", "pabeni@redhat.com",
            "linux-nfs@vger.kernel.org", "netdev@vger.kernel.org", "linux-kernel@vger.kernel.org"], Emails(who));
        Assert.Equal("KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", who.GetProperty("subsystems")[0].GetProperty("name").GetString());
        Assert.Equal("Supported", who.GetProperty("status").GetString());
    }

    [KernelTreeFact("seeds")]
    public void Seed000_cache_clean_goes_to_the_SUNRPC_and_NFSD_maintainers_and_linux_nfs()
    {
        var seed = Directory.GetFiles(SharedData.Path("seeds"), "000_*").Single();
        var who = Single(Ktriage.Run(kernel.Db, "who", seed, "--json"));
        Assert.Equal(["net/sunrpc/cache.c"], who.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains("cache_clean() is defined in net/sunrpc/cache.c", who.GetProperty("evidence").GetString());
        Assert.Equal(["chuck.lever@oracle.com", "jlayton@kernel.org"], Emails(who, "maintainer").Take(2));
        Assert.Contains("trond.myklebust@hammerspace.com", Emails(who, "maintainer"));
        Assert.Contains("linux-nfs@vger.kernel.org", Emails(who, "list"));
        // Not in an archive: a new report mail, titled with the crash.
        Assert.Contains("Subject: [BUG] BUG: unable to handle kernel paging request in cache_clean", who.GetProperty("mail").GetString());
    }

    [KernelTreeFact("seeds")]
    public void Seed003_virtio_console_goes_to_the_VIRTIO_CONSOLE_DRIVER_and_virtualization()
    {
        var seed = Directory.GetFiles(SharedData.Path("seeds"), "003_*").Single();
        var results = Ktriage.Run(kernel.Db, "who", seed, "--json");
        Assert.True(results.ExitCode == 0, results.Stderr);
        var line = JsonDocument.Parse(results.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
        var virtio = line.GetProperty("results").EnumerateArray().First(r => r.GetProperty("subject").GetString() == "kernel BUG in virtio_device_ready");
        Assert.Equal("VIRTIO CONSOLE DRIVER", virtio.GetProperty("subsystems")[0].GetProperty("name").GetString());
        Assert.Equal("amit@kernel.org", Emails(virtio, "maintainer")[0]);
        Assert.Contains("virtualization@lists.linux-foundation.org", Emails(virtio, "list"));
    }

    [KernelTreeFact("seeds")]
    public void An_archived_report_gets_git_send_email_reply_instructions()
    {
        var db = kernel.Temp("archive.db");
        File.Copy(kernel.Db, db, true);
        var seed = Directory.GetFiles(SharedData.Path("seeds"), "003_*").Single();
        Assert.Equal(0, Ktriage.Run(db, "ingest", seed, "--list", "virtualization").ExitCode);
        var r = Ktriage.Run(db, "who", "<20141020142113.GC11062@redhat.com>");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("git send-email \\", r.Stdout);
        Assert.Contains("--in-reply-to='<20141020142113.GC11062@redhat.com>'", r.Stdout);
        Assert.Contains("--to='Amit Shah <amit@kernel.org>'", r.Stdout);
        Assert.Contains("--cc='virtualization@lists.linux-foundation.org'", r.Stdout);
        // crash ID shows the same owners for the cluster's report.
        var crashes = Ktriage.Run(db, "crashes", "--json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var id = crashes.First(c => c.GetProperty("title").GetString() == "kernel BUG in virtio_device_ready").GetProperty("id").GetInt64();
        var crash = JsonDocument.Parse(Ktriage.Run(db, "crash", id.ToString(), "--json").Stdout).RootElement;
        Assert.Equal("VIRTIO CONSOLE DRIVER", crash.GetProperty("who").GetProperty("subsystems")[0].GetProperty("name").GetString());
    }

    [KernelTreeFact("seeds")]
    public void Oops_shows_owners_only_with_a_database_that_has_a_tree()
    {
        var seed = Directory.GetFiles(SharedData.Path("seeds"), "000_*").Single();
        var with = Ktriage.Run(kernel.Db, "oops", seed);
        Assert.Equal(0, with.ExitCode);
        Assert.Contains("owners (MAINTAINERS of Linux 6.1.", with.Stdout);
        Assert.Contains("linux-nfs@vger.kernel.org", with.Stdout);
        var without = Ktriage.Run(kernel.Temp("none.db"), "oops", seed);
        Assert.Equal(0, without.ExitCode);
        Assert.DoesNotContain("owners (", without.Stdout);
        Assert.False(File.Exists(kernel.Temp("none.db")));
        var json = JsonDocument.Parse(Ktriage.Run(kernel.Db, "oops", seed, "--json").Stdout).RootElement;
        Assert.Equal("KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", json.GetProperty("who")[0].GetProperty("subsystems")[0].GetProperty("name").GetString());
    }

    [KernelTreeFact]
    public void A_patch_goes_to_the_owners_of_the_files_it_touches()
    {
        var patch = kernel.Temp("io.patch");
        File.WriteAllText(patch, """
            From: Someone <someone@example.org>
            Subject: [PATCH] io_uring: fix a leak

            Signed-off-by: Someone <someone@example.org>
            ---
            diff --git a/io_uring/io_uring.c b/io_uring/io_uring.c
            --- a/io_uring/io_uring.c
            +++ b/io_uring/io_uring.c
            @@ -1,3 +1,3 @@
             a
            -b
            +c
            """);
        var who = Single(Ktriage.Run(kernel.Db, "who", patch, "--json"));
        Assert.Equal("patch", who.GetProperty("how").GetString());
        Assert.Equal("IO_URING", who.GetProperty("subsystems")[0].GetProperty("name").GetString());
        Assert.Equal("axboe@kernel.dk", Emails(who, "maintainer")[0]);
        Assert.Contains("io-uring@vger.kernel.org", Emails(who, "list"));
    }

    [KernelTreeFact(NeedsGetMaintainer = true)]
    public void Agrees_with_get_maintainer_on_every_tenth_file_of_the_extracted_directories()
    {
        var files = new[] { "net/sunrpc", "drivers/char", "io_uring" }
            .SelectMany(d => Directory.GetFiles(KernelTree.Path(d), "*.c", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(KernelTree.Root!, f).Replace('\\', '/')).Order(StringComparer.Ordinal)
            .Where((_, i) => i % 10 == 0).ToList();
        Assert.True(files.Count >= 10);
        foreach (var f in files)
        {
            var who = Single(Ktriage.Run(kernel.Db, "who", f, "--json"));
            var perl = Run("perl", "scripts/get_maintainer.pl", "--no-git", "--no-tree", "--no-rolestats", "-f", f);
            var reference = perl.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Contains('<') ? l[(l.LastIndexOf('<') + 1)..l.LastIndexOf('>')] : l.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.True(reference.SetEquals(Emails(who)), $"{f}: get_maintainer {string.Join(", ", reference)}; who {string.Join(", ", Emails(who))}");
        }
    }

    [KernelTreeFact]
    public void Bad_inputs_fail_with_one_line_naming_them()
    {
        var empty = Ktriage.Run(kernel.Temp("empty.db"), "who", "net/sunrpc/cache.c");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("kernel import", empty.Stderr);
        var unknown = Ktriage.Run(kernel.Db, "who", "no/such/file.c");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no/such/file.c", unknown.Stderr);
        var notMaintainers = kernel.Temp("notes.txt");
        File.WriteAllText(notMaintainers, "hello\nworld\n");
        var bad = Ktriage.Run(kernel.Temp("bad.db"), "kernel", "import", notMaintainers);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("notes.txt", bad.Stderr);
        var missing = Ktriage.Run(kernel.Temp("bad.db"), "kernel", "import", kernel.Temp("nope"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope", missing.Stderr);
    }

    [KernelTreeFact("seeds")]
    public void A_crash_uses_the_tree_nearest_to_its_kernel_unless_one_is_pinned()
    {
        var db = kernel.Temp("two-trees.db");
        File.Copy(kernel.Db, db, true);
        // A second tree, MAINTAINERS only, nearer to seed 003's 3.18 kernel than 6.1 is.
        Assert.Equal(0, Ktriage.Run(db, "kernel", "import", KernelTree.Path("MAINTAINERS"), "--version", "4.19").ExitCode);
        Assert.Equal(2, Ktriage.Run(db, "kernel", "list", "--json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var seed = Directory.GetFiles(SharedData.Path("seeds"), "003_*").Single();
        JsonElement Virtio(Ktriage.Result r)
        {
            Assert.True(r.ExitCode == 0, r.Stderr);
            var line = JsonDocument.Parse(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
            return line.GetProperty("results").EnumerateArray().First(x => x.GetProperty("subject").GetString() == "kernel BUG in virtio_device_ready");
        }
        // 4.19 has no function index or file list: only the symbolized header is known there.
        var nearest = Virtio(Ktriage.Run(db, "who", seed, "--json"));
        Assert.Equal("4.19", nearest.GetProperty("tree").GetString());
        Assert.Equal("VIRTIO CORE AND NET DRIVERS", nearest.GetProperty("subsystems")[0].GetProperty("name").GetString());
        // Debian's package moves (6.1.192 today): pin whatever 6.1 the tree is.
        var v61 = Ktriage.Run(kernel.Db, "kernel", "list").Stdout.Split(' ')[0];
        Assert.StartsWith("6.1.", v61);
        var pinned = Virtio(Ktriage.Run(db, "who", seed, "--json", "--kernel", v61));
        Assert.Equal(v61, pinned.GetProperty("tree").GetString());
        Assert.Equal("VIRTIO CONSOLE DRIVER", pinned.GetProperty("subsystems")[0].GetProperty("name").GetString());
        var unknown = Ktriage.Run(db, "who", seed, "--kernel", "5.4");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--kernel 5.4", unknown.Stderr);
    }

    [KernelTreeFact]
    public void A_lone_MAINTAINERS_needs_a_version_and_then_answers_paths()
    {
        var db = kernel.Temp("maint.db");
        var noVersion = Ktriage.Run(db, "kernel", "import", KernelTree.Path("MAINTAINERS"));
        Assert.Equal(1, noVersion.ExitCode);
        Assert.Contains("--version", noVersion.Stderr);
        Assert.Equal(0, Ktriage.Run(db, "kernel", "import", KernelTree.Path("MAINTAINERS"), "--version", "6.1").ExitCode);
        var who = Single(Ktriage.Run(db, "who", "drivers/char/virtio_console.c", "--json"));
        Assert.Equal(["amit@kernel.org", "arnd@arndb.de", "gregkh@linuxfoundation.org", "virtualization@lists.linux-foundation.org",
            "linux-kernel@vger.kernel.org"], Emails(who));
    }

    [Theory]
    [InlineData("tree.tar.gz", "czf")]
    [InlineData("tree.tar.xz", "cJf")]
    [InlineData("tree.tar", "cf")]
    public void A_tarball_imports_like_the_directory_it_holds(string name, string flags)
    {
        // A tiny tree in a top directory, as kernel tarballs have it.
        var top = Directory.CreateDirectory(kernel.Temp("tar-src/linux-9.9")).FullName;
        File.WriteAllText(Path.Combine(top, "Makefile"), "VERSION = 9\nPATCHLEVEL = 9\nSUBLEVEL = 1\nEXTRAVERSION =\n");
        File.WriteAllText(Path.Combine(top, "MAINTAINERS"), "FOO DRIVER\nM:\tA Person <a@example.org>\nL:\tfoo@lists.example.org\nS:\tMaintained\nF:\tdrivers/foo/\n");
        Directory.CreateDirectory(Path.Combine(top, "drivers/foo"));
        File.WriteAllText(Path.Combine(top, "drivers/foo/foo.c"), "static int foo_probe(void)\n{\n\treturn 0;\n}\n");
        var archive = kernel.Temp(name);
        RunIn(kernel.Temp("tar-src"), "tar", flags, archive, "linux-9.9");
        var db = kernel.Temp(name + ".db");
        var r = Ktriage.Run(db, "kernel", "import", archive);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("kernel 9.9.1: 1 MAINTAINERS sections, 3 files, 1 functions", r.Stdout);
        var oops = kernel.Temp(name + ".log");
        File.WriteAllText(oops, "BUG: kernel NULL pointer dereference, address: 0000000000000008\nRIP: 0010:foo_probe+0x10/0x20 [foo]\nCall Trace:\n <TASK>\n foo_probe+0x10/0x20 [foo]\n do_one_initcall+0x50/0x200\n</TASK>\n");
        var who = Single(Ktriage.Run(db, "who", oops, "--json"));
        Assert.Equal(["drivers/foo/foo.c"], who.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["a@example.org", "foo@lists.example.org"], Emails(who));
    }

    static string Run(string file, params string[] args) => RunIn(KernelTree.Root!, file, args);

    static string RunIn(string dir, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
