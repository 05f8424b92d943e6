using Ktriage.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ktriage.Web;

/// <param name="OpenStore">opens one read-only store (called once per concurrently served request, then pooled).</param>
/// <param name="Urls">where Kestrel listens; 127.0.0.1 by default: the archive is meant for the local user.</param>
public sealed record WebOptions(Func<IArchiveStore> OpenStore, string Urls = "http://127.0.0.1:5080", LogLevel LogLevel = LogLevel.Warning);

/// <summary><c>ktriage serve</c>: the archive pages, crash pages and JSON API over one store.</summary>
public static class WebApp
{
    static readonly byte[] Style = ReadStyle();

    /// <summary>Longest a request may take, body upload included.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    static byte[] ReadStyle()
    {
        using var s = typeof(WebApp).Assembly.GetManifestResourceStream("Ktriage.Web.style.css")!;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    public static WebApplication Create(WebOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Ktriage.Web", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.LogLevel);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Only the oops POST has a body: a log of at most 1 MiB (plus form overhead).
            k.Limits.MaxRequestBodySize = CrashPages.MaxLogBytes + 64 * 1024;
            // Slow clients: headers within 10 s; bodies are held to Kestrel's minimum data rate (240 B/s after 5 s).
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.MaxConcurrentConnections = 1000;
        });
        // Every request is cancelled after RequestTimeout (503): reading a body and the oops analysis observe it.
        builder.Services.AddRequestTimeouts(t => t.DefaultPolicy = new RequestTimeoutPolicy { Timeout = RequestTimeout, TimeoutStatusCode = 503 });
        builder.Services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = CrashPages.MaxLogBytes + 64 * 1024;
            f.ValueLengthLimit = CrashPages.MaxLogBytes;
            f.ValueCountLimit = 16;
        });
        var pool = new StorePool(options.OpenStore);
        var cache = new MessageCache();
        builder.Services.AddSingleton(pool);
        builder.Services.AddSingleton(cache);
        var app = builder.Build();

        var archive = new ArchivePages(pool, cache);
        var crashes = new CrashPages(pool, cache);
        var api = new Api(pool, cache, archive);
        var log = app.Logger;

        app.Use(async (ctx, next) =>
        {
            OopsGate.MarkStart(ctx);
            SecurityHeaders.Apply(ctx.Response);
            try
            {
                await next(ctx);
            }
            catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
            {
                await Fail(ctx, e.StatusCode, e.Message);
            }
            catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
            {
                log.LogError(e, "{Path}: {Message}", ctx.Request.Path, e.Message);
                await Fail(ctx, 500, "internal error: " + e.GetType().Name);
            }
        });

        // Routing after the middleware above, so that its errors (e.g. ambiguous matches) get the same handling.
        app.UseRouting();
        app.UseRequestTimeouts();
        app.MapGet("/", archive.Index);
        app.MapGet("/search", (HttpContext ctx) =>
        {
            using var lease = pool.Rent();
            return archive.Search(lease.Store, ctx.Request.Query["q"].ToString(), null);
        });
        app.MapGet("/_/style.css", () => Results.Bytes(Style, "text/css; charset=utf-8"));
        app.MapGet("/crashes/", crashes.Dashboard);
        app.MapGet("/crashes/{id:long}/", (long id) => crashes.Cluster(id));
        app.MapGet("/oops", crashes.OopsPage);
        app.MapPost("/oops", crashes.Oops);

        var v1 = app.MapGroup("/api/v1");
        v1.MapGet("/lists", api.Lists);
        v1.MapGet("/lists/{list}/threads", (string list, HttpRequest req) => api.Threads(list, req));
        v1.MapGet("/messages/{**mid}", api.Message);
        v1.MapGet("/threads/{**mid}", api.Thread);
        v1.MapGet("/patches/{**mid}", api.Patch);
        v1.MapGet("/series/{**mid}", api.Series);
        v1.MapGet("/crashes", api.Crashes);
        v1.MapGet("/crashes/{id:long}", (long id) => api.Crash(id));
        v1.MapGet("/search", api.Search);
        v1.MapPost("/oops", api.Oops);
        v1.MapFallback("{**path}", () => Results.Json(new { error = "no such API route (see README: JSON API)" }, Api.Json, statusCode: 404));

        // Not MapFallback(handler): its pattern excludes paths that look like files, and Message-IDs contain dots.
        app.MapFallback("{**path}", archive.Dispatch);
        app.Lifetime.ApplicationStopped.Register(() => { pool.Dispose(); cache.Dispose(); });
        return app;
    }

    static Task Fail(HttpContext ctx, int status, string message)
    {
        ctx.Response.Clear();
        SecurityHeaders.Apply(ctx.Response);
        ctx.Response.StatusCode = status;
        if (ctx.Request.Path.StartsWithSegments("/api"))
            return Results.Json(new { error = message }, Api.Json, statusCode: status).ExecuteAsync(ctx);
        return ArchivePages.Error(status, status >= 500 ? "server error" : "bad request", message).ExecuteAsync(ctx);
    }
}
