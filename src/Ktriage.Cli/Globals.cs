using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ktriage.Store;
using Ktriage.Store.Sqlite;

namespace Ktriage.Cli;

/// <summary>Options every command understands, and the pieces they share (database, JSON, errors).</summary>
internal static class Globals
{
    public static readonly Option<string?> Db = new("--db")
    {
        Description = "Database: a SQLite file path (default $KTRIAGE_DB, else $XDG_DATA_HOME/ktriage/ktriage.db)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Machine-readable JSON output", Recursive = true };

    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "No progress or decoration", Recursive = true };

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        // Output is read by people and scripts, not embedded in HTML: keep <, >, + and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // 'thread --json' nests two levels per reply: real threads go deeper than the default 64.
        MaxDepth = 2048,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string DbPath(ParseResult pr)
    {
        var given = pr.GetValue(Db);
        if (!string.IsNullOrEmpty(given)) return given;
        var env = Environment.GetEnvironmentVariable("KTRIAGE_DB");
        if (!string.IsNullOrEmpty(env)) return env;
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(data))
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "ktriage", "ktriage.db");
    }

    public static IArchiveStore OpenStore(ParseResult pr, bool readOnly = false)
    {
        var path = DbPath(pr);
        if (path.StartsWith("postgres://", StringComparison.Ordinal) || path.StartsWith("postgresql://", StringComparison.Ordinal))
            throw new UserError($"{path}: the PostgreSQL store is not available yet; use a SQLite file path");
        return SqliteArchiveStore.Open(path, readOnly);
    }

    public static void WriteJsonLine<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Progress and colour only on a terminal, never in --json or --quiet mode.</summary>
    public static bool Interactive(ParseResult pr) =>
        !pr.GetValue(Json) && !pr.GetValue(Quiet) && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
}

/// <summary>A problem with the user's input: printed as one line on stderr, exit code 1.</summary>
internal sealed class UserError(string message) : Exception(message);
