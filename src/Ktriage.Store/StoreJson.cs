using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ktriage.Store;

/// <summary>How facts are serialised into the store: camelCase like the CLI and API, enums as names.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
