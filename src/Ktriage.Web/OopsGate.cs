using System.Diagnostics;
using Ktriage.Core.Crashes;
using Microsoft.AspNetCore.Http;

namespace Ktriage.Web;

/// <summary>
/// Keeps the paste box answering within a second whatever is pasted: analyses run on at most one thread per core at
/// once, and a request that cannot get a slot or whose analysis runs past the deadline gets a 503 at the deadline.
/// Analysis of 1 MiB of hostile text takes 0.1–0.4 s on a loaded 2-core machine (it is linear: see the hostile-input
/// tests), so the deadline only bites under a flood of requests.
/// </summary>
internal static class OopsGate
{
    /// <summary>From the request's arrival to the end of analysis, leaving room for rendering within 1 s.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(850);

    static readonly object StartKey = new();

    /// <summary>Notes when the request arrived (the first middleware calls this): reading the body counts too.</summary>
    public static void MarkStart(HttpContext ctx) => ctx.Items[StartKey] = Stopwatch.GetTimestamp();

    static TimeSpan Since(HttpContext ctx) =>
        ctx.Items[StartKey] is long start ? Stopwatch.GetElapsedTime(start) : TimeSpan.Zero;

    static readonly SemaphoreSlim Slots = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>The reports, or why there are none within the deadline.</summary>
    public static async Task<(IReadOnlyList<CrashReport>? Reports, string? Problem)> AnalyzeAsync(string text, HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var budget = Deadline - Since(ctx);
        var watch = Stopwatch.StartNew();
        if (budget <= TimeSpan.Zero || !await Slots.WaitAsync(budget, ct))
            return (null, "the server is busy analysing other logs; try again in a moment");
        // The slot is given back when the analysis really ends, so abandoned analyses cannot pile up.
        var work = Task.Run(() =>
        {
            try { return CrashAnalyzer.Analyze(text); }
            finally { Slots.Release(); }
        }, CancellationToken.None);
        var left = budget - watch.Elapsed;
        if (left > TimeSpan.Zero && await Task.WhenAny(work, Task.Delay(left, ct)) == work) return (await work, null);
        return (null, $"the analysis took longer than {Deadline.TotalSeconds:0.#} s; try a shorter log");
    }
}
