using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Core.Patches;

namespace Ktriage.Core.Maintainers;

/// <summary>What ktriage knows about one imported kernel tree (the store implements it).</summary>
public interface IKernelTree
{
    string Version { get; }
    MaintainersFile Maintainers { get; }
    /// <summary>The tree's .mailmap (empty when it had none).</summary>
    Mailmap Mailmap { get; }
    /// <summary>False when only MAINTAINERS was imported: no file list, no function index.</summary>
    bool HasSources { get; }
    bool HasFile(string path);
    bool HasDirectory(string path);
    /// <summary>Files defining a function of this name (static ones included, each with its file).</summary>
    IReadOnlyList<FunctionLocation> FunctionFiles(string name);
    /// <summary>.c files and directories named like a module ("virtio_console" → drivers/char/virtio_console.c).</summary>
    IReadOnlyList<string> ModuleFiles(string module);
    /// <summary>Sections whose K: keywords matched the file's text at import.</summary>
    IReadOnlyList<int> KeywordSections(string path);
    /// <summary>Addresses get_maintainer.pl reads from the file itself (.yaml bindings).</summary>
    IReadOnlyList<string> FileEmails(string path);
}

public sealed record FunctionLocation(string File, int Line, bool Static);

/// <summary>Who owns a crash: the files chosen, how they were found, and their owners.</summary>
/// <param name="How">"file", "function" or "module": which evidence chose the files.</param>
/// <param name="Evidence">human words for it: "guilty file from the symbolized stack", "cache_clean() is defined in …".</param>
public sealed record CrashOwners(string TreeVersion, string How, string Evidence, string? Function, IReadOnlyList<string> Files, Owners Owners);

/// <summary>Crash, patch or files → owners through an imported tree. Pure: the tree is an interface.</summary>
public static class KernelOwners
{
    /// <summary>Owners of files, with the tree's keyword matches and in-file addresses, like get_maintainer.pl -f.</summary>
    public static Owners ForFiles(IKernelTree tree, IEnumerable<string> files)
    {
        var paths = files.Select(MaintainerMatcher.CanonPath).Where(p => p.Length > 0).Distinct().ToList();
        var keywords = paths.SelectMany(tree.KeywordSections);
        var emails = paths.SelectMany(tree.FileEmails);
        return MaintainerMatcher.Who(tree.Maintainers, paths, keywords, emails, tree.Mailmap);
    }

    /// <summary>Owners of a patch like get_maintainer.pl PATCHFILE: every path the diff names (old and new), the K:
    /// keywords in its message and changed lines, and the addresses in touched .yaml files.</summary>
    public static Owners ForPatch(IKernelTree tree, string patchText)
    {
        var diff = DiffParser.Parse(patchText);
        var paths = diff.Files.SelectMany(f => new[] { f.OldPath, f.NewPath }).OfType<string>()
            .Select(MaintainerMatcher.CanonPath).Where(p => p.Length > 0 && p != "dev/null").Distinct().ToList();
        if (paths.Count == 0) return Owners.None;
        var keywords = tree.Maintainers.KeywordSectionsInPatch(patchText);
        return MaintainerMatcher.Who(tree.Maintainers, paths, keywords, paths.SelectMany(tree.FileEmails), tree.Mailmap);
    }

    const int FramesTried = 8;

    /// <summary>The crash's owners: its guilty file (symbolized frames) when the tree has it, else the file defining
    /// the crash site or the first non-generic frames (disambiguated by module and by the rest of the stack), else
    /// the module's files. A header (an inline helper: virtio_device_ready in virtio_config.h) only counts when
    /// nothing better is known: the module it was inlined into, or a later frame's .c file, says whose code it is.
    /// Null when nothing maps.</summary>
    public static CrashOwners? ForCrash(IKernelTree tree, CrashReport report)
    {
        CrashOwners? header = null;
        if (report.GuiltyFile is { Length: > 0 } guilty && Locate(tree, guilty) is { } file)
        {
            var owners = Make(tree, "file", "guilty file from the symbolized stack", null, [file]);
            if (!IsPlumbing(file)) return owners;
            header = owners;
        }
        if (tree.HasSources)
        {
            // The stack, then what the title names ("BUG: bad unlock balance in ipmr_mfc_seq_stop": no stack kept).
            var frames = CrashFrames.Normalize(report).Where(f => f.Weight >= 1.0).Take(FramesTried).Select(f => f.Name)
                .Concat(CrashFrames.KeyFunctions([], report.Title)).Distinct().ToList();
            var defs = frames.Select(name => (Name: name, Defs: Definitions(tree, name))).ToList();
            for (int i = 0; i < defs.Count; i++)
            {
                var (name, found) = defs[i];
                if (found.Count == 0) continue;
                var module = ModuleOf(report, name);
                var pick = Disambiguate(found, module, defs.Where((_, j) => j != i).SelectMany(d => d.Defs).ToList());
                if (pick is null) continue;
                var where = i == 0 && report.CrashSite is not null && Same(report.CrashSite.Function, name) ? "crash site" : "frame";
                if (!IsPlumbing(pick.File))
                    return Make(tree, "function", $"{where} {name}() is defined in {pick.File}:{pick.Line}", name, [pick.File]);
                if (pick.File.EndsWith(".h", StringComparison.Ordinal) && module is not null
                    && tree.ModuleFiles(module) is { Count: > 0 and <= 3 } inModule)
                    return Make(tree, "module", $"{where} {name}() ({pick.File}:{pick.Line}) is inlined into module {module}", name, inModule);
                header ??= Make(tree, "function", $"{where} {name}() is defined in {pick.File}:{pick.Line}", name, [pick.File]);
            }
        }
        foreach (var module in report.Frames.Prepend(report.CrashSite).Select(f => f?.Module).OfType<string>().Distinct())
        {
            var files = tree.ModuleFiles(module);
            if (files.Count is > 0 and <= 3) return Make(tree, "module", $"module {module}", null, files);
        }
        return header;
    }

    /// <summary>Headers and the files syzkaller never blames (kernel/kthread.c, mm/slub.c…): shared plumbing whose
    /// owners are rarely the ones to ask.</summary>
    static bool IsPlumbing(string path) => GuiltyFile.IsGeneric(path);

    static CrashOwners Make(IKernelTree tree, string how, string evidence, string? function, IReadOnlyList<string> files) =>
        new(tree.Version, how, evidence, function, files, ForFiles(tree, files));

    static bool Same(string function, string name) => FrameNames.StripSyscallPrefixes(FrameNames.StripSuffixes(function)) == name;

    /// <summary>A path from a report ("/build/linux/net/sunrpc/cache.c", "net/sunrpc/cache.c") as the tree has it.</summary>
    static string? Locate(IKernelTree tree, string path)
    {
        var clean = MaintainerMatcher.CanonPath(path);
        if (!tree.HasSources) return clean;
        var parts = clean.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            var candidate = string.Join('/', parts[i..]);
            if (tree.HasFile(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Definitions of a normalised frame name; syscall frames ("__x64_sys_read" normalises to "read") are
    /// indexed as sys_NAME.</summary>
    static IReadOnlyList<FunctionLocation> Definitions(IKernelTree tree, string name)
    {
        var found = tree.FunctionFiles(name);
        if (found.Count > 0) return found;
        found = tree.FunctionFiles("sys_" + name);
        return found.Count > 0 ? found : tree.FunctionFiles("compat_sys_" + name);
    }

    static string? ModuleOf(CrashReport report, string name) =>
        report.Frames.Prepend(report.CrashSite).FirstOrDefault(f => f is not null && Same(f.Function, name) && f.Module is not null)?.Module;

    /// <summary>One definition: the only one; else the one in the frame's module; else the only non-static one (a
    /// static function is private to its file, so a shared name is mostly driver-local copies); else the one whose
    /// directory defines the most other frames of this stack.</summary>
    static FunctionLocation? Disambiguate(IReadOnlyList<FunctionLocation> found, string? module, IReadOnlyList<FunctionLocation> others)
    {
        if (found.Count == 1) return found[0];
        if (module is not null)
        {
            var key = module.Replace('-', '_');
            var inModule = found.Where(f => f.File.Replace('-', '_').Contains(key, StringComparison.Ordinal)).ToList();
            if (inModule.Count == 1) return inModule[0];
        }
        static string Dir(string f) => f.LastIndexOf('/') is var k and > 0 ? f[..k] : "";
        var scored = found.Select(f => (Def: f, Score: others.Count(o => Dir(o.File) == Dir(f.File)))).OrderByDescending(x => x.Score).ToList();
        if (scored[0].Score > 0 && (scored.Count == 1 || scored[1].Score < scored[0].Score)) return scored[0].Def;
        var global = found.Where(f => !f.Static).ToList();
        return global.Count == 1 ? global[0] : null;
    }
}
