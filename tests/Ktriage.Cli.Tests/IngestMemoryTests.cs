using System.Diagnostics;
using System.Text;

namespace Ktriage.Cli.Tests;

/// <summary>Ingest under its GC heap limit (KTRIAGE_INGEST_HEAP_MB): a message too big to analyse still gets stored.</summary>
public sealed class IngestMemoryTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-memory-").FullName;
    string Db => Path.Combine(dir, "k.db");

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>An mbox with a small patch and a 20 MiB mail: a console log pasted into it, or (<paramref name="flood"/>)
    /// half a MiB of log then short "Tested-by:" lines, whose analysis (a trailer and a review signal each, then their
    /// JSON) needs far more than the 12 bytes per message byte the heap limit grows by.</summary>
    string WriteMbox(bool flood)
    {
        var path = Path.Combine(dir, "huge.mbox");
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.Write("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Ann <ann@example.org>\nTo: l@example.org\n" +
                "Subject: [PATCH] io_uring: fix leak\nDate: Mon, 03 Mar 2025 09:12:44 +0100\nMessage-ID: <small@example.org>\n\n" +
                "Fix it.\n---\ndiff --git a/io_uring/rw.c b/io_uring/rw.c\n--- a/io_uring/rw.c\n+++ b/io_uring/rw.c\n" +
                "@@ -1,2 +1,2 @@ int io_read(struct io_kiocb *req)\n-\told();\n+\tnew();\n\n");
        w.Write("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Bob <bob@example.org>\nTo: l@example.org\n" +
                "Subject: my machine crashes\nDate: Tue, 04 Mar 2025 09:12:44 +0100\nMessage-ID: <huge@example.org>\n\nThe whole log:\n");
        long written = 0;
        for (var i = 0; written < 20L << 20; i++)
        {
            var line = flood && written >= 1 << 19 ? $"Tested-by: T{i % 100} <t{i % 100}@x.org>\n"
                : i % 40 == 0
                ? $"[{i,8}.000000] BUG: unable to handle kernel paging request at 6b6b6b6f\n[{i,8}.000001] RIP: 0010:io_foo+0x12/0x40\n[{i,8}.000002] Call Trace:\n[{i,8}.000003]  bar_{i % 997}+0x1/0x2\n"
                : $"[{i,8}.000000] usb 1-{i % 7}: new device number {i} using xhci_hcd\n";
            w.Write(line);
            written += line.Length;
        }
        return path;
    }

    (string Stdout, string Stderr) Ingest(string mbox)
    {
        var psi = Ktriage.StartInfo(Db, "ingest", mbox, "--json");
        psi.Environment["KTRIAGE_INGEST_HEAP_MB"] = "128";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "ingest hung");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stderr.Result}");
        return (stdout.Result, stderr.Result);
    }

    [Fact]
    public void Message_too_big_for_the_heap_limit_is_stored_and_searchable_with_a_note()
    {
        var (stdout, _) = Ingest(WriteMbox(flood: true));
        Assert.Contains("\"added\":2", stdout);
        Assert.Contains("stored without patch and crash analysis", stdout);

        var messages = Ktriage.Run(Db, "messages", "--json");
        Assert.Contains("\"messageId\":\"huge@example.org\"", messages.Stdout);
        // The small patch beside it was analysed as usual, and the big one is in the full-text index.
        Assert.Contains("small@example.org", Ktriage.Run(Db, "search", "dfhh:io_read", "--json").Stdout);
        Assert.Contains("huge@example.org", Ktriage.Run(Db, "search", "usb", "--json").Stdout);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(5000)]
    [InlineData(6000)]
    [InlineData(6600)]
    [InlineData(7200)]
    public void A_flood_of_trailers_that_only_just_fits_does_not_abort_the_ingest(int kib)
    {
        // Each size is analysed, or stored without analysis with a note; none may end the process with "Out of memory."
        // (before, the facts JSON's UTF-8 copy on the store thread could exceed the limit that the analysis had fit in).
        var path = Path.Combine(dir, "flood.mbox");
        var sb = new StringBuilder("From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Bob <bob@example.org>\nTo: l@example.org\n" +
            "Subject: my machine crashes\nDate: Tue, 04 Mar 2025 09:12:44 +0100\nMessage-ID: <flood@example.org>\n\nThe whole log:\n");
        for (var i = 0; sb.Length < kib << 10; i++)
            sb.Append($"[{i,8}.000000] usb 1-{i % 7}: new device number {i} using xhci_hcd\nTested-by: Tester {i} <t{i}@example.org>\n");
        File.WriteAllText(path, sb.ToString());
        var (stdout, _) = Ingest(path);
        Assert.Contains("\"added\":1", stdout);
    }

    [Fact]
    public void Sixty_mails_of_a_MiB_each_in_a_row_are_all_stored_and_indexed_within_the_heap_limit()
    {
        // Before the parse-ahead window and the index queue were bounded by size, 64 such mails in flight (raw bytes,
        // decoded texts, index fields) filled the limit and the index thread or a parse worker ran out of memory.
        var path = Path.Combine(dir, "big.mbox");
        var random = new Random(1);
        var words = Enumerable.Range(0, 5000).Select(_ => new string(Enumerable.Range(0, random.Next(3, 12)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
        using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
            for (var n = 0; n < 60; n++)
            {
                w.Write($"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev{n}@example.org>\nTo: l@example.org\n" +
                        $"Subject: [PATCH {n}/60] big change\nDate: Tue, 04 Mar 2025 09:12:44 +0100\nMessage-ID: <big{n}@example.org>\n\n");
                for (var size = 0; size < 1 << 20;)
                {
                    var line = string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)])) + "\n";
                    w.Write(line);
                    size += line.Length;
                }
                w.Write("\n");
            }
        var (stdout, _) = Ingest(path);
        Assert.Contains("\"added\":60", stdout);
        Assert.Contains("\"problems\":0", stdout);
        Assert.Equal(60, Ktriage.Run(Db, "search", "s:change", "-n", "100", "--json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Twenty_MiB_console_log_is_analysed_within_the_heap_limit()
    {
        // Patch analysis reads lines as spans of the text (no string per line), so a pasted 20 MiB log fits the limit
        // (128 MiB + 12 bytes per message byte) and keeps its crash report.
        var (stdout, _) = Ingest(WriteMbox(flood: false));
        Assert.Contains("\"added\":2", stdout);
        Assert.DoesNotContain("stored without patch and crash analysis", stdout);
        Assert.Contains("BUG: unable to handle kernel paging request in io_foo", Ktriage.Run(Db, "crashes", "--json").Stdout);
    }
}
