using Microsoft.Playwright;

namespace Ktriage.Web.Tests;

/// <summary>Debian's chromium (installed by .ci/run), headless, driven by Playwright; one browser for all tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        playwright?.Dispose();
    }
}

[Collection("archive")]
public sealed class BrowserTests(ArchiveFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    string Base => fixture.Server.BaseUrl;

    async Task<IPage> NewPage()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = true });
        return await context.NewPageAsync();
    }

    [Fact]
    public async Task Reader_opens_a_thread_and_follows_its_links()
    {
        var page = await NewPage();
        await page.GotoAsync(Base + "/demo/");
        await page.ClickAsync("text=BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put");
        Assert.EndsWith("/demo/87demo-report%40alice.example.org/T/", page.Url);
        Assert.Equal(5, await page.Locator("div.msg").CountAsync());
        // From the overview to the patch, then along prev/next/parent.
        await page.Locator("ul.overview a", new PageLocatorOptions { HasText = "[PATCH] nfsd" }).First.ClickAsync();
        Assert.EndsWith("/demo/20250303-nfsd-close-v1-1%40example.com/", page.Url);
        Assert.Contains("fs/nfsd/nfs4state.c | 8", await page.Locator("div.box.patch").InnerTextAsync());
        await page.ClickAsync("a[rel=next]");
        Assert.EndsWith("/demo/87demo-tested%40alice.example.org/", page.Url);
        Assert.Contains("Tested-by: Alice Tester <alice@example.org>", await page.Locator("div.box").First.InnerTextAsync());
        await page.ClickAsync("a[rel=up]");
        Assert.EndsWith("/demo/20250303-nfsd-close-v1-1%40example.com/", page.Url);
        // The reply instructions are plain text to copy.
        Assert.Contains("--in-reply-to='<20250303-nfsd-close-v1-1@example.com>'", await page.Locator("div.reply pre").InnerTextAsync());
        // The crash cluster from the report page.
        await page.GotoAsync(Base + "/demo/87demo-report%40alice.example.org/");
        await page.ClickAsync("text=/crash cluster \\d+/");
        Assert.Matches("/crashes/\\d+/$", page.Url);
        Assert.Contains("nfsd: don't put the stateid's file twice", await page.Locator("ol.evidence").InnerTextAsync());
    }

    [Fact]
    public async Task Pasting_an_oops_shows_the_analysis_and_the_matching_cluster()
    {
        var page = await NewPage();
        await page.GotoAsync(Base + "/oops");
        await page.FillAsync("textarea[name=log]", """
            BUG: kernel NULL pointer dereference, address: 0000000000000010
            Oops: 0000 [#1] PREEMPT SMP NOPTI
            CPU: 3 PID: 4242 Comm: nfsd Not tainted 6.14.0-rc4 #1
            RIP: 0010:nfsd_file_put+0x12/0x90 [nfsd]
            Call Trace:
             <TASK>
             nfsd4_close+0x1a0/0x2d0 [nfsd]
             </TASK>
            """);
        await page.ClickAsync("button:text('analyse')");
        var analysis = await page.Locator("div.box.crash").InnerTextAsync();
        Assert.Contains("BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put", analysis);
        Assert.Contains("crash site nfsd_file_put+0x12/0x90 [nfsd]", analysis);
        await page.ClickAsync("text=Matching clusters: >> a");
        Assert.Matches("/crashes/\\d+/$", page.Url);
    }

    /// <summary>Every page showing the hostile mail: nothing it carries may run or become markup.</summary>
    public static TheoryData<string> HostilePages => new()
    {
        "/evil/",
        "/evil/" + Uri.EscapeDataString("\"quoted'/slash/<svg onload=window.__xss=4 @evil.example") + "/",
        "/evil/" + Uri.EscapeDataString("\"quoted'/slash/<svg onload=window.__xss=4 @evil.example") + "/T/",
        "/evil/" + Uri.EscapeDataString("\"quoted'/slash/<svg onload=window.__xss=4 @evil.example") + "/t/",
        "/evil/" + Uri.EscapeDataString("\"quoted'/slash/<svg onload=window.__xss=4 @evil.example") + "/raw",
        "/evil/html-part%40evil.example/",
        "/evil/broken-encodings%40evil.example/",
        "/evil/crash-xss%40evil.example/",
        "/evil/crash-xss%40evil.example/raw",
        "/evil/?q=" + Uri.EscapeDataString("<script>window.__xss=20</script> hostileone"),
        "/evil/" + Uri.EscapeDataString("<script>window.__xss=21</script>\"onmouseover=\"x@evil") + "/",
        "/crashes/",
        "/api/v1/messages/html-part%40evil.example",
    };

    [Theory]
    [MemberData(nameof(HostilePages))]
    public async Task Hostile_mail_never_runs_script_or_becomes_markup(string path)
    {
        var page = await NewPage();
        var dialogs = 0;
        page.Dialog += async (_, d) => { dialogs++; await d.DismissAsync(); };
        var response = await page.GotoAsync(Base + path);
        Assert.NotNull(response);
        Assert.InRange(response.Status, 200, 404);
        Assert.Contains("default-src 'none'", (await response.AllHeadersAsync())["content-security-policy"]);
        await page.WaitForLoadStateAsync(LoadState.Load);
        await page.Mouse.MoveAsync(10, 10);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        Assert.Equal(0, dialogs);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('script, iframe, object, embed, svg, img, style').length"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|mailto:)/.test(a.href)).length"));
    }

    [Fact]
    public async Task Hostile_text_is_shown_as_text_and_html_parts_are_not_shown()
    {
        var page = await NewPage();
        await page.GotoAsync(Base + "/evil/" + Uri.EscapeDataString("\"quoted'/slash/<svg onload=window.__xss=4 @evil.example") + "/");
        var text = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Hello <script>window.__xss=5</script>", text);
        Assert.Contains("<a href=\"javascript:window.__xss=7\">click</a>", text);
        Assert.Contains("Subject: <script>window.__xss=3</script> \"quotes\" & <b>bold</b> hostileone", text);
        // The URL ends at the quote: the rest stays text, never an attribute.
        Assert.Equal("https://example.org/", await page.Locator("pre.body a").First.GetAttributeAsync("href"));

        await page.GotoAsync(Base + "/evil/html-part%40evil.example/");
        var html = await page.Locator("main").InnerTextAsync();
        Assert.Contains("the plain text part", html);
        Assert.DoesNotContain("html only", html);

        await page.GotoAsync(Base + "/evil/broken-encodings%40evil.example/");
        Assert.Contains("<script>window.__xss=15</script> hostilethree", await page.Locator("h1, pre.hdr").First.InnerTextAsync());
    }

    [Fact]
    public async Task The_browser_enforces_the_content_security_policy()
    {
        var page = await NewPage();
        await page.GotoAsync(Base + "/demo/");
        // Script injected into the DOM (what an escaping bug would amount to) is refused by the policy.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__csp = 1'; document.head.appendChild(s); }");
        await page.EvaluateAsync("() => { document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__csp = 2\">'); }");
        await page.WaitForTimeoutAsync(200);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__csp"));
        // The stylesheet still loads (style-src 'self').
        Assert.Equal("monospace", (await page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontFamily")).Split(',').Last().Trim());
    }
}
