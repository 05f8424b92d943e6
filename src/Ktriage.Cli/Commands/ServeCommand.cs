using System.CommandLine;
using Ktriage.Store;
using Microsoft.Extensions.Hosting;
using Ktriage.Web;

namespace Ktriage.Cli.Commands;

/// <summary><c>ktriage serve [--urls URL]</c>: the web UI and JSON API over the database, read-only.</summary>
internal static class ServeCommand
{
    static readonly Option<string> Urls = new("--urls")
    {
        Description = "Where to listen (semicolon-separated URLs)",
        DefaultValueFactory = _ => "http://127.0.0.1:5080",
    };

    public static Command Create()
    {
        var cmd = new Command("serve", "Serve the archive in a browser (lore-like pages, crash dashboard) and as a JSON API") { Urls };
        cmd.SetAction(async (pr, cancel) =>
        {
            var urls = pr.GetValue(Urls)!;
            if (!urls.Split(';').All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                throw new UserError($"--urls {urls}: expected http://HOST:PORT (several separated by ';')");
            // Crash clusters are derived data refreshed when the archive changed (like 'ktriage crashes'); that needs a
            // write, once, before serving read-only.
            using (var check = Globals.OpenStore(pr, readOnly: true)) { }
            try
            {
                using var writable = Globals.OpenStore(pr);
                (writable as ICrashStore)?.RefreshCrashLinks();
            }
            catch (Exception e) when (e is StoreException or UnauthorizedAccessException or IOException)
            {
                Console.Error.WriteLine($"ktriage: crash clusters not refreshed ({e.Message}); serving what is stored");
            }
            var app = WebApp.Create(new WebOptions(() => Globals.OpenStore(pr, readOnly: true), urls));
            try
            {
                await app.StartAsync(cancel);
            }
            catch (IOException e)
            {
                throw new UserError($"--urls {urls}: cannot listen: {e.Message}");
            }
            if (!pr.GetValue(Globals.Quiet)) Console.Error.WriteLine($"ktriage: serving {Globals.DbPath(pr)} on {string.Join(", ", app.Urls)} (Ctrl-C stops)");
            await app.WaitForShutdownAsync(cancel);
            return 0;
        });
        return cmd;
    }
}
