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

            // One answer per input (paths of the tree together, like get_maintainer.pl -f A B); with several inputs a bad
            // one is reported and the others still answered.
            var answers = new List<(string Source, List<WhoReport> Results)>();
            var paths = new List<string>();
            int failed = 0;
            foreach (var arg in args)
            {
                try
                {
                    if (Answer(arg) is { } found) answers.Add((arg, found));
                    else
                    {
                        var tree = TreeFor(null);
                        var clean = MaintainerMatcher.CanonPath(arg);
                        if (tree.HasSources && !tree.HasFile(clean) && !tree.HasDirectory(clean.TrimEnd('/')))
                            throw new UserError(File.Exists(arg)
                                ? $"{arg}: no patch or kernel crash report in it, and not a file of Linux {tree.Version}"
                                : $"{arg}: no such local file, Message-ID, or file of Linux {tree.Version}");
                        paths.Add(arg);
                    }
                }
                catch (UserError e) when (args.Length > 1)
                {
                    failed++;
                    if (json) Globals.WriteJsonLine(new { source = arg, results = Array.Empty<WhoReport>(), error = e.Message });
                    else Console.Error.WriteLine($"ktriage: {e.Message}");
                }
            }
            if (paths.Count > 0) answers.Add((string.Join(" ", paths), [WhoReport.ForFiles(TreeFor(null), paths)]));
            foreach (var (source, found) in answers)
            {
                if (json) Globals.WriteJsonLine(new { source, results = found, error = (string?)null });
                else
                    foreach (var w in found)
                    {
                        Console.WriteLine(w.Subject);
                        WhoView.Print(w);
                        Console.WriteLine();
                    }
            }
            return failed > 0 ? 1 : 0;

            // A file or stdin with a patch or crashes, or a message of the archive; null: a path of the tree.
            List<WhoReport>? Answer(string arg)
            {
                if (arg == "-" || File.Exists(arg))
                {
                    var found = FromText(Read(arg), arg, TreeFor, null, null, null);
                    if (found.Count > 0) return found;
                    if (arg == "-") throw new UserError("-: no patch or kernel crash report in the input");
                    return null;
                }
                if (!arg.Contains('@') && !arg.Contains("://")) return null;
                var row = Lookup.One(store, arg);
                var message = MailParser.Parse(store.Copies(row.Id)[0].Raw);
                var fromMail = FromText(message.AllText, arg, TreeFor, message.MessageId, message.From?.ToString(), message.Subject);
                return fromMail.Count > 0 ? fromMail : throw new UserError($"{arg}: the message carries no patch and no kernel crash report");
            }
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
        // Every crash that maps; a follow-on report with nothing in it ("kernel panic: Fatal exception" after the oops)
        // is left out, and only a text where no crash maps is an error.
        var reports = CrashAnalyzer.Analyze(text);
        var result = new List<WhoReport>();
        foreach (var report in reports)
            if (WhoReport.ForCrash(treeFor(report.KernelVersion), report, text, messageId, sender, subject) is { } found) result.Add(found);
        if (result.Count == 0 && reports.Count > 0)
            throw new UserError($"{source}: nothing in the crash \"{reports[0].Title}\" maps to a file of Linux {treeFor(reports[0].KernelVersion).Version} (no file:line, no known function or module)");
        return result;
    }
}
