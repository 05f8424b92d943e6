using System.Text.Json;
using Ktriage.TestSupport;

namespace Ktriage.Cli.Tests;

/// <summary>The five lore pages the project started from, ingested as saved pages.</summary>
public sealed class SeedTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-seeds-").FullName;
    string Db => Path.Combine(dir, "seeds.db");

    public void Dispose() => Directory.Delete(dir, true);

    List<JsonElement> IngestSeed(string prefix)
    {
        var file = Directory.GetFiles(SharedData.Path("seeds"), prefix + "_*").Single();
        var r = Ktriage.Run(Db, "ingest", file, "--list", "seed" + prefix);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var list = Ktriage.Run(Db, "messages", "--list", "seed" + prefix, "--json");
        return list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [SharedFact("seeds")]
    public void Seed000_is_five_messages_in_one_thread_by_Frank_and_Bruce()
    {
        var messages = IngestSeed("000");
        Assert.Equal(5, messages.Count);
        Assert.Single(messages.Select(m => m.GetProperty("threadId").GetInt64()).Distinct());
        Assert.Equal(3, messages.Count(m => m.GetProperty("from").GetString()!.Contains("Frank van Maarseveen")));
        Assert.Equal(2, messages.Count(m => m.GetProperty("from").GetString()!.Contains("Bruce Fields")));
    }

    [SharedFact("seeds")]
    public void Seed001_is_nine_messages_in_one_thread()
    {
        var messages = IngestSeed("001");
        Assert.Equal(9, messages.Count);
        Assert.Single(messages.Select(m => m.GetProperty("threadId").GetInt64()).Distinct());
    }

    [SharedFact("seeds")]
    public void Seed003_shows_one_message_with_two_copies()
    {
        var messages = IngestSeed("003");
        var m = Assert.Single(messages);
        Assert.Equal("20141020142113.GC11062@redhat.com", m.GetProperty("messageId").GetString());
        var show = Ktriage.Run(Db, "show", "20141020142113.GC11062@redhat.com");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("2 copies", show.Stdout);
    }

    [SharedFact("seeds")]
    public void Seed004_is_three_distinct_messages()
    {
        var messages = IngestSeed("004");
        Assert.Equal(3, messages.Count);
        Assert.Equal(3, messages.Select(m => m.GetProperty("messageId").GetString()).Distinct().Count());
    }
}

/// <summary>Series, reviews and tests on the seed pages, through the CLI (issue 4).</summary>
public sealed class SeedSeriesTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-seed-series-").FullName;
    string Db => Path.Combine(dir, "seeds.db");

    public void Dispose() => Directory.Delete(dir, true);

    string IngestAndFind(string prefix, string subjectStart)
    {
        var file = Directory.GetFiles(SharedData.Path("seeds"), prefix + "_*").Single();
        Assert.Equal(0, Ktriage.Run(Db, "ingest", file, "-q").ExitCode);
        var lines = Ktriage.Run(Db, "messages", "--json").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Select(l => JsonDocument.Parse(l).RootElement)
            .First(e => e.GetProperty("subject").GetString()!.StartsWith(subjectStart, StringComparison.Ordinal))
            .GetProperty("messageId").GetString()!;
    }

    [SharedFact("seeds")]
    public void Seed001_is_a_two_patch_series_without_cover_reviewed_by_Jeff_Layton()
    {
        var id = IngestAndFind("001", "[PATCH 2/2]");
        var r = Ktriage.Run(Db, "series", id, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var revision = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("revisions")[0];
        var patches = revision.GetProperty("patches").EnumerateArray().ToList();
        Assert.Equal([1, 2], patches.Select(p => p.GetProperty("counter").GetInt32()));
        Assert.All(patches, p => Assert.Contains(p.GetProperty("collected").EnumerateArray(), c =>
            c.GetProperty("trailer").GetProperty("name").GetString() == "Reviewed-by" &&
            c.GetProperty("trailer").GetProperty("value").GetString()!.StartsWith("Jeff Layton", StringComparison.Ordinal)));

        // git-am-ready: collected trailers after the patch's own sign-off, then the diff.
        var mbox = Ktriage.Run(Db, "series", id, "--mbox").Stdout;
        var first = mbox[..mbox.IndexOf("diff --git", StringComparison.Ordinal)];
        Assert.Contains("Subject: [PATCH 1/2] lockd: Do not start the lockd thread", first);
        Assert.True(first.IndexOf("Signed-off-by: Trond Myklebust", StringComparison.Ordinal) < first.IndexOf("Reviewed-by: Jeff Layton", StringComparison.Ordinal));
    }

    [SharedFact("seeds")]
    public void Seed001_mbox_takes_b4_am_options_link_message_id_my_sob_and_trailer_order()
    {
        var id = IngestAndFind("001", "[PATCH 1/2]");
        var psi = Ktriage.StartInfo(Db, "series", id, "--mbox", "-l", "-i", "-s", "--trailer-order", "link*,signed-off*,reviewed*,*");
        psi.Environment["GIT_COMMITTER_NAME"] = "Test Override";
        psi.Environment["GIT_COMMITTER_EMAIL"] = "test-override@example.com";
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        var mbox = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        var first = mbox[..mbox.IndexOf("diff --git", StringComparison.Ordinal)];
        int At(string text) => first.IndexOf(text, StringComparison.Ordinal) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"no '{text}' in:\n{first}");
        // Trailers in the user's custody follow --trailer-order: Link, then the sign-off, then the collected review.
        Assert.True(At("Link: https://patch.msgid.link/") < At("Signed-off-by: Test Override <test-override@example.com>"));
        Assert.True(At("Signed-off-by: Test Override") < At("Reviewed-by: Jeff Layton"));
        Assert.True(At("Message-ID: <") > At("Signed-off-by: Trond Myklebust"));
        var plain = Ktriage.Run(Db, "series", id, "--mbox", "-T").Stdout;
        Assert.DoesNotContain("Reviewed-by: Jeff Layton", plain[..plain.IndexOf("diff --git", StringComparison.Ordinal)]);
    }

    [SharedFact("seeds")]
    public void Seed004_patch_is_reviewed_and_offered_tested_by()
    {
        var id = IngestAndFind("004", "[PATCH]");
        var r = Ktriage.Run(Db, "series", id);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Reviewed-by: David Gibson", r.Stdout);
        Assert.Contains("tested: \"So if you like, you can add my \"Reviewed-by\" or \"Tested-by\"", r.Stdout);
    }
}
