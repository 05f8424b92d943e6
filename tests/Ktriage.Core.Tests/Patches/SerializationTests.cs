using System.Text.Json;
using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

/// <summary>The records are stored in SQLite and served as camelCase JSON: they must round-trip.</summary>
public class SerializationTests
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Patch_info_round_trips_as_camel_case_json()
    {
        var messages = MboxReader.Fixture("series-growth.mbox");
        var info = PatchAnalyzer.Analyze(messages.Single(m => m.MessageId == "v1-1@x"));
        var json = JsonSerializer.Serialize(info, Json);
        Assert.Contains("\"patchId\":", json);
        Assert.Contains("\"kind\":0", json);
        var back = JsonSerializer.Deserialize<PatchInfo>(json, Json)!;
        Assert.Equal(info.PatchId, back.PatchId);
        Assert.Equal(info.Subject, back.Subject with { Prefixes = info.Subject.Prefixes });
        Assert.Equal(info.Files[0] with { Hunks = [], Functions = [] }, back.Files[0] with { Hunks = [], Functions = [] });
        Assert.Equal(info.Files[0].Hunks, back.Files[0].Hunks);
        Assert.Equal(info.Trailers, back.Trailers);
    }

    [Fact]
    public void Series_serialises()
    {
        var series = SeriesBuilder.Build(MboxReader.Fixture("series-growth.mbox"));
        var json = JsonSerializer.Serialize(series, Json);
        Assert.Contains("\"completeness\":\"2 of 6 present\"", json);
        Assert.Contains("\"inheritedFromVersion\":2", json);
    }
}
