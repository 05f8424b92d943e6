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
