using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ktriage.TestSupport;

namespace Ktriage.Web.Tests;

/// <summary>The web UI over the real virtualization archive (3,000 messages from lore).</summary>
public sealed partial class CorpusTests
{
    const string Bundle = "corpus/virtualization-0-first3000.bundle";
    const string Tids = "corpus/virtualization-0-first3000.pi-tid.tsv";

    [GeneratedRegex("<td class=\"title\"><a href=\"([^\"]+)\">")]
    private static partial Regex ThreadLink();

    [GeneratedRegex("<td class=\"n\">(\\d+)</td></tr>")]
    private static partial Regex ThreadCount();

    [SharedFact(Bundle, Tids)]
    public async Task Every_thread_of_the_virtualization_archive_is_listed_once_and_its_page_shows_all_its_messages()
    {
        var dir = Directory.CreateTempSubdirectory("ktriage-web-corpus-").FullName;
        try
        {
            var git = Process.Start("git", ["clone", "-q", "--bare", SharedData.Path(Bundle), Path.Combine(dir, "v.git")])!;
            await git.WaitForExitAsync();
            Assert.Equal(0, git.ExitCode);
            var db = Path.Combine(dir, "v.db");
            Cli.Ingest(db, Path.Combine(dir, "v.git"), "virtualization");
            await using var server = await WebServer.Start(db);

            // Page through the list index like a reader: every thread once.
            var links = new List<(string Url, int Count)>();
            for (var o = 0; ; o += ArchivePages.PageSize)
            {
                var page = await server.Http.GetStringAsync($"/virtualization/?o={o}");
                var urls = ThreadLink().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
                var counts = ThreadCount().Matches(page).Select(m => int.Parse(m.Groups[1].Value)).ToList();
                Assert.Equal(urls.Count, counts.Count);
                links.AddRange(urls.Zip(counts));
                if (!page.Contains("rel=\"next\"")) break;
            }
            var reference = File.ReadLines(SharedData.Path(Tids)).Select(l => l.Split('\t')[0]).Distinct().Count();
            Assert.Equal(reference, links.Count);
            Assert.Equal(links.Count, links.Select(l => l.Url).Distinct().Count());
            Assert.Equal(3000, links.Sum(l => l.Count));

            // Each thread page renders every message of the thread, and the API agrees.
            foreach (var (url, count) in links)
            {
                var r = await server.Http.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var html = await r.Content.ReadAsStringAsync();
                Assert.Equal(count, Regex.Count(html, "<div class=\"msg\""));
                var id = url.Split('/')[2];
                var thread = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/threads/" + id)).RootElement;
                Assert.Equal(count, thread.GetProperty("messages").GetInt32());
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
