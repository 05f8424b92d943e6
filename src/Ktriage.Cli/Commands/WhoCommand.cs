using System.CommandLine;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Maintainers;
using Ktriage.Core.Patches;

namespace Ktriage.Cli.Commands;

/// <summary>ktriage who FILE|MSGID…: subsystems, maintainers, lists and a ready reply for a crash, a patch or tree paths.</summary>
internal static class WhoCommand
{
    public static Command Create()
    {
        var what = new Argument<string[]>("FILE|MSGID")
        {
            Description = "A log or mail with a crash, a patch file, '-' (stdin), a Message-ID in the archive, or paths in the kernel tree (net/sunrpc/cache.c)",
            Arity = ArgumentArity.OneOrMore,
        };
        var kernel = new Option<string?>("--kernel") { Description = "Use this imported kernel version (default: nearest to the crash's, else the newest)" };
        var cmd = new Command("who", "Who should look at this: MAINTAINERS sections, maintainers, lists and a ready reply") { what, kernel };
        cmd.SetAction(pr =>
        {
            var args = pr.GetValue(what)!;
            var pinned = pr.GetValue(kernel);
            bool json = pr.GetValue(Globals.Json);
            var dbPath = Globals.DbPath(pr);
            if (!File.Exists(dbPath)) throw new UserError($"{dbPath}: no database; import a kernel tree first ('ktriage kernel import PATH')");
            using var store = Globals.OpenStore(pr, readOnly: true);
            Core.Maintainers.IKernelTree TreeFor(string? version) => WhoView.Tree(store, version, pinned)
                ?? throw new UserError($"{dbPath}: no kernel tree imported; run 'ktriage kernel import PATH' (a tree, a tarball such as /usr/src/linux-source-6.1.tar.xz, or MAINTAINERS)");

            var results = new List<WhoReport>();
            var paths = new List<string>();
            foreach (var arg in args)
            {
                if (arg == "-" || File.Exists(arg))
                {
                    var text = Read(arg);
                    var found = FromText(text, arg, TreeFor, null, null, null);
                    if (found.Count > 0) { results.AddRange(found); continue; }
                    if (arg == "-") throw new UserError("-: no patch or kernel crash report in the input");
                    paths.Add(arg);
                }
                else if (arg.Contains('@') || arg.Contains("://"))
                {
                    var row = Lookup.One(store, arg);
                    var copy = store.Copies(row.Id)[0];
                    var message = MailParser.Parse(copy.Raw);
                    var found = FromText(message.AllText, arg, TreeFor, message.MessageId, message.From?.ToString(), message.Subject);
                    if (found.Count == 0) throw new UserError($"{arg}: the message carries no patch and no kernel crash report");
                    results.AddRange(found);
                }
                else paths.Add(arg);
            }
            if (paths.Count > 0)
            {
                var tree = TreeFor(null);
                foreach (var p in paths)
                {
                    var clean = MaintainerMatcher.CanonPath(p);
                    if (tree.HasSources && !tree.HasFile(clean) && !tree.HasDirectory(clean.TrimEnd('/')))
                        throw new UserError($"{p}: no such local file, Message-ID, or file of Linux {tree.Version}");
                }
                results.Add(WhoReport.ForFiles(tree, paths));
            }
            foreach (var w in results)
            {
                if (json) Globals.WriteJsonLine(w);
                else
                {
                    Console.WriteLine(w.Subject);
                    WhoView.Print(w);
                    Console.WriteLine();
                }
            }
            return 0;
        });
        return cmd;
    }

    static string Read(string path)
    {
        try
        {
            return path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"{path}: {e.Message}");
        }
    }

    /// <summary>A patch gives one answer for its files; otherwise each crash report gives one.</summary>
    static List<WhoReport> FromText(string text, string source, Func<string?, Core.Maintainers.IKernelTree> treeFor, string? messageId, string? sender, string? subject)
    {
        var diff = DiffParser.Parse(text);
        if (!diff.IsEmpty)
        {
            var title = subject ?? text.Split('\n').FirstOrDefault(l => l.StartsWith("Subject:", StringComparison.Ordinal))?[8..].Trim() ?? source;
            return [WhoReport.ForPatch(treeFor(null), text, title, messageId, sender)];
        }
        var result = new List<WhoReport>();
        foreach (var report in CrashAnalyzer.Analyze(text))
        {
            var tree = treeFor(report.KernelVersion);
            result.Add(WhoReport.ForCrash(tree, report, text, messageId, sender, subject)
                ?? throw new UserError($"{source}: nothing in the crash \"{report.Title}\" maps to a file of Linux {tree.Version} (no file:line, no known function or module)"));
        }
        return result;
    }
}
