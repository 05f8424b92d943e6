using System.CommandLine;
using System.Diagnostics;
using Ktriage.Cli.Kernel;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary>ktriage kernel import PATH | kernel list: the kernel trees who/oops/crash map crashes and patches with.</summary>
internal static class KernelCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "Kernel source tree directory, tarball (.tar, .tar.gz, .tar.xz, .tar.bz2, .tar.zst) or a MAINTAINERS file" };
        var version = new Option<string?>("--version") { Description = "Kernel version of the tree (default: from its Makefile; required for a lone MAINTAINERS file)" };
        var import = new Command("import", "Import MAINTAINERS, the file list and a function index from a kernel tree (replaces a tree of the same version)") { path, version };
        import.SetAction(pr =>
        {
            var source = pr.GetValue(path)!;
            bool interactive = Globals.Interactive(pr);
            var sw = Stopwatch.StartNew();
            var tree = KernelImporter.Import(source, pr.GetValue(version), interactive ? s => Console.Error.Write($"\r{s}   ") : null);
            if (interactive) Console.Error.WriteLine();
            using var store = Globals.OpenStore(pr);
            var kernels = store as IKernelStore ?? throw new UserError($"{Globals.DbPath(pr)}: this store cannot keep kernel trees");
            var id = kernels.ImportKernelTree(tree);
            var row = kernels.KernelTrees().First(t => t.Id == id);
            if (pr.GetValue(Globals.Json))
                Globals.WriteJsonLine(new { id, version = row.Version, source = row.Source, files = row.Files, functions = row.Functions, sections = row.Sections, seconds = Math.Round(sw.Elapsed.TotalSeconds, 1) });
            else if (!pr.GetValue(Globals.Quiet))
                Console.WriteLine($"kernel {row.Version}: {row.Sections:N0} MAINTAINERS sections, {row.Files:N0} files, {row.Functions:N0} functions ({sw.Elapsed.TotalSeconds:F1} s)");
            return 0;
        });
        var list = new Command("list", "Imported kernel trees");
        list.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var trees = (store as IKernelStore)?.KernelTrees() ?? [];
            foreach (var t in trees)
            {
                if (pr.GetValue(Globals.Json)) Globals.WriteJsonLine(new { id = t.Id, version = t.Version, source = t.Source, importedAt = t.ImportedAt, files = t.Files, functions = t.Functions, sections = t.Sections });
                else Console.WriteLine($"{t.Version,-12} {t.Sections,6:N0} sections {t.Files,8:N0} files {t.Functions,9:N0} functions  {t.Source}");
            }
            if (trees.Count == 0 && !pr.GetValue(Globals.Json)) Console.WriteLine("no kernel tree imported (ktriage kernel import PATH)");
            return 0;
        });
        return new Command("kernel", "Kernel source trees: MAINTAINERS and function index for 'who'") { import, list };
    }
}
