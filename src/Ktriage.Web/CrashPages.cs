using System.Text;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Core.Maintainers;
using Ktriage.Store;
using Microsoft.AspNetCore.Http;
using static Ktriage.Web.Html;

namespace Ktriage.Web;

/// <summary>One cluster as the dashboard lists it.</summary>
internal sealed record ClusterSummary(ClusterRow Cluster, CrashStatus Status, CrashRanking.RankedFix? Best);

/// <summary>/crashes/ dashboard, /crashes/ID/ cluster page, /oops paste-a-log analysis.</summary>
internal sealed class CrashPages(StorePool pool, MessageCache cache)
{
    public const int MaxLogBytes = 1 << 20;
    static readonly string[] Sorts = ["last", "first", "count", "title", "status", "type"];

    /// <summary>Every cluster's summary (ranking every fix is the expensive part: cached for a minute; clusters only change
    /// when an ingest refreshes them).</summary>
    public static IReadOnlyList<ClusterSummary> Summaries(ICrashStore crashes, MessageCache cache, string? list) =>
        cache.GetOrAdd(("crash-summaries", list ?? ""), 4L << 20, () => Compute(crashes, list), TimeSpan.FromMinutes(1));

    static IReadOnlyList<ClusterSummary> Compute(ICrashStore crashes, string? list)
    {
        var ranked = CrashRanking.RankAll(crashes, EvidenceKinds.All);
        return crashes.CrashClusters(string.IsNullOrEmpty(list) ? null : list).Select(c =>
        {
            var fixes = ranked.GetValueOrDefault(c.Id) ?? [];
            return new ClusterSummary(c, CrashRanking.Status(c, fixes), fixes.FirstOrDefault());
        }).ToList();
    }

    /// <summary>Filters and sorts; null and a message when a parameter is not understood.</summary>
    public static (IReadOnlyList<ClusterSummary>? Rows, string? Problem) Query(ICrashStore crashes, MessageCache cache, IQueryCollection q)
    {
        var sort = q["sort"].ToString();
        if (sort.Length == 0) sort = "last";
        if (!Sorts.Contains(sort)) return (null, $"sort={sort}: expected one of {string.Join(", ", Sorts)}");
        var dir = q["dir"].ToString();
        if (dir is not ("" or "asc" or "desc")) return (null, $"dir={dir}: expected asc or desc");
        var type = q["type"].ToString();
        var status = q["status"].ToString();
        var list = q["list"].ToString();
        IEnumerable<ClusterSummary> rows = Summaries(crashes, cache, list.Length > 0 ? list : null);
        if (type.Length > 0) rows = rows.Where(r => r.Cluster.Type == type);
        if (status.Length > 0) rows = rows.Where(r => r.Status.Name == status);
        var asc = dir.Length > 0 ? dir == "asc" : sort is "title" or "status" or "type";
        Func<ClusterSummary, object> key = sort switch
        {
            "first" => r => r.Cluster.FirstSeen,
            "count" => r => r.Cluster.Reports,
            "title" => r => r.Cluster.Title,
            "status" => r => r.Status.Stage,
            "type" => r => r.Cluster.Type,
            _ => r => r.Cluster.LastSeen,
        };
        var sorted = asc ? rows.OrderBy(key).ThenByDescending(r => r.Cluster.LastSeen) : rows.OrderByDescending(key).ThenByDescending(r => r.Cluster.LastSeen);
        return (sorted.ToList(), null);
    }

    public IResult Dashboard(HttpContext ctx)
    {
        using var lease = pool.Rent();
        if (lease.Crashes is not { } crashes) return ArchivePages.Error(404, "no crash knowledge base", "This store has no crash clusters.");
        var (rows, problem) = Query(crashes, cache, ctx.Request.Query);
        if (rows is null) return ArchivePages.Error(400, "bad crash filter", problem);
        var q = ctx.Request.Query;
        var all = Summaries(crashes, cache, null);
        var sb = new StringBuilder("<h1>crashes</h1><form class=\"filters\" method=\"get\" action=\"/crashes/\">");
        Select(sb, "list", q["list"], all.SelectMany(r => r.Cluster.Lists).Distinct().Order(StringComparer.Ordinal));
        Select(sb, "type", q["type"], all.Select(r => r.Cluster.Type).Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal));
        Select(sb, "status", q["status"], ["reported", "fix posted", "fix reviewed", "fix applied"]);
        sb.Append("<input type=\"hidden\" name=\"sort\" value=\"").Append(E(q["sort"].ToString())).Append("\"> <button>filter</button></form>");
        sb.Append("<p class=\"muted\">").Append(rows.Count).Append(" cluster(s) of ").Append(all.Count).Append("</p><table><tr>");
        foreach (var (label, sort) in new[] { ("title", "title"), ("count", "count"), ("type", "type"), ("lists", ""), ("first seen", "first"), ("last seen", "last"), ("status", "status"), ("best fix", "") })
            sb.Append("<th>").Append(sort.Length == 0 ? E(label) : $"<a href=\"{E(SortUrl(q, sort))}\">{E(label)}</a>").Append("</th>");
        sb.Append("</tr>");
        foreach (var r in rows)
        {
            var c = r.Cluster;
            sb.Append("<tr><td class=\"title\"><a href=\"/crashes/").Append(c.Id).Append("/\">").Append(E(c.Title)).Append("</a></td><td class=\"n\">")
                .Append(c.Reports).Append("</td><td>").Append(E(c.Type)).Append("</td><td class=\"nw\">").Append(E(string.Join(", ", c.Lists)))
                .Append("</td><td class=\"date\">").Append(Day(c.FirstSeen)).Append("</td><td class=\"date\">").Append(Day(c.LastSeen))
                .Append("</td><td class=\"status-").Append(r.Status.Name.Replace(' ', '-')).Append("\">").Append(E(r.Status.Name)).Append("</td><td>");
            if (r.Best is { } best)
                sb.Append(FixLink(best)).Append(" <span class=\"muted\">").Append(best.Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)).Append("</span>");
            sb.Append("</td></tr>");
        }
        sb.Append("</table>");
        return ArchivePages.HtmlResult(Page("crashes", sb.ToString()));
    }

    static string SortUrl(IQueryCollection q, string sort)
    {
        var dir = q["sort"].ToString() == sort && q["dir"].ToString() != "asc" && !(sort is "title" or "status" or "type" && q["dir"].ToString() != "desc") ? "asc" : "desc";
        if (q["sort"].ToString() != sort) dir = sort is "title" or "status" or "type" ? "asc" : "desc";
        var parts = new List<string>();
        foreach (var k in new[] { "list", "type", "status" })
            if (q[k].ToString() is { Length: > 0 } v) parts.Add(k + "=" + Uri.EscapeDataString(v));
        parts.Add("sort=" + sort);
        parts.Add("dir=" + dir);
        return "/crashes/?" + string.Join("&", parts);
    }

    static void Select(StringBuilder sb, string name, string? current, IEnumerable<string> values)
    {
        sb.Append("<label>").Append(name).Append(" <select name=\"").Append(name).Append("\"><option value=\"\">any</option>");
        foreach (var v in values)
            sb.Append("<option").Append(v == current ? " selected" : "").Append(" value=\"").Append(E(v)).Append("\">").Append(E(v)).Append("</option>");
        sb.Append("</select></label> ");
    }

    static string FixLink(CrashRanking.RankedFix f) => f.Row.Present && f.Row.List is { } list
        ? $"<a href=\"{E(MsgUrl(list, f.Row.MessageId))}\">{E(f.Row.Subject ?? f.Row.MessageId)}</a>"
        : $"<span class=\"muted\">&lt;{E(f.Row.MessageId)}&gt; (not in archive)</span>";

    public IResult Cluster(long id)
    {
        using var lease = pool.Rent();
        if (lease.Crashes is not { } crashes) return ArchivePages.Error(404, "no crash knowledge base", "This store has no crash clusters.");
        var c = crashes.CrashCluster(id);
        if (c is null) return ArchivePages.Error(404, "no such crash cluster", $"There is no crash cluster {id}.", "<p><a href=\"/crashes/\">all crashes</a></p>");
        var reports = crashes.ClusterReports(id);
        var ranked = CrashRanking.Rank(crashes.FixLinks(id), EvidenceKinds.All);
        var status = CrashRanking.Status(c, ranked);
        var sb = new StringBuilder("<h1>").Append(E(c.Title)).Append("</h1><pre class=\"box\">");
        foreach (var alt in c.AltTitles) sb.Append("also: ").Append(E(alt)).Append('\n');
        sb.Append("type ").Append(E(c.Type.Length > 0 ? c.Type : "?")).Append("; ").Append(c.Reports).Append(" report(s), ").Append(c.Copies)
            .Append(" quoted/repeated copies; lists ").Append(E(string.Join(", ", c.Lists))).Append('\n');
        sb.Append("first seen ").Append(Day(c.FirstSeen)).Append(", last seen ").Append(Day(c.LastSeen));
        if (c.BotIds.Count > 0) sb.Append("; ").Append(E(c.Bot ?? "bot")).Append(" id ").Append(E(string.Join(", ", c.BotIds)));
        sb.Append("\nstatus: <span class=\"status-").Append(status.Name.Replace(' ', '-')).Append("\">").Append(E(status.Name)).Append("</span>")
            .Append(status.DaysToFix is { } d ? $" ({d} days after the first report)" : "");
        if (c.KeyFunctions.Count > 0) sb.Append("\nstack: ").Append(E(string.Join(" < ", c.KeyFunctions)));
        if (c.GuiltyFile is { } gf) sb.Append("\nfile: ").Append(E(gf));
        sb.Append("</pre>");

        // The normalized trace and hints: the first original report, analysed again from its message.
        var original = reports.FirstOrDefault(r => r.CopyOf is null) ?? reports.FirstOrDefault();
        if (original is not null && lease.Store.FindMessages(original.MessageId).FirstOrDefault() is { } row)
        {
            var analysed = cache.Get(lease.Store, row).Crashes;
            var report = analysed.FirstOrDefault(r => r.Title == original.Title) ?? analysed.FirstOrDefault();
            if (report is not null)
            {
                sb.Append("<h2>trace (from the first report)</h2>");
                Report(sb, report, frames: 40);
                var mail = cache.Get(lease.Store, row).Mail;
                if (TreeFor(lease.Store, report.KernelVersion) is { } tree
                    && WhoReport.ForCrash(tree, report, mail.AllText, mail.MessageId, mail.From?.ToString(), mail.Subject) is { } who)
                    Who(sb, who);
            }
        }

        sb.Append("<h2>candidate fixes</h2>");
        if (ranked.Count == 0) sb.Append("<p>No candidate fixes.</p>");
        else
        {
            sb.Append("<ol class=\"evidence\">");
            foreach (var f in ranked.Take(20))
            {
                sb.Append("<li>").Append(FixLink(f)).Append(" <span class=\"muted\">score ").Append(f.Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))
                    .Append(" [").Append(E(f.Status)).Append("]").Append(f.Row.Date is { } date ? " " + Day(date) : "").Append("</span><ul>");
                foreach (var e in f.Evidence)
                    sb.Append("<li>").Append(E(e.Kind)).Append(" <span class=\"muted\">").Append(E(e.Code)).Append(' ')
                        .Append(e.Weight.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)).Append("</span> ").Append(E(e.Detail)).Append("</li>");
                sb.Append("</ul></li>");
            }
            sb.Append("</ol>");
            if (ranked.Count > 20) sb.Append("<p class=\"muted\">").Append(ranked.Count - 20).Append(" weaker candidates (see the JSON API)</p>");
        }

        sb.Append("<h2>reports</h2><table><tr><th>date</th><th>list</th><th>from</th><th>title</th><th>message</th></tr>");
        foreach (var r in reports)
            sb.Append("<tr><td class=\"date\">").Append(Day(r.Date)).Append("</td><td>").Append(E(r.List)).Append("</td><td>").Append(E(r.From))
                .Append("</td><td class=\"title\">").Append(E(r.Title)).Append(r.CopyOf is null ? "" : " <span class=\"muted\">(copy)</span>")
                .Append("</td><td><a href=\"").Append(E(MsgUrl(r.List, r.MessageId))).Append("\">&lt;").Append(E(r.MessageId)).Append("&gt;</a></td></tr>");
        sb.Append("</table>");
        return ArchivePages.HtmlResult(Page(c.Title, sb.ToString()));
    }

    // Loaded trees per pooled store (a tree answers its lookups through the store that loaded it) and kernel version:
    // loading one reads every file path of the tree, far too slow for each request.
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IArchiveStore, Dictionary<string, IKernelTree?>> trees = new();

    static IKernelTree? TreeFor(IArchiveStore store, string? kernelVersion)
    {
        if (store is not IKernelStore kernels) return null;
        var byVersion = trees.GetOrCreateValue(store);
        lock (byVersion)
        {
            if (byVersion.TryGetValue(kernelVersion ?? "", out var tree)) return tree;
            return byVersion[kernelVersion ?? ""] = kernels.KernelTrees().Count == 0 ? null : kernels.NearestKernelTree(kernelVersion);
        }
    }

    /// <summary>"Who should look at this": the same lines `ktriage crash` prints.</summary>
    static void Who(StringBuilder sb, WhoReport w)
    {
        sb.Append("<h2>who</h2><pre class=\"box who\">");
        foreach (var line in w.Lines()) sb.Append(E(line)).Append('\n');
        sb.Append("</pre>");
    }

    /// <summary>A crash report's full analysis: title, site, context, hints, frames by section.</summary>
    public static void Report(StringBuilder sb, CrashReport r, int frames)
    {
        sb.Append("<div class=\"box crash\"><h3>").Append(E(r.Title)).Append("</h3><pre>");
        sb.Append("type ").Append(E(r.Type.Length > 0 ? r.Type : "?")).Append("  lines ").Append(r.StartLine).Append('-').Append(r.EndLine);
        if (r.Occurrences > 1) sb.Append("  ").Append(r.Occurrences).Append(" copies");
        if (r.Corrupted) sb.Append("  corrupted: ").Append(E(r.CorruptedReason));
        if (r.Panicked) sb.Append("  panicked");
        sb.Append('\n');
        if (r.CrashSite is { } s) sb.Append("crash site ").Append(E(MailRender.Frame(s))).Append('\n');
        if (r.FaultAddress is { } fa) sb.Append("fault address ").Append(E(fa)).Append('\n');
        if (r.KernelVersion is { } kv) sb.Append("kernel ").Append(E(kv)).Append('\n');
        if (r.Comm is { } comm) sb.Append("task ").Append(E(comm)).Append(" pid ").Append(r.Pid).Append(r.Cpu is { } cpu ? $" cpu {cpu}" : "").Append('\n');
        if (r.Taint is { Flags.Length: > 0 } t) sb.Append("tainted ").Append(E(t.Flags)).Append(" (").Append(E(string.Join(", ", t.Meanings))).Append(")\n");
        if (r.Hardware is { } hw) sb.Append("hardware ").Append(E(hw)).Append('\n');
        if (r.GuiltyFrame is not null || r.GuiltyFile is not null)
            sb.Append("guilty ").Append(E(string.Join("  ", new[] { r.GuiltyFrame, r.GuiltyFile }.Where(x => x is not null)))).Append('\n');
        foreach (var h in r.Hints) sb.Append("hint <b>").Append(E(h.Kind)).Append("</b>: ").Append(E(h.Message)).Append('\n');
        string? section = null;
        foreach (var f in r.Frames.Take(frames))
        {
            if (f.Section != section) { section = f.Section; sb.Append("-- ").Append(E(section)).Append('\n'); }
            sb.Append(f.Reliable ? "   " : " ? ").Append(E(MailRender.Frame(f))).Append('\n');
        }
        if (r.Frames.Count > frames) sb.Append("… ").Append(r.Frames.Count - frames).Append(" more frames\n");
        sb.Append("</pre></div>");
    }

    const string OopsForm = """
        <h1>oops</h1><p>Paste a kernel log, an oops or a whole mail, or upload a file (at most 1 MiB): the crash reports in it are
        explained and matched against the archive's crash clusters.</p>
        <form method="post" action="/oops" enctype="multipart/form-data"><textarea name="log" spellcheck="false"></textarea>
        <p><input type="file" name="file"> <button>analyse</button></p></form>
        """;

    public IResult OopsPage() => ArchivePages.HtmlResult(Page("oops", OopsForm));

    /// <summary>The log text of an oops POST: a "log" form field, an uploaded "file", or a text/plain body.</summary>
    public static async Task<(string? Text, int Status, string? Problem)> ReadLog(HttpRequest req)
    {
        try
        {
            if (req.HasFormContentType)
            {
                var form = await req.ReadFormAsync(req.HttpContext.RequestAborted);
                if (form.Files.GetFile("file") is { Length: > 0 } file)
                {
                    if (file.Length > MaxLogBytes) return (null, 413, $"the file is larger than {MaxLogBytes} bytes");
                    using var reader = new StreamReader(file.OpenReadStream());
                    return (await reader.ReadToEndAsync(req.HttpContext.RequestAborted), 200, null);
                }
                return (form["log"].ToString(), 200, null);
            }
            using var body = new StreamReader(req.Body);
            return (await body.ReadToEndAsync(req.HttpContext.RequestAborted), 200, null);
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode, e.StatusCode == 413 ? $"the request is larger than {MaxLogBytes} bytes" : e.Message);
        }
        catch (InvalidDataException e)
        {
            // Multipart limits (too many parts, headers too long...) land here.
            return (null, 400, "the form could not be read: " + e.Message);
        }
    }

    /// <summary>Clusters whose title (or an alternative title) is one of the report's titles.</summary>
    public static IReadOnlyList<ClusterRow> Matching(IReadOnlyList<ClusterRow> clusters, CrashReport r)
    {
        var titles = r.AltTitles.Append(r.Title).ToHashSet(StringComparer.Ordinal);
        return clusters.Where(c => titles.Contains(c.Title) || c.AltTitles.Any(titles.Contains)).ToList();
    }

    /// <summary>The archive's clusters, read once per request (a pasted log may hold hundreds of reports).</summary>
    public static IReadOnlyList<ClusterRow> Clusters(ICrashStore? crashes) => crashes?.CrashClusters().ToList() ?? [];

    public async Task<IResult> Oops(HttpRequest req)
    {
        var (text, status, problem) = await ReadLog(req);
        if (text is null) return ArchivePages.Error(status, "cannot read the log", problem);
        if (string.IsNullOrWhiteSpace(text)) return ArchivePages.Error(400, "empty log", "Paste a log or choose a file.", OopsForm);
        var (reports, busy) = await OopsGate.AnalyzeAsync(text, req.HttpContext);
        if (reports is null) return ArchivePages.Error(503, "analysis unavailable", busy, OopsForm);
        var sb = new StringBuilder(OopsForm).Append("<h2>analysis</h2>");
        if (reports.Count == 0) sb.Append("<p>No kernel crash report found in this text.</p>");
        using var lease = pool.Rent();
        var clusters = Clusters(lease.Crashes);
        foreach (var r in reports)
        {
            Report(sb, r, frames: 40);
            var matches = Matching(clusters, r);
            sb.Append(matches.Count == 0 ? "<p class=\"muted\">No matching crash cluster in the archive.</p>" : "<p>Matching clusters: ");
            sb.Append(string.Join(", ", matches.Select(c => $"<a href=\"/crashes/{c.Id}/\">{E(c.Title)}</a> ({c.Reports} report(s), last {Day(c.LastSeen)})")));
            if (matches.Count > 0) sb.Append("</p>");
        }
        return ArchivePages.HtmlResult(Page("oops analysis", sb.ToString()));
    }
}
