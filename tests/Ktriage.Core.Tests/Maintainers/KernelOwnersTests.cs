using Ktriage.Core.Crashes;
using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

/// <summary>Crash and patch → owners through a small in-memory tree.</summary>
public sealed class KernelOwnersTests
{
    sealed class FakeTree(Dictionary<string, string> sources) : IKernelTree
    {
        readonly Dictionary<string, List<FunctionLocation>> functions = sources
            .SelectMany(kv => CFunctionIndexer.Index(kv.Value).Select(d => (d.Name, Loc: new FunctionLocation(kv.Key, d.Line, d.Static))))
            .GroupBy(x => x.Name).ToDictionary(g => g.Key, g => g.Select(x => x.Loc).ToList());
        public string Version => "6.1.0";
        public MaintainersFile Maintainers { get; } = MaintainersFile.Parse(MaintainersFixture.Text,
            v => sources.Keys.Any(k => k.StartsWith(v.TrimEnd('/') + "/", StringComparison.Ordinal)));
        public Mailmap Mailmap { get; } = Mailmap.Parse("Amit Shah <amit@kernel.org> <amit.shah@redhat.com>\n");
        public bool HasSources => true;
        public bool HasFile(string path) => sources.ContainsKey(path);
        public bool HasDirectory(string path) => sources.Keys.Any(k => k.StartsWith(path + "/", StringComparison.Ordinal));
        public IReadOnlyList<FunctionLocation> FunctionFiles(string name) => functions.GetValueOrDefault(name) ?? [];
        public IReadOnlyList<string> ModuleFiles(string module) =>
            sources.Keys.Where(k => k.EndsWith("/" + module + ".c", StringComparison.Ordinal)).ToList();
        public IReadOnlyList<int> KeywordSections(string path) => Maintainers.KeywordSectionsInText(sources.GetValueOrDefault(path) ?? "");
        public IReadOnlyList<string> FileEmails(string path) => [];
    }

    static readonly FakeTree Tree = new(new()
    {
        ["net/sunrpc/cache.c"] = "static void cache_clean(void)\n{\n}\nint sunrpc_cache_lookup(void)\n{\n}\n",
        ["fs/nfsd/nfscache.c"] = "static int probe(void)\n{\n}\nint nfsd_cache_lookup(void)\n{\n}\n",
        ["drivers/char/virtio_console.c"] = "static void control_work_handler(void)\n{\n}\nstatic int probe(void)\n{\n}\n",
        ["drivers/misc/other.c"] = "static int probe(void)\n{\n}\n",
        ["include/linux/virtio_config.h"] = "static inline void virtio_device_ready(void)\n{\n}\n",
        ["net/core/filter.c"] = "int bpf_prog_run(void)\n{\n}\n",
    });

    static CrashReport Report(string site, string? module = null, params (string Function, string? Module)[] frames) => new()
    {
        Title = "BUG: test in " + site,
        CrashSite = new StackFrame { Function = site, Module = module },
        Frames = frames.Select(f => new StackFrame { Function = f.Function, Module = f.Module }).ToList(),
    };

    [Fact]
    public void Crash_site_function_maps_to_its_file()
    {
        var r = KernelOwners.ForCrash(Tree, Report("cache_clean", null, ("cache_clean", null), ("worker_thread", null)))!;
        Assert.Equal("function", r.How);
        Assert.Equal(["net/sunrpc/cache.c"], r.Files);
        Assert.Equal("KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", r.Owners.Subsystems[0].Name);
        Assert.Contains("linux-nfs@vger.kernel.org", r.Owners.Cc);
        Assert.Contains("crash site cache_clean() is defined in net/sunrpc/cache.c:1", r.Evidence);
    }

    [Fact]
    public void Generic_frames_are_skipped_and_gcc_suffixes_stripped()
    {
        var r = KernelOwners.ForCrash(Tree, Report("kfree", null, ("kfree", null), ("nfsd_cache_lookup.isra.3", null)))!;
        Assert.Equal(["fs/nfsd/nfscache.c"], r.Files);
    }

    [Fact]
    public void A_header_inline_in_a_module_frame_blames_the_module()
    {
        var r = KernelOwners.ForCrash(Tree, Report("virtio_device_ready.part.12", "virtio_console",
            ("control_work_handler", "virtio_console")))!;
        Assert.Equal("module", r.How);
        Assert.Equal(["drivers/char/virtio_console.c"], r.Files);
        Assert.Equal("VIRTIO CONSOLE DRIVER", r.Owners.Subsystems[0].Name);
    }

    [Fact]
    public void A_static_name_defined_in_many_files_is_resolved_by_module_or_by_the_rest_of_the_stack()
    {
        var byModule = KernelOwners.ForCrash(Tree, Report("probe", "virtio_console"))!;
        Assert.Equal(["drivers/char/virtio_console.c"], byModule.Files);
        var byStack = KernelOwners.ForCrash(Tree, Report("probe", null, ("probe", null), ("nfsd_cache_lookup", null)))!;
        Assert.Equal(["fs/nfsd/nfscache.c"], byStack.Files);
    }

    [Fact]
    public void A_symbolized_guilty_file_wins_and_build_prefixes_are_removed()
    {
        var report = Report("bpf_prog_run");
        report.GuiltyFile = "home/build/linux/net/sunrpc/cache.c";
        var r = KernelOwners.ForCrash(Tree, report)!;
        Assert.Equal("file", r.How);
        Assert.Equal(["net/sunrpc/cache.c"], r.Files);
    }

    [Fact]
    public void Nothing_known_gives_no_owners()
    {
        Assert.Null(KernelOwners.ForCrash(Tree, Report("unknown_function", "unknown_module")));
    }

    [Fact]
    public void File_keywords_come_from_the_tree()
    {
        var o = KernelOwners.ForFiles(Tree, ["net/core/filter.c"]);
        Assert.Contains(o.Subsystems, s => s.Name == "BPF [GENERAL]");
    }

    [Fact]
    public void A_patch_maps_old_and_new_paths()
    {
        var patch = """
            Subject: [PATCH] move

            diff --git a/net/sunrpc/cache.c b/drivers/char/virtio_console.c
            similarity index 90%
            rename from net/sunrpc/cache.c
            rename to drivers/char/virtio_console.c
            """;
        var o = KernelOwners.ForPatch(Tree, patch);
        Assert.Equal(["net/sunrpc/cache.c", "drivers/char/virtio_console.c"], o.Files);
        Assert.Contains("amit@kernel.org", o.Recipients.Select(r => r.Email));
        Assert.Contains("chuck.lever@oracle.com", o.Recipients.Select(r => r.Email));
    }
}
