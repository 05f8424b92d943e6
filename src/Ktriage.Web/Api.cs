using System.Text.Json;
using System.Text.Json.Serialization;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Core.Threads;
using Ktriage.Store;
using Microsoft.AspNetCore.Http;

namespace Ktriage.Web;

/// <summary>/api/v1: the pages' data as JSON (camelCase, the CLI's --json shapes). Message-IDs are path segments
/// escaped like in page URLs (/ as %2F).</summary>
internal sealed class Api(StorePool pool, MessageCache cache, ArchivePages archive)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Nested threads: each reply level is two JSON levels (node, children), and real threads go deeper than 32.
        MaxDepth = 2048,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    static IResult Ok(object? value) => Results.Json(value, Json);
    static IResult Problem(int status, string error) => Results.Json(new { error }, Json, statusCode: status);

    public IResult Lists()
    {
        using var lease = pool.Rent();
        return Ok(lease.Store.Lists().Select(l => new { name = l.Name, messages = l.Messages, newest = l.Newest }));
    }

    public IResult Threads(string list, HttpRequest req)
    {
        if (!Int(req, "o", 0, 10_000_000, out var offset, out var bad) || !Int(req, "n", ArchivePages.PageSize, 500, out var limit, out bad)) return bad!;
        using var lease = pool.Rent();
        if (!archive.KnownList(lease.Store, list)) return Problem(404, $"no list named '{list}'");
        return Ok(lease.Store.ListThreads(list, offset, limit)
            .Select(t => new { threadId = t.ThreadId, messages = t.Messages, lastDate = t.LastDate, root = JsonShapes.Row(t.Root) }));
    }

    static bool Int(HttpRequest req, string name, int fallback, int max, out int value, out IResult? problem)
    {
        var text = req.Query[name].ToString();
        problem = null;
        value = fallback;
        if (text.Length == 0) return true;
        if (int.TryParse(text, out value) && value >= 0 && value <= max) return true;
        problem = Problem(400, $"{name}={text}: expected a number from 0 to {max}");
        return false;
    }

    /// <summary>The Message-ID segment after /api/v1/KIND/, looked up; a 404 names close ids.</summary>
    static (IReadOnlyList<MessageRow> Rows, IResult? Problem) Find(HttpContext ctx, IArchiveStore store)
    {
        var seg = RawPath.Segments(ctx, skip: 3);
        if (seg is not [var mid]) return ([], Problem(400, "expected one Message-ID after the route (escape '/' as %2F)"));
        if (mid.Length > 1000) return ([], Problem(404, "Message-ID too long"));
        var (found, similar) = MessageLookup.Find(store, mid);
        if (found.Count > 0) return (found, null);
        return ([], Results.Json(new { error = $"no message <{MessageLookup.Clean(mid)}>", similar }, Json, statusCode: 404));
    }

    public IResult Message(HttpContext ctx)
    {
        using var lease = pool.Rent();
        var (rows, problem) = Find(ctx, lease.Store);
        if (problem is not null) return problem;
        return Ok(rows.SelectMany(r => cache.Get(lease.Store, r).Copies).Select(c => JsonShapes.Copy(c.Copy, c.Mail)));
    }

    public IResult Thread(HttpContext ctx)
    {
        using var lease = pool.Rent();
        var (rows, problem) = Find(ctx, lease.Store);
        if (problem is not null) return problem;
        var messages = lease.Store.ThreadMessages(rows[0].ThreadId);
        var roots = ThreadTree.Build(messages.Select(m => new ThreadItem<MessageRow>(m.MessageId, m.InReplyTo, m.References, m.Date, m)));
        return Ok(JsonShapes.Thread(rows[0].ThreadId, messages.Count, roots));
    }

    public IResult Patch(HttpContext ctx)
    {
        using var lease = pool.Rent();
        var (rows, problem) = Find(ctx, lease.Store);
        if (problem is not null) return problem;
        return Ok(rows.Select(r => cache.Get(lease.Store, r).Patch));
    }

    public IResult Series(HttpContext ctx)
    {
        using var lease = pool.Rent();
        var (rows, problem) = Find(ctx, lease.Store);
        if (problem is not null) return problem;
        var (series, _) = SeriesFinder.Find(lease.Store, rows[0], parse: r => cache.Get(lease.Store, r).Mail);
        return series is null ? Problem(404, $"no patch series in the thread of <{rows[0].MessageId}>") : Ok(series);
    }

    public IResult Crashes(HttpRequest req)
    {
        using var lease = pool.Rent();
        if (lease.Crashes is not { } crashes) return Problem(404, "this store has no crash knowledge base");
        var (rows, problem) = CrashPages.Query(crashes, cache, req.Query);
        if (rows is null) return Problem(400, problem!);
        return Ok(rows.Select(r => JsonShapes.ClusterSummary(r.Cluster, r.Status, r.Best)));
    }

    public IResult Crash(long id)
    {
        using var lease = pool.Rent();
        if (lease.Crashes is not { } crashes) return Problem(404, "this store has no crash knowledge base");
        if (crashes.CrashCluster(id) is not { } c) return Problem(404, $"no crash cluster {id}");
        var ranked = CrashRanking.Rank(crashes.FixLinks(id), EvidenceKinds.All);
        return Ok(JsonShapes.Cluster(c, CrashRanking.Status(c, ranked), crashes.ClusterReports(id), ranked));
    }

    public IResult Search(HttpRequest req)
    {
        var q = req.Query["q"].ToString();
        if (!Int(req, "n", 50, ArchivePages.SearchLimit, out var limit, out var bad)) return bad!;
        var list = req.Query["list"].ToString();
        using var lease = pool.Rent();
        var (rows, problem) = archive.RunSearch(lease.Store, q, list.Length > 0 ? list : null, limit);
        return rows is null ? Problem(400, "q: " + problem) : Ok(rows.Select(JsonShapes.Row));
    }

    /// <summary>POST a log (text/plain body, or a form with "log" or "file"): {source, reports, clusters}.</summary>
    public async Task<IResult> Oops(HttpRequest req)
    {
        var (text, status, problem) = await CrashPages.ReadLog(req);
        if (text is null) return Problem(status, problem!);
        var (reports, busy) = await OopsGate.AnalyzeAsync(text, req.HttpContext);
        if (reports is null) return Problem(503, busy!);
        using var lease = pool.Rent();
        var clusters = CrashPages.Clusters(lease.Crashes);
        return Ok(new
        {
            source = "request",
            reports,
            clusters = reports.Select(r => CrashPages.Matching(clusters, r).Select(c => new { id = c.Id, title = c.Title, count = c.Reports, lastSeen = c.LastSeen })),
        });
    }
}
