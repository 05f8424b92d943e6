using System.Globalization;

namespace Ktriage.Core;

/// <summary>
/// Bounds on hostile input, in one place. Past a bound ktriage either skips the input with a message naming the
/// limit (a message too big, too many headers) or keeps what came before and says so (crash reports, MIME parts).
/// Defaults suit real kernel lists (lore's largest messages are a few MB of patches; the largest syzbot logs a few
/// thousand lines). Each can be changed with an environment variable, named in every message that cites it.
/// </summary>
public sealed record InputLimits
{
    /// <summary>Largest message stored, in bytes (KTRIAGE_MAX_MESSAGE_BYTES). Sources skip bigger ones unread.</summary>
    public long MessageBytes { get; init; } = 64L << 20;

    /// <summary>Most header fields in one message (KTRIAGE_MAX_HEADERS).</summary>
    public int Headers { get; init; } = 1000;

    /// <summary>Longest header field, folded lines included, in bytes (KTRIAGE_MAX_HEADER_BYTES).</summary>
    public int HeaderBytes { get; init; } = 256 << 10;

    /// <summary>Deepest MIME nesting (multiparts and attached messages, KTRIAGE_MAX_MIME_DEPTH); deeper parts are not read.</summary>
    public int MimeDepth { get; init; } = 16;

    /// <summary>Most MIME parts read from one message (KTRIAGE_MAX_MIME_PARTS); later parts are not read.</summary>
    public int MimeParts { get; init; } = 500;

    /// <summary>Largest expansion of gzip data, uncompressed/compressed (KTRIAGE_MAX_GZIP_RATIO); checked once
    /// <see cref="GzipRatioFloorBytes"/> have come out, so small files with long runs are fine.</summary>
    public int GzipRatio { get; init; } = 100;

    /// <summary>Output below which the gzip ratio is not checked (KTRIAGE_GZIP_RATIO_FLOOR_BYTES).</summary>
    public long GzipRatioFloorBytes { get; init; } = 64L << 20;

    /// <summary>Most crash reports analysed in one input (KTRIAGE_MAX_CRASH_REPORTS); the rest are noted, not analysed.</summary>
    public int CrashReports { get; init; } = 500;

    /// <summary>Most log lines one crash report spans (KTRIAGE_MAX_REPORT_LINES).</summary>
    public int ReportLines { get; init; } = 3000;

    public static InputLimits Defaults { get; } = new();

    /// <summary>The limits in force: those of the innermost <see cref="Use"/> scope, else the defaults with any
    /// KTRIAGE_MAX_* environment variable applied.</summary>
    public static InputLimits Current => scoped.Value ?? (process ??= FromEnvironment(Environment.GetEnvironmentVariable));
    static InputLimits? process;
    static readonly AsyncLocal<InputLimits?> scoped = new();

    /// <summary>Makes <paramref name="limits"/> current for this flow of execution (it follows awaits and Task.Run)
    /// until disposed; other threads keep theirs.</summary>
    public static IDisposable Use(InputLimits limits)
    {
        var previous = scoped.Value;
        scoped.Value = limits;
        return new Scope(previous);
    }

    sealed class Scope(InputLimits? previous) : IDisposable
    {
        public void Dispose() => scoped.Value = previous;
    }

    /// <exception cref="ArgumentException">a variable is set but is not a positive whole number.</exception>
    public static InputLimits FromEnvironment(Func<string, string?> get)
    {
        long Get(string name, long fallback)
        {
            var v = get(name);
            if (string.IsNullOrWhiteSpace(v)) return fallback;
            if (!long.TryParse(v.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                throw new ArgumentException($"{name}={v}: expected a positive whole number");
            return n;
        }
        int GetInt(string name, int fallback) => (int)Math.Min(int.MaxValue, Get(name, fallback));
        var d = Defaults;
        return new InputLimits
        {
            MessageBytes = Get("KTRIAGE_MAX_MESSAGE_BYTES", d.MessageBytes),
            Headers = GetInt("KTRIAGE_MAX_HEADERS", d.Headers),
            HeaderBytes = GetInt("KTRIAGE_MAX_HEADER_BYTES", d.HeaderBytes),
            MimeDepth = GetInt("KTRIAGE_MAX_MIME_DEPTH", d.MimeDepth),
            MimeParts = GetInt("KTRIAGE_MAX_MIME_PARTS", d.MimeParts),
            GzipRatio = GetInt("KTRIAGE_MAX_GZIP_RATIO", d.GzipRatio),
            GzipRatioFloorBytes = Get("KTRIAGE_GZIP_RATIO_FLOOR_BYTES", d.GzipRatioFloorBytes),
            CrashReports = GetInt("KTRIAGE_MAX_CRASH_REPORTS", d.CrashReports),
            ReportLines = GetInt("KTRIAGE_MAX_REPORT_LINES", d.ReportLines),
        };
    }
}

/// <summary>An input over one of the <see cref="InputLimits"/>: the message says which limit and how to raise it.</summary>
public sealed class InputLimitException(string message) : Exception(message);
