using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ktriage.Web.Tests;

[Collection("archive")]
public sealed class CrashAndApiTests(ArchiveFixture fixture)
{
    HttpClient Http => fixture.Server.Http;

    async Task<JsonElement> Json(string url)
    {
        var r = await Http.GetAsync(url);
        Assert.True(r.IsSuccessStatusCode, $"{url}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
    }

    async Task<long> ReportCluster()
    {
        var clusters = await Json("/api/v1/crashes");
        return clusters.EnumerateArray().Single(c => c.GetProperty("title").GetString() == "BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put")
            .GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Crash_dashboard_lists_clusters_with_status_and_best_fix_and_filters()
    {
        var body = await Http.GetStringAsync("/crashes/");
        Assert.Contains("BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put", body);
        Assert.Contains("nfsd: don&#39;t put the stateid&#39;s file twice in nfsd4_close", body);
        Assert.Contains("<td class=\"status-fix-reviewed\">fix reviewed</td>", body);
        var none = await Http.GetStringAsync("/crashes/?status=reported&list=demo");
        Assert.DoesNotContain("nfsd_file_put</a>", none);
        Assert.Contains("nfsd_file_put</a>", await Http.GetStringAsync("/crashes/?status=fix+reviewed&sort=count&dir=asc"));
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/crashes/?dir=sideways")).StatusCode);
    }

    [Fact]
    public async Task Cluster_page_shows_reports_trace_hints_and_fixes_with_evidence()
    {
        var id = await ReportCluster();
        var body = await Http.GetStringAsync($"/crashes/{id}/");
        Assert.Contains("<h2>trace (from the first report)</h2>", body);
        Assert.Contains("crash site nfsd_file_put", body);
        Assert.Contains("<h2>candidate fixes</h2>", body);
        Assert.Contains("href=\"/demo/20250303-nfsd-close-v1-1%40example.com/\"", body);
        Assert.Contains("href=\"/demo/87demo-report%40alice.example.org/\">&lt;87demo-report@alice.example.org&gt;</a>", body);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/crashes/{id + 100000}/")).StatusCode);
    }

    [Fact]
    public async Task Api_serves_lists_threads_messages_threads_patches_series_and_search_in_camel_case()
    {
        var lists = await Json("/api/v1/lists");
        Assert.Contains(lists.EnumerateArray(), l => l.GetProperty("name").GetString() == "demo" && l.GetProperty("messages").GetInt64() == 9);
        var threads = await Json("/api/v1/lists/demo/threads?n=1");
        Assert.Equal("cover.1741183200.git.bob@example.net", threads[0].GetProperty("root").GetProperty("messageId").GetString());
        Assert.Equal(4, threads[0].GetProperty("messages").GetInt32());
        var message = await Json("/api/v1/messages/" + Uri.EscapeDataString("<87demo-tested@alice.example.org>"));
        Assert.Equal("Alice Tester <alice@example.org>", message[0].GetProperty("from").GetString());
        Assert.Contains("Tested-by", message[0].GetProperty("body").GetString());
        var thread = await Json("/api/v1/threads/87demo-tested%40alice.example.org");
        Assert.Equal(5, thread.GetProperty("messages").GetInt32());
        Assert.Equal("87demo-report@alice.example.org", thread.GetProperty("roots")[0].GetProperty("messageId").GetString());
        var patch = await Json("/api/v1/patches/20250303-nfsd-close-v1-1%40example.com");
        Assert.Equal("patch", patch[0].GetProperty("kind").GetString());
        Assert.Equal(1, patch[0].GetProperty("stat").GetProperty("files").GetInt32());
        var series = await Json("/api/v1/series/2.1741183200.git.bob%40example.net");
        Assert.Equal(2, series.GetProperty("revisions")[0].GetProperty("patches").GetArrayLength());
        var search = await Json("/api/v1/search?q=nfsd4_close&list=demo");
        Assert.All(search.EnumerateArray(), m => Assert.Equal("demo", m.GetProperty("list").GetString()));
        Assert.NotEmpty(search.EnumerateArray());
        var missing = await Http.GetAsync("/api/v1/messages/demo-reply");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("demo-reply-1@jlayton.example.com", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_crash_cluster_matches_the_cli_json()
    {
        var id = await ReportCluster();
        var api = await Json($"/api/v1/crashes/{id}");
        var cli = Cli.Run("crash", id.ToString(), "--json", "--db", fixture.Server.Db);
        Assert.Equal(0, cli.Exit);
        var expected = JsonDocument.Parse(cli.Out).RootElement;
        Assert.Equal(expected.GetProperty("cluster").GetProperty("title").GetString(), api.GetProperty("cluster").GetProperty("title").GetString());
        Assert.Equal(expected.GetProperty("reports").GetArrayLength(), api.GetProperty("reports").GetArrayLength());
        Assert.Equal(expected.GetProperty("fixes")[0].GetProperty("messageId").GetString(), api.GetProperty("fixes")[0].GetProperty("messageId").GetString());
        Assert.Equal(expected.GetProperty("cluster").GetProperty("status").GetString(), api.GetProperty("cluster").GetProperty("status").GetString());
    }

    const string Oops = """
        [  112.345678] BUG: kernel NULL pointer dereference, address: 0000000000000010
        [  112.345680] #PF: supervisor read access in kernel mode
        [  112.345690] Oops: 0000 [#1] PREEMPT SMP NOPTI
        [  112.345700] CPU: 3 PID: 4242 Comm: nfsd Not tainted 6.14.0-rc4 #1
        [  112.345710] RIP: 0010:nfsd_file_put+0x12/0x90 [nfsd]
        [  112.345720] Call Trace:
        [  112.345721]  <TASK>
        [  112.345722]  nfsd4_close+0x1a0/0x2d0 [nfsd]
        [  112.345723]  nfsd4_proc_compound+0x3c4/0x6f0 [nfsd]
        [  112.345724]  </TASK>
        """;

    [Fact]
    public async Task Oops_api_analyses_a_posted_log_and_names_matching_clusters()
    {
        var r = await Http.PostAsync("/api/v1/oops", new StringContent(Oops, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        var report = json.GetProperty("reports")[0];
        Assert.Equal("BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put", report.GetProperty("title").GetString());
        Assert.Equal("nfsd_file_put", report.GetProperty("crashSite").GetProperty("function").GetString());
        Assert.Equal(await ReportCluster(), json.GetProperty("clusters")[0][0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Oops_form_post_renders_the_analysis_and_oversized_bodies_are_refused()
    {
        using var form = new MultipartFormDataContent { { new StringContent(Oops), "log" } };
        var page = await Http.PostAsync("/oops", form);
        var body = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("crash site nfsd_file_put+0x12/0x90 [nfsd]", body);
        Assert.Contains("Matching clusters: <a href=\"/crashes/", body);

        using var upload = new MultipartFormDataContent { { new StringContent(""), "log" }, { new ByteArrayContent(Encoding.UTF8.GetBytes(Oops)), "file", "dmesg.txt" } };
        var uploaded = await (await Http.PostAsync("/oops", upload)).Content.ReadAsStringAsync();
        Assert.Contains("crash site nfsd_file_put+0x12/0x90 [nfsd]", uploaded);
        using var empty = new MultipartFormDataContent { { new StringContent("   "), "log" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("/oops", empty)).StatusCode);

        var big = new ByteArrayContent(new byte[3 << 20]);
        big.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var refused = await Http.PostAsync("/api/v1/oops", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        using var bigForm = new MultipartFormDataContent { { new ByteArrayContent(new byte[(1 << 20) + 10]), "file", "dmesg.txt" } };
        var refusedForm = await Http.PostAsync("/oops", bigForm);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refusedForm.StatusCode);
    }
}
