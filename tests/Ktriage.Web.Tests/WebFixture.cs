using System.Diagnostics;
using Ktriage.Store.Sqlite;
using Microsoft.AspNetCore.Builder;

namespace Ktriage.Web.Tests;

/// <summary>Runs the real ktriage binary (built next to the tests), as a user would.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ktriage.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_gcServer"] = "0";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException($"ktriage {string.Join(' ', args)} hung"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static void Ingest(string db, string source, string list)
    {
        var r = Run("ingest", source, "--list", list, "--db", db, "-q");
        Assert.True(r.Exit == 0, $"ingest {source}: {r.Err}");
    }
}

/// <summary>A real Kestrel server on a free 127.0.0.1 port over a database; stopped and deleted on dispose.</summary>
public sealed class WebServer : IAsyncDisposable
{
    readonly WebApplication app;
    public string BaseUrl { get; }
    public string Db { get; }
    public HttpClient Http { get; }

    WebServer(WebApplication app, string db)
    {
        this.app = app;
        Db = db;
        BaseUrl = app.Urls.First().TrimEnd('/');
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(BaseUrl) };
    }

    public static async Task<WebServer> Start(string db)
    {
        var app = WebApp.Create(new WebOptions(() => SqliteArchiveStore.Open(db, readOnly: true), "http://127.0.0.1:0"));
        await app.StartAsync();
        return new WebServer(app, db);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>The demo sample (a crash report, its fix with reviews, a 2-patch series) on list "demo" and hostile mail on
/// list "evil", served once for every test of the collection.</summary>
public sealed class ArchiveFixture : IAsyncLifetime
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "ktriage-web-" + Guid.NewGuid().ToString("N"));
    public WebServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "web.db");
        Cli.Ingest(db, Path.Combine(AppContext.BaseDirectory, "Fixtures", "sample.mbox"), "demo");
        Cli.Ingest(db, Path.Combine(AppContext.BaseDirectory, "Fixtures", "hostile.mbox"), "evil");
        Server = await WebServer.Start(db);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(dir, true);
    }
}

[CollectionDefinition("archive")]
public sealed class ArchiveCollection : ICollectionFixture<ArchiveFixture>;

/// <summary>Message-ID → URL path segment, as pages write it.</summary>
internal static class Url
{
    public static string Msg(string list, string id, string suffix = "") => $"/{Uri.EscapeDataString(list)}/{Uri.EscapeDataString(id)}/{suffix}";
}
