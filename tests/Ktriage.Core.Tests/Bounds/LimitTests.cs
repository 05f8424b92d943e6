using System.Diagnostics;
using System.Text;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;

namespace Ktriage.Core.Tests.Bounds;

/// <summary>Each <see cref="InputLimits"/> bound of the Mail and Crashes layers, hit by an input built for it: a
/// clear error naming the limit (message skipped) or a note saying what was left out (message kept).</summary>
public sealed class LimitTests
{
    static byte[] Mail(string headers, string body) => Encoding.UTF8.GetBytes(headers + "\n" + body);
    const string Basic = "From: A <a@example.com>\nSubject: hi\nMessage-ID: <m@example.com>\n";

    [Fact]
    public void A_message_over_the_size_limit_is_refused_naming_the_limit()
    {
        using var _ = InputLimits.Use(new InputLimits { MessageBytes = 4096 });
        var e = Assert.Throws<InputLimitException>(() => MailParser.Parse(Mail(Basic, new string('x', 5000))));
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES", e.Message);
        Assert.Contains("4,096", e.Message);
        Assert.Equal("m@example.com", MailParser.Parse(Mail(Basic, new string('x', 3000))).MessageId);
    }

    [Fact]
    public void Too_many_header_fields_are_refused_with_default_limits()
    {
        var many = string.Concat(Enumerable.Range(0, InputLimits.Defaults.Headers + 1).Select(i => $"X-H{i}: v\n"));
        var e = Assert.Throws<InputLimitException>(() => MailParser.Parse(Mail(Basic + many, "body")));
        Assert.Contains("KTRIAGE_MAX_HEADERS", e.Message);
        // Exactly at the limit is fine.
        var atLimit = string.Concat(Enumerable.Range(0, InputLimits.Defaults.Headers - 3).Select(i => $"X-H{i}: v\n"));
        Assert.Equal("body", MailParser.Parse(Mail(Basic + atLimit, "body")).Body);
    }

    [Fact]
    public void A_folded_header_longer_than_the_limit_is_refused_and_named()
    {
        var folded = "References: " + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"<r{i}@example.com>\n "));
        var e = Assert.Throws<InputLimitException>(() => MailParser.Parse(Mail(Basic + folded + "\n", "body")));
        Assert.Contains("KTRIAGE_MAX_HEADER_BYTES", e.Message);
        Assert.Contains("References", e.Message);
    }

    [Fact]
    public void Body_text_without_headers_is_not_counted_as_header_fields()
    {
        // No header block at all: thousands of lines with colons are body, and stay whole.
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}: text\n"));
        var m = MailParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.Contains("line 2999: text", m.Body + string.Concat(m.Attachments.Select(a => a.Text)));
    }

    static string Nested(int depth, string leaf)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < depth; i++)
            sb.Append($"Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n");
        sb.Append($"Content-Type: text/plain\n\n{leaf}\n");
        for (int i = depth - 1; i >= 0; i--) sb.Append($"--b{i}--\n");
        return sb.ToString();
    }

    [Fact]
    public void MIME_nesting_past_the_depth_limit_is_not_read_and_noted()
    {
        var deep = InputLimits.Defaults.MimeDepth + 30;
        var watch = Stopwatch.StartNew();
        var m = MailParser.Parse(Encoding.UTF8.GetBytes(Basic + "MIME-Version: 1.0\n" + Nested(deep, "deep leaf")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("deep leaf", m.Body);
        Assert.Contains(m.Notes, n => n.Contains("KTRIAGE_MAX_MIME_DEPTH"));

        var shallow = MailParser.Parse(Encoding.UTF8.GetBytes(Basic + "MIME-Version: 1.0\n" + Nested(3, "shallow leaf")));
        Assert.Contains("shallow leaf", shallow.Body);
        Assert.Empty(shallow.Notes);
    }

    [Fact]
    public void Parts_past_the_part_limit_are_not_read_and_noted()
    {
        var limit = InputLimits.Defaults.MimeParts;
        var parts = string.Concat(Enumerable.Range(0, limit + 100).Select(i => $"--b\nContent-Type: text/plain\n\npart {i}\n"));
        var m = MailParser.Parse(Encoding.UTF8.GetBytes(Basic + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" + parts + "--b--\n"));
        Assert.Equal("part 0", m.Body.Trim());
        Assert.Equal(limit - 1, m.Attachments.Count);
        Assert.DoesNotContain(m.Attachments, a => a.Text.Trim() == $"part {limit}");
        Assert.Contains(m.Notes, n => n.Contains("KTRIAGE_MAX_MIME_PARTS"));
    }

    static string Oops(string function) => $"""
        BUG: kernel NULL pointer dereference, address: 0000000000000008
        #PF: supervisor read access in kernel mode
        Oops: 0000 [#1] PREEMPT SMP NOPTI
        RIP: 0010:{function}+0x1a/0x140
        Call Trace:
         <TASK>
         caller_of_{function}+0x7a/0x190
         </TASK>

        """;

    [Fact]
    public void Crash_reports_past_the_limit_are_not_analysed_and_the_last_one_says_so()
    {
        using var _ = InputLimits.Use(new InputLimits { CrashReports = 3 });
        var log = string.Concat(Enumerable.Range(0, 6).Select(i => Oops($"func{i}")));
        var reports = CrashAnalyzer.Analyze(log);
        Assert.Equal(["func0", "func1", "func2"], reports.Select(r => r.CrashSite?.Function));
        Assert.Contains(reports[^1].Hints, h => h.Kind == "limit" && h.Message.Contains("KTRIAGE_MAX_CRASH_REPORTS"));
        Assert.DoesNotContain(reports[0].Hints, h => h.Kind == "limit");
    }

    [Fact]
    public void A_report_longer_than_the_line_limit_is_cut_and_says_so()
    {
        using var _ = InputLimits.Use(new InputLimits { ReportLines = 50 });
        var log = Oops("io_poll_wake").TrimEnd().Replace(" </TASK>", string.Concat(Enumerable.Range(0, 500).Select(i => $" frame{i}+0x1/0x10\n")) + " </TASK>");
        var report = Assert.Single(CrashAnalyzer.Analyze(log));
        Assert.True(report.EndLine - report.StartLine < 50, $"{report.StartLine}..{report.EndLine}");
        Assert.Contains(report.Hints, h => h.Kind == "limit" && h.Message.Contains("KTRIAGE_MAX_REPORT_LINES"));
        Assert.DoesNotContain(Assert.Single(CrashAnalyzer.Analyze(Oops("io_poll_wake"))).Hints, h => h.Kind == "limit");
    }

    [Fact]
    public void Search_queries_with_too_many_terms_or_too_deep_nesting_are_refused_not_a_stack_overflow()
    {
        var deep = new string('(', 200_000) + "x" + new string(')', 200_000);
        Assert.Contains("nests deeper than", Assert.Throws<Ktriage.Core.Search.SearchSyntaxException>(() => Ktriage.Core.Search.QueryParser.Parse(deep)).Message);
        var nots = string.Concat(Enumerable.Repeat("NOT ", 100_000)) + "x y";
        Assert.Contains("nests deeper than", Assert.Throws<Ktriage.Core.Search.SearchSyntaxException>(() => Ktriage.Core.Search.QueryParser.Parse(nots)).Message);
        var many = string.Join(" OR ", Enumerable.Range(0, 1000).Select(i => $"w{i}"));
        Assert.Contains("1000 terms", Assert.Throws<Ktriage.Core.Search.SearchSyntaxException>(() => Ktriage.Core.Search.QueryParser.Parse(many)).Message);
        Ktriage.Core.Search.QueryParser.Parse(new string('(', Ktriage.Core.Search.QueryParser.MaxDepth) + "x" + new string(')', Ktriage.Core.Search.QueryParser.MaxDepth));
    }

    [Fact]
    public void Limits_come_from_the_environment_and_bad_values_are_named()
    {
        var env = new Dictionary<string, string> { ["KTRIAGE_MAX_HEADERS"] = "42", ["KTRIAGE_MAX_GZIP_RATIO"] = "7" };
        var l = InputLimits.FromEnvironment(n => env.GetValueOrDefault(n));
        Assert.Equal(42, l.Headers);
        Assert.Equal(7, l.GzipRatio);
        Assert.Equal(InputLimits.Defaults.MessageBytes, l.MessageBytes);
        env["KTRIAGE_MAX_MESSAGE_BYTES"] = "lots";
        var e = Assert.Throws<ArgumentException>(() => InputLimits.FromEnvironment(n => env.GetValueOrDefault(n)));
        Assert.Contains("KTRIAGE_MAX_MESSAGE_BYTES=lots", e.Message);
    }
}
