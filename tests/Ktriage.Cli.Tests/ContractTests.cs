using System.Text;
using System.Text.Json;

namespace Ktriage.Cli.Tests;

/// <summary>The CLI contract of ../shared/DESIGN.md, on small fixtures written here.</summary>
public sealed class ContractTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-cli-").FullName;
    string Db => Path.Combine(dir, "k.db");

    public void Dispose() => Directory.Delete(dir, true);

    const string Thread = """
        From mboxrd@z Thu Jan  1 00:00:00 1970
        From: Ann <ann@example.org>
        Subject: [PATCH] foo: fix bar
        Date: Mon, 03 Mar 2025 09:12:44 +0100
        Message-ID: <p1@example.org>

        >From the department of obvious fixes.
        ---
         foo.c | 1 +

        From mboxrd@z Thu Jan  1 00:00:00 1970
        From: Bob <bob@example.org>
        Subject: Re: [PATCH] foo: fix bar
        Date: Tue, 04 Mar 2025 09:12:44 +0100
        Message-ID: <r1@example.org>
        In-Reply-To: <p1@example.org>
        References: <p1@example.org>

        Looks good.

        """;

    string WriteMbox(string name = "t.mbox", string text = Thread)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text.Replace("\r", ""));
        return path;
    }

    [Fact]
    public void Missing_source_is_exit_1_with_one_line_naming_it_and_nothing_stored_is_lost()
    {
        Assert.Equal(0, Ktriage.Run(Db, "ingest", WriteMbox(), "-q").ExitCode);
        var r = Ktriage.Run(Db, "ingest", Path.Combine(dir, "nope.mbox"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nope.mbox", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Equal(2, Ktriage.Run(Db, "messages", "--json").Stdout.Trim().Split('\n').Length);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, Ktriage.Run(Db, "ingest", "--no-such-option", "x").ExitCode);
        Assert.Equal(2, Ktriage.Run(Db, "frobnicate").ExitCode);
    }

    [Fact]
    public void Messages_json_lines_follow_the_contract_and_ingest_twice_adds_nothing()
    {
        var mbox = WriteMbox();
        var first = Ktriage.Run(Db, "ingest", mbox, "--json");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(2, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("added").GetInt64());
        var second = Ktriage.Run(Db, "ingest", mbox, "--json");
        Assert.Equal(0, JsonDocument.Parse(second.Stdout).RootElement.GetProperty("added").GetInt64());

        var lines = Ktriage.Run(Db, "messages", "--json").Stdout.Trim().Split('\n');
        var reply = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("messageId").GetString() == "r1@example.org");
        foreach (var key in new[] { "messageId", "blob", "list", "threadId", "subject", "from", "date", "inReplyTo" })
            Assert.True(reply.TryGetProperty(key, out _), key);
        Assert.Equal("p1@example.org", reply.GetProperty("inReplyTo").GetString());
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("blob").ValueKind);
        Assert.Equal("Bob <bob@example.org>", reply.GetProperty("from").GetString());
    }

    [Fact]
    public void Thread_mbox_is_mboxrd_and_reingests_to_the_same_thread()
    {
        Assert.Equal(0, Ktriage.Run(Db, "ingest", WriteMbox(), "-q").ExitCode);
        var mbox = Ktriage.Run(Db, "thread", "<r1@example.org>", "--mbox");
        Assert.Equal(0, mbox.ExitCode);
        // The input's mboxrd ">From " was unescaped when stored and is escaped again on the way out.
        Assert.Contains("\n>From the department", mbox.Stdout);
        var copy = WriteMbox("again.mbox", mbox.Stdout);
        var db2 = Path.Combine(dir, "k2.db");
        Assert.Equal(0, Ktriage.Run(db2, "ingest", copy, "-q").ExitCode);
        var show = Ktriage.Run(db2, "show", "p1@example.org");
        Assert.Contains("\nFrom the department", show.Stdout);
        Assert.DoesNotContain(">From the department", show.Stdout);
        var tree = Ktriage.Run(db2, "thread", "p1@example.org", "--json");
        Assert.Equal(2, JsonDocument.Parse(tree.Stdout).RootElement.GetProperty("messages").GetInt32());
    }

    [Fact]
    public void Unknown_message_id_is_exit_1_and_suggests_near_matches()
    {
        Assert.Equal(0, Ktriage.Run(Db, "ingest", WriteMbox(), "-q").ExitCode);
        var r = Ktriage.Run(Db, "show", "r1@example");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("r1@example.org", r.Stderr);
    }

    [Fact]
    public void Stdin_ingest_and_search_find_the_message()
    {
        var eml = Encoding.UTF8.GetBytes("From: Zed <z@example.org>\nSubject: quokka oops\nMessage-ID: <z1@example.org>\n\nkernel BUG at mm/slub.c:42!\n");
        Assert.Equal(0, Ktriage.RunWithInput(Db, eml, "ingest", "-", "--list", "stdin", "-q").ExitCode);
        var r = Ktriage.Run(Db, "search", "slub.c", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("z1@example.org", r.Stdout);
    }

    [Fact]
    public void Demo_runs_and_reports_the_sample_threads()
    {
        var r = Ktriage.Run(Db, "demo");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("9 messages in 2 threads", r.Stdout);
        Assert.Contains("crash: BUG: unable to handle kernel NULL pointer dereference in nfsd_file_put at nfsd_file_put+0x1c/0x90", r.Stdout);
        Assert.Contains("Patch: fs/nfsd/nfs4state.c (nfsd4_close)", r.Stdout);
        Assert.Contains("tested (informal): \"Yes, that fixes it for me", r.Stdout);
        Assert.Contains("applied (informal)", r.Stdout);
    }
}
