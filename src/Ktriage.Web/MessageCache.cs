using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.Store;
using Microsoft.Extensions.Caching.Memory;

namespace Ktriage.Web;

/// <summary>One stored message parsed once, with what pages show about it. Stored messages never change and row ids are
/// never reused, so an entry never goes stale.</summary>
public sealed class ParsedMessage(MessageRow row, IReadOnlyList<(CopyRow Copy, Message Mail)> copies)
{
    public MessageRow Row => row;
    /// <summary>Every stored copy (several when it reached several lists, or byte-different re-deliveries).</summary>
    public IReadOnlyList<(CopyRow Copy, Message Mail)> Copies => copies;
    public Message Mail => copies[0].Mail;

    IReadOnlyList<CrashReport>? crashes;
    public IReadOnlyList<CrashReport> Crashes => crashes ??= CrashAnalyzer.Analyze(Mail.AllText);

    PatchInfo? patch;
    public PatchInfo Patch => patch ??= PatchAnalyzer.Analyze(Mail);

    ParsedDiff? diff;
    public ParsedDiff Diff => diff ??= PatchAnalyzer.DiffOf(Mail);

    /// <summary>The rendered body (HTML), set by the renderer on first use.</summary>
    public string? BodyHtml { get; set; }
}

/// <summary>Parsed messages by row id, bounded by raw size.</summary>
public sealed class MessageCache(long maxBytes = 96L << 20) : IDisposable
{
    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = maxBytes });

    public ParsedMessage Get(IArchiveStore store, MessageRow row)
    {
        if (cache.TryGetValue(row.Id, out ParsedMessage? hit) && hit is not null) return hit;
        var copies = store.Copies(row.Id);
        if (copies.Count == 0) throw new InvalidOperationException($"message {row.MessageId}: no stored copy");
        var parsed = new ParsedMessage(row, copies.Select(c => (c, MailParser.Parse(c.Raw))).ToList());
        // Parsed text and rendered HTML take a few times the raw size.
        cache.Set(row.Id, parsed, new MemoryCacheEntryOptions { Size = 3L * copies.Sum(c => (long)c.Raw.Length) + 1024 });
        return parsed;
    }

    /// <summary>Anything else worth keeping (series of a thread, crash dashboard), under its own key.</summary>
    public T GetOrAdd<T>(object key, long size, Func<T> make, TimeSpan? lifetime = null)
    {
        if (cache.TryGetValue(key, out T? hit) && hit is not null) return hit;
        var value = make();
        cache.Set(key, value, new MemoryCacheEntryOptions { Size = size, AbsoluteExpirationRelativeToNow = lifetime ?? TimeSpan.FromMinutes(10) });
        return value;
    }

    public void Dispose() => cache.Dispose();
}
