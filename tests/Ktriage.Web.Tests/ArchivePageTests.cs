using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Ktriage.Store.Sqlite;

namespace Ktriage.Web.Tests;

[Collection("archive")]
public sealed class ArchivePageTests(ArchiveFixture fixture)
{
    HttpClient Http => fixture.Server.Http;

    async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Get(string url)
    {
        var r = await Http.GetAsync(url);
        return (r.StatusCode, await r.Content.ReadAsStringAsync(), r);
    }

    [Fact]
    public async Task Index_lists_every_list_with_its_message_count()
    {
        var (status, body, _) = await Get("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<a href=\"/demo/\">demo</a></td><td class=\"n\">9</td>", body);
        Assert.Contains("<a href=\"/evil/\">evil</a>", body);
    }

    [Fact]
    public async Task List_page_shows_threads_newest_first_linking_to_their_first_message()
    {
        var (status, body, _) = await Get("/demo/");
        Assert.Equal(HttpStatusCode.OK, status);
        var report = body.IndexOf("BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put", StringComparison.Ordinal);
        var series = body.IndexOf("[PATCH v2 0/2] sunrpc: tidy up svc_recv error paths", StringComparison.Ordinal);
        Assert.True(report > 0 && series > 0, body);
        Assert.True(series < report, "the series (March 5) is newer than the report thread");
        Assert.Contains("href=\"/demo/cover.1741183200.git.bob%40example.net/T/\"", body);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/demo/?o=-3")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/demo/?o=lots")).Status);
        Assert.DoesNotContain("NULL pointer", (await Get("/demo/?o=50")).Body);
    }

    [Fact]
    public async Task Message_page_has_headers_thread_overview_navigation_and_reply_instructions()
    {
        var (status, body, _) = await Get(Url.Msg("demo", "20250303-nfsd-close-v1-1@example.com"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Subject: <b>[PATCH] nfsd: don&#39;t put the stateid&#39;s file twice in nfsd4_close</b>", body);
        Assert.Contains("<h2>Thread overview</h2>", body);
        // The thread: report, Jeff's reply, the patch (current), Alice's Tested-by, Chuck's applied note.
        Assert.Contains("<li class=\"cur\">", body);
        Assert.Contains("href=\"/demo/87demo-tested%40alice.example.org/\"", body);
        Assert.Contains("rel=\"up\" href=\"/demo/demo-reply-1%40jlayton.example.com/\"", body);
        Assert.Contains("rel=\"next\" href=\"/demo/87demo-tested%40alice.example.org/\"", body);
        var text = WebUtility.HtmlDecode(body);
        Assert.Contains("git send-email \\\n    --in-reply-to='<20250303-nfsd-close-v1-1@example.com>' \\\n    --to='Jeff Layton <jlayton@example.com>'", text);
        Assert.Contains("href=\"mailto:jlayton%40example.com?In-Reply-To=%3C20250303-nfsd-close-v1-1%40example.com%3E", body);
        // A patch: diffstat box and coloured diff lines.
        Assert.Contains("<div class=\"box patch\">", body);
        Assert.Contains("1 file changed", body);
        Assert.Contains("<span class=\"add\">+", body);
        Assert.Contains("<span class=\"hunk\">@@", body);
    }

    [Fact]
    public async Task Crash_report_message_shows_the_analysis_and_links_its_cluster()
    {
        var (status, body, _) = await Get(Url.Msg("demo", "87demo-report@alice.example.org"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<div class=\"box crash\"><h3>BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put</h3>", body);
        Assert.Contains("crash site nfsd_file_put", body);
        Assert.Matches("<a href=\"/crashes/\\d+/\">crash cluster \\d+</a>", body);
        Assert.Contains("<span class=\"oopsline\">", body);
    }

    [Fact]
    public async Task Series_box_lists_the_revision_patches_with_collected_trailers()
    {
        var (_, body, _) = await Get(Url.Msg("demo", "1.1741183200.git.bob@example.net"));
        Assert.Contains("<div class=\"box series\"><h3>series: sunrpc: tidy up svc_recv error paths", body);
        Assert.Contains("[2/2] <a href=\"/demo/2.1741183200.git.bob%40example.net/\">sunrpc: count dropped requests per transport</a>", body);
        Assert.Contains("Reviewed-by", body);
    }

    [Fact]
    public async Task Flat_and_nested_thread_views_show_every_message_of_the_thread()
    {
        var flat = await Get(Url.Msg("demo", "87demo-tested@alice.example.org", "T/"));
        var nested = await Get(Url.Msg("demo", "87demo-tested@alice.example.org", "t/"));
        foreach (var (status, body, _) in new[] { flat, nested })
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("5 message(s)", body);
            Assert.Equal(5, CountOf(body, "<div class=\"msg\""));
        }
        Assert.Contains("<div class=\"nested d2\">", nested.Body);
    }

    [Fact]
    public async Task Raw_is_the_stored_message_byte_for_byte_as_sandboxed_text()
    {
        var r = await Http.GetAsync(Url.Msg("evil", "broken-encodings@evil.example", "raw"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType!.MediaType);
        Assert.Contains("sandbox", r.Headers.GetValues("Content-Security-Policy").Single());
        var bytes = await r.Content.ReadAsByteArrayAsync();
        using var store = SqliteArchiveStore.Open(fixture.Server.Db, readOnly: true);
        Assert.Equal(store.Copies(store.FindMessages("broken-encodings@evil.example")[0].Id)[0].Raw, bytes);
    }

    [Fact]
    public async Task Thread_mbox_gz_is_gzipped_mboxrd_with_every_thread_message()
    {
        var r = await Http.GetAsync(Url.Msg("demo", "demo-applied@chuck.example.com", "t.mbox.gz"));
        Assert.Equal("application/gzip", r.Content.Headers.ContentType!.MediaType);
        using var gz = new GZipStream(await r.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var text = await new StreamReader(gz, Encoding.Latin1).ReadToEndAsync();
        Assert.Equal(5, CountOf(text, "From mboxrd@z Thu Jan  1 00:00:00 1970\n"));
        Assert.Contains("Message-ID: <87demo-report@alice.example.org>", text);
        Assert.Contains("Message-ID: <demo-applied@chuck.example.com>", text);
    }

    [Fact]
    public async Task Atom_feeds_are_valid_xml_with_one_entry_per_message()
    {
        var list = await Http.GetAsync("/demo/new.atom");
        Assert.Equal("application/atom+xml", list.Content.Headers.ContentType!.MediaType);
        var feed = XDocument.Parse(await list.Content.ReadAsStringAsync());
        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.Equal(9, feed.Root!.Elements(atom + "entry").Count());
        var thread = XDocument.Parse(await Http.GetStringAsync(Url.Msg("demo", "cover.1741183200.git.bob@example.net", "t.atom")));
        Assert.Equal(4, thread.Root!.Elements(atom + "entry").Count());
        // Hostile mail with control bytes still gives well-formed XML.
        XDocument.Parse(await Http.GetStringAsync("/evil/new.atom"));
    }

    [Fact]
    public async Task Unknown_message_id_is_a_404_naming_partial_matches()
    {
        var (status, body, _) = await Get(Url.Msg("demo", "demo-reply"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Partial matches", body);
        Assert.Contains("href=\"/demo/demo-reply-1%40jlayton.example.com/\"", body);
        var (status2, body2, _) = await Get(Url.Msg("demo", "nothing-like-it@nowhere"));
        Assert.Equal(HttpStatusCode.NotFound, status2);
        Assert.DoesNotContain("Partial matches", body2);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/no-such-list/")).Status);
    }

    [Fact]
    public async Task Search_finds_messages_on_the_list_and_rejects_queries_without_words()
    {
        var (status, body, _) = await Get("/demo/?q=svc_recv+transport");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("sunrpc: return early from svc_recv when the transport is dead", body);
        Assert.DoesNotContain("/evil/", body);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/demo/?q=%22%28%29*")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/search?q=" + new string('a', 600))).Status);
        Assert.Contains("hostileone", (await Get("/search?q=hostileone")).Body);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        foreach (var url in new[] { "/", "/demo/", Url.Msg("demo", "87demo-report@alice.example.org"), "/crashes/", "/oops", "/api/v1/lists", "/nope/", "/_/style.css" })
        {
            var r = await Http.GetAsync(url);
            var csp = r.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", csp);
            Assert.DoesNotContain("script-src", csp);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Theory]
    [InlineData("/demo/%E0%A4%A/")]
    [InlineData("/demo/%ff%fe/raw")]
    [InlineData("/demo/x/T/extra/deep")]
    [InlineData("/crashes/99999999/")]
    [InlineData("/crashes/abc/")]
    [InlineData("/crashes/?sort=%3Cscript%3E")]
    [InlineData("/api/v1/messages/")]
    [InlineData("/api/v1/messages/a/b")]
    [InlineData("/api/v1/crashes/12345678")]
    [InlineData("/api/v1/nothing")]
    [InlineData("/api/v1/lists/demo/threads?o=-1")]
    [InlineData("/demo/?o=99999999999999")]
    public async Task Bad_ids_and_parameters_answer_4xx_never_500(string url)
    {
        var r = await Http.GetAsync(url);
        Assert.InRange((int)r.StatusCode, 400, 499);
    }

    [Fact]
    public async Task Message_ids_with_slashes_and_quotes_round_trip_through_their_url()
    {
        const string id = "\"quoted'/slash/<svg onload=window.__xss=4 @evil.example";
        var (status, body, _) = await Get(Url.Msg("evil", id));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("hostileone", body);
        Assert.Contains("%2Fslash%2F", body);
        var api = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/messages/" + Uri.EscapeDataString(id)));
        Assert.Equal(id, api.RootElement[0].GetProperty("messageId").GetString());
    }

    static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}

[Collection("archive")]
public sealed class SharedIdTests(ArchiveFixture fixture)
{
    [Fact]
    public async Task Messages_sharing_a_message_id_are_all_shown_under_a_warning()
    {
        var body = await fixture.Server.Http.GetStringAsync("/evil/shared-id%40evil.example/");
        Assert.Contains("WARNING: multiple messages have this Message-ID (2 different messages", body);
        Assert.Contains("The first message using this id.", body);
        Assert.Contains("A different message reusing the id.", body);
        // raw gives both, as an mboxrd.
        var raw = await fixture.Server.Http.GetStringAsync("/evil/shared-id%40evil.example/raw");
        Assert.Equal(2, raw.Split("From mboxrd@z Thu Jan  1 00:00:00 1970\n").Length - 1);
    }
}
