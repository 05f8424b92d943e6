using System.IO.Compression;
using System.Text;
using Ktriage.Core.Threads;
using Ktriage.Store;
using Microsoft.AspNetCore.Http;
using static Ktriage.Web.Html;

namespace Ktriage.Web;

/// <summary>lore-style archive pages: /, /LIST/, /LIST/MSGID/ (+ T/, t/, raw, t.mbox.gz, t.atom), /LIST/new.atom, search.</summary>
internal sealed class ArchivePages(StorePool pool, MessageCache cache)
{
    public const int PageSize = 50;
    public const int SearchLimit = 100;
    public const int MaxQuery = 500;

    /// <summary>Index data (lists, a list's thread pages) is aggregated over the whole list: cached briefly, the way
    /// lore's index pages lag a little. Message and thread pages are always read fresh.</summary>
    static readonly TimeSpan IndexLifetime = TimeSpan.FromSeconds(30);

    IReadOnlyList<ListRow> Lists(IArchiveStore store) => cache.GetOrAdd("lists", 16 << 10, store.Lists, IndexLifetime);

    public bool KnownList(IArchiveStore store, string list) => Lists(store).Any(l => l.Name == list);

    public IResult Index()
    {
        using var lease = pool.Rent();
        var lists = Lists(lease.Store);
        var sb = new StringBuilder("<h1>lists</h1><table><tr><th>list</th><th>messages</th><th>newest</th></tr>");
        foreach (var l in lists)
            sb.Append("<tr><td><a href=\"/").Append(E(Seg(l.Name))).Append("/\">").Append(E(l.Name)).Append("</a></td><td class=\"n\">")
                .Append(l.Messages).Append("</td><td class=\"date\">").Append(l.Newest is { } d ? Date(d) : "").Append("</td></tr>");
        sb.Append("</table>");
        if (lists.Count == 0) sb.Append("<p>The archive is empty: run <code>ktriage ingest</code>.</p>");
        return HtmlResult(Page("ktriage", sb.ToString()));
    }

    /// <summary>Routes /LIST/... paths; segments come from the raw request target so that %2F in a Message-ID stays
    /// part of the id.</summary>
    public IResult Dispatch(HttpContext ctx)
    {
        var seg = RawPath.Segments(ctx);
        if (seg is null) return Error(400, "bad request path", "The path is not valid percent-encoding.");
        var trailing = RawPath.EndsWithSlash(ctx);
        using var lease = pool.Rent();
        var store = lease.Store;
        switch (seg.Count)
        {
            case 1 when trailing:
                return ListPage(ctx, store, seg[0]);
            case 1:
                return Results.Redirect("/" + Seg(seg[0]) + "/" + ctx.Request.QueryString);
            case 2 when seg[1] == "new.atom":
                return KnownList(store, seg[0]) ? Atom.List(store, cache, seg[0]) : UnknownList(seg[0]);
            case 2:
                return Message(lease, seg[0], seg[1]);
            case 3:
                return seg[2] switch
                {
                    "T" => Thread(store, seg[0], seg[1], nested: false),
                    "t" => Thread(store, seg[0], seg[1], nested: true),
                    "raw" => Raw(store, seg[0], seg[1]),
                    "t.mbox.gz" => Mbox(store, seg[0], seg[1]),
                    "t.atom" => ThreadAtom(store, seg[0], seg[1]),
                    _ => Error(404, "not found", $"No page '{seg[2]}' under a message (try T/, t/, raw, t.mbox.gz or t.atom)."),
                };
            default:
                return Error(404, "not found", "No such page.");
        }
    }

    static IResult UnknownList(string list) =>
        Error(404, "no such list", $"There is no list named '{list}' in this archive.", "<p><a href=\"/\">all lists</a></p>");

    IResult ListPage(HttpContext ctx, IArchiveStore store, string list)
    {
        if (!KnownList(store, list)) return UnknownList(list);
        var q = ctx.Request.Query["q"].ToString();
        if (q.Length > 0) return Search(store, q, list);
        var o = ctx.Request.Query["o"].ToString();
        var offset = 0;
        if (o.Length > 0 && (!int.TryParse(o, out offset) || offset < 0 || offset > 10_000_000))
            return Error(400, "bad offset", $"o={o}: expected a number of threads to skip (0 or more).");
        var threads = cache.GetOrAdd(("threads", list, offset), 64 << 10, () => store.ListThreads(list, offset, PageSize + 1), IndexLifetime);
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(E(list)).Append("</h1><p class=\"muted\"><a href=\"new.atom\">Atom feed</a></p>");
        sb.Append("<table><tr><th>last</th><th>subject</th><th>from</th><th>msgs</th></tr>");
        foreach (var t in threads.Take(PageSize))
            sb.Append("<tr><td class=\"date\">").Append(Date(t.LastDate)).Append("</td><td class=\"title\"><a href=\"")
                .Append(E(MsgUrl(t.Root.List, t.Root.MessageId, "T/"))).Append("\">").Append(E(Subject(t.Root.Subject))).Append("</a></td><td>")
                .Append(E(Author(t.Root))).Append("</td><td class=\"n\">").Append(t.Messages).Append("</td></tr>");
        sb.Append("</table><div class=\"pager\">");
        if (offset > 0) sb.Append("<a rel=\"prev\" href=\"?o=").Append(Math.Max(0, offset - PageSize)).Append("\">newer</a> ");
        if (threads.Count > PageSize) sb.Append("<a rel=\"next\" href=\"?o=").Append(offset + PageSize).Append("\">older</a>");
        sb.Append("</div>");
        if (threads.Count == 0) sb.Append("<p>No threads here.</p>");
        return HtmlResult(Page(list, sb.ToString(), list, feed: "/" + Seg(list) + "/new.atom"));
    }

    /// <summary>Runs a search: the store's query language (words → every word must occur).</summary>
    public (IReadOnlyList<MessageRow>? Rows, string? Problem) RunSearch(IArchiveStore store, string q, string? list, int limit)
    {
        // The store searches every list: ask for more when others could crowd this one out.
        if (list is not null && Lists(store) is { Count: 1 } only && only[0].Name == list) list = null;
        if (q.Length > MaxQuery) return (null, $"the query is longer than {MaxQuery} characters");
        var fts = SearchText.ToFts(q);
        if (fts.Length == 0) return (null, $"'{q}' has no words to search for");
        var rows = store.Search(fts, list is null ? limit : limit * 4);
        return (list is null ? rows : rows.Where(r => r.List == list).Take(limit).ToList(), null);
    }

    public IResult Search(IArchiveStore store, string q, string? list)
    {
        var (rows, problem) = RunSearch(store, q, list, SearchLimit);
        if (rows is null) return Error(400, "bad search", problem!);
        var sb = new StringBuilder();
        sb.Append("<h1>search: ").Append(E(q)).Append("</h1><p class=\"muted\">").Append(rows.Count).Append(" result(s)")
            .Append(list is null ? "" : " on " + E(list)).Append(rows.Count >= SearchLimit ? " (first " + SearchLimit + ")" : "").Append("</p>");
        Table(sb, rows);
        return HtmlResult(Page("search: " + q, sb.ToString(), list, q));
    }

    static void Table(StringBuilder sb, IEnumerable<MessageRow> rows)
    {
        sb.Append("<table><tr><th>date</th><th>subject</th><th>from</th><th>list</th></tr>");
        foreach (var m in rows)
            sb.Append("<tr><td class=\"date\">").Append(Date(m.Date)).Append("</td><td class=\"title\"><a href=\"").Append(E(MsgUrl(m.List, m.MessageId)))
                .Append("\">").Append(E(Subject(m.Subject))).Append("</a></td><td>").Append(E(Author(m))).Append("</td><td>").Append(E(m.List)).Append("</td></tr>");
        sb.Append("</table>");
    }

    public static string Subject(string s) => s.Length > 0 ? s : "(no subject)";
    public static string Author(MessageRow m) => string.IsNullOrEmpty(m.From) ? m.FromEmail : m.From;

    /// <summary>The rows of a Message-ID, or the 404 page with stored ids that contain it.</summary>
    static (IReadOnlyList<MessageRow> Rows, IResult? NotFound) Find(IArchiveStore store, string list, string mid)
    {
        if (mid.Length == 0 || mid.Length > 1000) return ([], Error(404, "no such message", "Empty or overlong Message-ID."));
        var (found, similar) = MessageLookup.Find(store, mid);
        if (found.Count > 0) return (found, null);
        var sb = new StringBuilder("<p>Message-ID &lt;").Append(E(MessageLookup.Clean(mid))).Append("&gt; is not in this archive.</p>");
        if (similar.Count > 0)
        {
            sb.Append("<p>Partial matches:</p><ul>");
            foreach (var s in similar) sb.Append("<li><a href=\"").Append(E(MsgUrl(list, s))).Append("\">&lt;").Append(E(s)).Append("&gt;</a></li>");
            sb.Append("</ul>");
        }
        sb.Append("<p>Search for it: <a href=\"/").Append(E(Seg(list))).Append("/?q=").Append(E(Uri.EscapeDataString(mid))).Append("\">")
            .Append(E(list)).Append(" search</a></p>");
        return ([], Error(404, "no such message", null, sb.ToString()));
    }

    IResult Message(StorePool.Lease lease, string list, string mid)
    {
        var store = lease.Store;
        var (rows, notFound) = Find(store, list, mid);
        if (notFound is not null) return notFound;
        var sb = new StringBuilder();
        if (rows.Count > 1)
            sb.Append("<div class=\"warn\">WARNING: multiple messages have this Message-ID (").Append(rows.Count).Append(" different messages, shown below)</div>");
        var first = rows[0];
        var thread = store.ThreadMessages(first.ThreadId);
        for (var i = 0; i < rows.Count; i++)
        {
            var p = cache.Get(store, rows[i]);
            long? cluster = p.Crashes.Count > 0 ? lease.Crashes?.ClusterOfMessage(rows[i].MessageId) : null;
            MessageBlock(sb, p, cluster, full: true);
            if (i == 0) Series(sb, store, p, thread);
        }
        Navigation(sb, first, thread);
        Reply(sb, cache.Get(store, first));
        sb.Append("<h2>Thread overview</h2>");
        Overview(sb, thread, first.MessageId);
        return HtmlResult(Page(Subject(first.Subject), sb.ToString(), first.List, feed: MsgUrl(first.List, first.MessageId, "t.atom")));
    }

    /// <summary>Headers, analysis boxes and body of one message.</summary>
    void MessageBlock(StringBuilder sb, ParsedMessage p, long? cluster, bool full)
    {
        var m = p.Mail;
        var row = p.Row;
        sb.Append("<div class=\"msg\" id=\"m").Append(row.Id).Append("\"><pre class=\"hdr\">");
        sb.Append("From: <b>").Append(E(m.From?.ToString() ?? "")).Append("</b>\n");
        if (full && m.To.Count > 0) sb.Append("To: ").Append(E(string.Join(", ", m.To))).Append('\n');
        if (full && m.Cc.Count > 0) sb.Append("Cc: ").Append(E(string.Join(", ", m.Cc))).Append('\n');
        sb.Append("Subject: <b>").Append(E(m.Subject)).Append("</b>\n");
        sb.Append("Date: ").Append(E(m.Date.ToString("ddd, dd MMM yyyy HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
        sb.Append("Message-ID: <a href=\"").Append(E(MsgUrl(row.List, row.MessageId))).Append("\">&lt;").Append(E(row.MessageId)).Append("&gt;</a>")
            .Append(" <a href=\"").Append(E(MsgUrl(row.List, row.MessageId, "raw"))).Append("\">raw</a>")
            .Append(" <a href=\"").Append(E(MsgUrl(row.List, row.MessageId, "T/"))).Append("#m").Append(row.Id).Append("\">thread</a>\n");
        if (row.InReplyTo is { } irt)
            sb.Append("In-Reply-To: <a href=\"").Append(E(MsgUrl(row.List, irt))).Append("\">&lt;").Append(E(irt)).Append("&gt;</a>\n");
        var lists = p.Copies.Select(c => c.Copy.List).Distinct().ToList();
        sb.Append("List: ").Append(E(string.Join(", ", lists)));
        if (p.Copies.Count > 1) sb.Append(" (").Append(p.Copies.Count).Append(" copies)");
        sb.Append("</pre>");
        MailRender.Crashes(sb, p, cluster);
        MailRender.Patch(sb, p);
        sb.Append(MailRender.Body(p)).Append("</div>");
    }

    void Series(StringBuilder sb, IArchiveStore store, ParsedMessage p, IReadOnlyList<MessageRow> thread)
    {
        if (p.Patch.Kind is not (Core.Patches.MessageKind.Patch or Core.Patches.MessageKind.CoverLetter)) return;
        // The series depends on the thread and its related threads: cached per thread state.
        var key = ("series", p.Row.Id, thread.Count, thread.Count > 0 ? thread.Max(t => t.Id) : 0);
        var (series, _) = cache.GetOrAdd(key, 64 << 10, () => SeriesFinder.Find(store, p.Row, parse: row => cache.Get(store, row).Mail));
        if (series is null) return;
        var known = series.Revisions.SelectMany(r => r.Patches.Select(x => x.MessageId).Append(r.CoverMessageId)).Where(x => x is not null).ToHashSet();
        MailRender.Series(sb, series, p.Row.MessageId, id => known.Contains(id) ? MsgUrl(p.Row.List, id) : null);
    }

    static void Navigation(StringBuilder sb, MessageRow m, IReadOnlyList<MessageRow> thread)
    {
        var i = thread.ToList().FindIndex(t => t.Id == m.Id);
        sb.Append("<div class=\"pager\">");
        if (m.InReplyTo is { } parent)
            sb.Append(thread.Any(t => t.MessageId == parent) ? $"<a rel=\"up\" href=\"{E(MsgUrl(m.List, parent))}\">parent</a> " : "<span class=\"muted\">parent not in archive</span> ");
        if (i > 0) sb.Append("<a rel=\"prev\" href=\"").Append(E(MsgUrl(thread[i - 1].List, thread[i - 1].MessageId))).Append("\">prev</a> ");
        if (i >= 0 && i + 1 < thread.Count) sb.Append("<a rel=\"next\" href=\"").Append(E(MsgUrl(thread[i + 1].List, thread[i + 1].MessageId))).Append("\">next</a> ");
        sb.Append("<a href=\"").Append(E(MsgUrl(m.List, m.MessageId, "T/"))).Append("\">flat</a> <a href=\"").Append(E(MsgUrl(m.List, m.MessageId, "t/")))
            .Append("\">nested</a> <a href=\"").Append(E(MsgUrl(m.List, m.MessageId, "t.mbox.gz"))).Append("\">mbox.gz</a> <a href=\"")
            .Append(E(MsgUrl(m.List, m.MessageId, "t.atom"))).Append("\">Atom</a></div>");
    }

    /// <summary>lore's "Reply instructions": a git send-email line and a mailto: link answering everyone.</summary>
    static void Reply(StringBuilder sb, ParsedMessage p)
    {
        var m = p.Mail;
        var to = m.From is { Email.Length: > 0 } f ? f.ToString() : null;
        var cc = m.To.Concat(m.Cc).Where(a => a.Email.Length > 0 && !string.Equals(a.Email, m.From?.Email, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.ToString()).Distinct().ToList();
        var subject = m.Subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? m.Subject : "Re: " + m.Subject;
        var cmd = new StringBuilder("git send-email \\\n    --in-reply-to=").Append(MailRender.Sh("<" + p.Row.MessageId + ">")).Append(" \\\n");
        if (to is not null) cmd.Append("    --to=").Append(MailRender.Sh(to)).Append(" \\\n");
        foreach (var c in cc) cmd.Append("    --cc=").Append(MailRender.Sh(c)).Append(" \\\n");
        cmd.Append("    --subject=").Append(MailRender.Sh(subject)).Append(" \\\n    /path/to/YOUR_REPLY");
        var mailto = "mailto:" + Uri.EscapeDataString(m.From?.Email ?? "") + "?In-Reply-To=" + Uri.EscapeDataString("<" + p.Row.MessageId + ">")
            + (cc.Count > 0 ? "&Cc=" + Uri.EscapeDataString(string.Join(",", m.To.Concat(m.Cc).Select(a => a.Email).Where(e => e.Length > 0).Distinct())) : "")
            + "&Subject=" + Uri.EscapeDataString(subject);
        sb.Append("<h2>Reply instructions</h2><div class=\"box reply\"><p>Reply to all with git (save your reply as a file first):</p><pre>")
            .Append(E(cmd.ToString())).Append("</pre><p>or <a class=\"mailto\" href=\"").Append(E(mailto)).Append("\">reply with your mail client</a>.</p></div>");
    }

    static IReadOnlyList<ThreadNode<MessageRow>> Tree(IReadOnlyList<MessageRow> thread) =>
        ThreadTree.Build(thread.Select(m => new ThreadItem<MessageRow>(m.MessageId, m.InReplyTo, m.References, m.Date, m)));

    static void Overview(StringBuilder sb, IReadOnlyList<MessageRow> thread, string? current)
    {
        sb.Append("<ul class=\"tree overview\">");
        foreach (var r in Tree(thread)) Node(sb, r, current, null);
        sb.Append("</ul>");
    }

    static void Node(StringBuilder sb, ThreadNode<MessageRow> n, string? current, string? parentSubject)
    {
        var m = n.Value;
        sb.Append(m is not null && m.MessageId == current ? "<li class=\"cur\"><span>" : "<li><span>");
        if (m is null) sb.Append("<span class=\"muted\">[not in archive] &lt;").Append(E(n.MessageId)).Append("&gt;</span>");
        else
        {
            var subject = Subject(m.Subject);
            // Like lore: a reply that keeps its parent's subject shows only a mark.
            var same = parentSubject is not null && Core.Patches.SubjectInfo.Parse(subject).Normalized == Core.Patches.SubjectInfo.Parse(parentSubject).Normalized;
            sb.Append("<span class=\"date\">").Append(Date(m.Date)).Append("</span> <a href=\"").Append(E(MsgUrl(m.List, m.MessageId))).Append("\">")
                .Append(same ? "└" : E(subject)).Append("</a> ").Append(E(Author(m)));
        }
        sb.Append("</span>");
        if (n.Children.Count > 0)
        {
            sb.Append("<ul>");
            foreach (var c in n.Children) Node(sb, c, current, m?.Subject ?? parentSubject);
            sb.Append("</ul>");
        }
        sb.Append("</li>");
    }

    IResult Thread(IArchiveStore store, string list, string mid, bool nested)
    {
        var (rows, notFound) = Find(store, list, mid);
        if (notFound is not null) return notFound;
        var thread = store.ThreadMessages(rows[0].ThreadId);
        var sb = new StringBuilder();
        sb.Append("<h1>").Append(E(Subject(thread.Count > 0 ? thread[0].Subject : rows[0].Subject))).Append("</h1><p class=\"muted\">")
            .Append(thread.Count).Append(" message(s) · ").Append(nested ? "nested" : "flat").Append(" view · <a href=\"")
            .Append(E(MsgUrl(rows[0].List, rows[0].MessageId, nested ? "T/" : "t/"))).Append("\">").Append(nested ? "flat" : "nested")
            .Append("</a> · <a href=\"").Append(E(MsgUrl(rows[0].List, rows[0].MessageId, "t.mbox.gz"))).Append("\">mbox.gz</a></p>");
        if (nested)
            foreach (var r in Tree(thread)) Nested(sb, store, r, 0);
        else
            foreach (var m in thread) MessageBlock(sb, cache.Get(store, m), null, full: false);
        sb.Append("<h2>Thread overview</h2>");
        Overview(sb, thread, rows[0].MessageId);
        return HtmlResult(Page(Subject(rows[0].Subject), sb.ToString(), rows[0].List, feed: MsgUrl(rows[0].List, rows[0].MessageId, "t.atom")));
    }

    void Nested(StringBuilder sb, IArchiveStore store, ThreadNode<MessageRow> n, int depth)
    {
        sb.Append("<div class=\"nested d").Append(Math.Min(depth, 12)).Append("\">");
        if (n.Value is { } m) MessageBlock(sb, cache.Get(store, m), null, full: false);
        else sb.Append("<p class=\"muted\">[not in archive] &lt;").Append(E(n.MessageId)).Append("&gt;</p>");
        sb.Append("</div>");
        foreach (var c in n.Children) Nested(sb, store, c, depth + 1);
    }

    static IResult Raw(IArchiveStore store, string list, string mid)
    {
        var (rows, notFound) = Find(store, list, mid);
        if (notFound is not null) return notFound;
        var copies = rows.SelectMany(r => store.Copies(r.Id)).ToList();
        byte[] bytes;
        if (copies.Count == 1) bytes = copies[0].Raw;
        else
        {
            // Several copies: an mboxrd of all of them, like 'ktriage show --raw'.
            using var ms = new MemoryStream();
            foreach (var c in copies) Core.Mail.MboxWriter.Write(ms, c.Raw);
            bytes = ms.ToArray();
        }
        return new BytesResult(bytes, "text/plain; charset=utf-8", sandbox: true);
    }

    static IResult Mbox(IArchiveStore store, string list, string mid)
    {
        var (rows, notFound) = Find(store, list, mid);
        if (notFound is not null) return notFound;
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            foreach (var m in store.ThreadMessages(rows[0].ThreadId))
                Core.Mail.MboxWriter.Write(gz, store.Copies(m.Id)[0].Raw);
        return new BytesResult(ms.ToArray(), "application/gzip", sandbox: true, fileName: "t.mbox.gz");
    }

    IResult ThreadAtom(IArchiveStore store, string list, string mid)
    {
        var (rows, notFound) = Find(store, list, mid);
        if (notFound is not null) return notFound;
        return Atom.Thread(store, cache, rows[0]);
    }

    public static IResult HtmlResult(string html, int status = 200) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>An error page: what went wrong in one line, and optional extra HTML (already escaped).</summary>
    public static IResult Error(int status, string title, string? text, string extraHtml = "") =>
        HtmlResult(Page(title, "<h1>" + E(title) + "</h1>" + (text is null ? "" : "<p>" + E(text) + "</p>") + extraHtml), status);
}

/// <summary>Bytes as they are, for raw messages and mbox downloads; sandboxed so that a browser never runs anything in them.</summary>
internal sealed class BytesResult(byte[] bytes, string contentType, bool sandbox, string? fileName = null) : IResult
{
    public Task ExecuteAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = bytes.Length;
        if (sandbox) ctx.Response.Headers.ContentSecurityPolicy = SecurityHeaders.Policy + "; sandbox";
        if (fileName is not null) ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return ctx.Response.Body.WriteAsync(bytes).AsTask();
    }
}
