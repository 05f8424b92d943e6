using System.CommandLine;
using Ktriage.Cli;
using Ktriage.Cli.Commands;
using Ktriage.Sources;
using Ktriage.Store;

var root = new RootCommand("ktriage: a kernel mailing-list archive that understands crashes, patches and reviews");
root.Options.Add(Globals.Db);
root.Options.Add(Globals.Json);
root.Options.Add(Globals.Quiet);
foreach (var command in new[]
{
    IngestCommand.Create(),
    MessagesCommand.Create(),
    StatsCommand.Create(),
    ThreadCommand.Create(),
    SeriesCommand.Create(),
    ShowCommand.Create(),
    SearchCommand.Create(),
    DemoCommand.Create(),
    OopsCommand.Create(),
    CrashesCommand.Create(),
    CrashCommand.Create(),
    KernelCommand.Create(),
    WhoCommand.Create(),
    ServeCommand.Create(),
})
    root.Subcommands.Add(command);

var parsed = root.Parse(args);
// An unknown "--option" would otherwise be taken as a SOURCE or MSGID argument and fail later as "no such file".
var unknownOptions = parsed.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument && t.Value.StartsWith("--") && t.Value.Length > 2)
    .Select(t => $"unrecognized option '{t.Value}'");
var errors = parsed.Errors.Select(e => e.Message).Concat(unknownOptions).ToList();
if (errors.Count > 0)
{
    foreach (var error in errors) Console.Error.WriteLine($"ktriage: {error}");
    Console.Error.WriteLine("Try 'ktriage --help'.");
    return 2;
}
try
{
    _ = Ktriage.Core.InputLimits.Current; // a bad KTRIAGE_MAX_* variable is a usage problem, said once, up front
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"ktriage: {e.Message}");
    return 1;
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is UserError or StoreException or SourceException)
{
    Console.Error.WriteLine($"ktriage: {e.Message}");
    return 1;
}
