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

/// <summary>Thread shapes the demo data has not: a reply chain deeper than JSON's default nesting limit.</summary>
public sealed class DeepThreadTests
{
    [Fact]
    public async Task A_reply_chain_of_100_messages_renders_nested_and_as_json()
    {
        var dir = Directory.CreateTempSubdirectory("ktriage-web-deep-").FullName;
        try
        {
            var mbox = new System.Text.StringBuilder();
            for (var i = 0; i < 100; i++)
                mbox.Append("From mboxrd@z Thu Jan  1 00:00:00 1970\n")
                    .Append($"From: Person {i % 3} <p{i % 3}@example.org>\nSubject: Re: deep\nDate: Mon, 1 Jan 2024 00:{i / 60:00}:{i % 60:00} +0000\n")
                    .Append($"Message-ID: <deep-{i}@example.org>\n").Append(i > 0 ? $"In-Reply-To: <deep-{i - 1}@example.org>\n" : "")
                    .Append($"\nreply number {i}\n\n");
            var file = Path.Combine(dir, "deep.mbox");
            File.WriteAllText(file, mbox.ToString());
            var db = Path.Combine(dir, "deep.db");
            Cli.Ingest(db, file, "deep");
            await using var server = await WebServer.Start(db);
            var json = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/threads/deep-50%40example.org"), new JsonDocumentOptions { MaxDepth = 1024 });
            Assert.Equal(100, json.RootElement.GetProperty("messages").GetInt32());
            var nested = await server.Http.GetStringAsync("/deep/deep-99%40example.org/t/");
            Assert.Contains("<div class=\"nested d12\">", nested);
            Assert.Contains("reply number 99", nested);
            var cli = Cli.Run("thread", "deep-0@example.org", "--json", "--db", db);
            Assert.Equal(0, cli.Exit);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
