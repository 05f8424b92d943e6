using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ktriage.Web.Tests;

/// <summary>`ktriage serve` as a user runs it.</summary>
[Collection("archive")]
public sealed class ServeCommandTests(ArchiveFixture fixture)
{
    [Fact]
    public async Task Serve_listens_where_asked_and_serves_the_database()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "ktriage.dll"), "serve", "--db", fixture.Server.Db, "--urls", "http://127.0.0.1:0" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            var line = await p.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var url = Regex.Match(line ?? "", @"on (http://127\.0\.0\.1:\d+)").Groups[1].Value;
            Assert.True(url.Length > 0, $"no URL in: {line}");
            using var http = new HttpClient();
            Assert.Contains("<a href=\"/demo/\">demo</a>", await http.GetStringAsync(url + "/"));
        }
        finally
        {
            p.Kill(true);
            await p.WaitForExitAsync();
        }
    }

    [Fact]
    public void Serve_refuses_a_missing_database_and_bad_urls_with_one_line()
    {
        var missing = Cli.Run("serve", "--db", Path.Combine(Path.GetTempPath(), "no-such-ktriage.db"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no such database", missing.Err);
        var bad = Cli.Run("serve", "--db", fixture.Server.Db, "--urls", "ftp://nowhere");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("--urls ftp://nowhere: expected http://HOST:PORT", bad.Err);
    }
}
