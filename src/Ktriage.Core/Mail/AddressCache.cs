using System.Collections.Concurrent;
using MimeKit;

namespace Ktriage.Core.Mail;

/// <summary>
/// From/To/Cc values already parsed, by their raw bytes. A list's mail repeats the same few of them (io-uring: 95% of
/// From, 87% of To and 74% of Cc values were seen among the last 1,024), and MimeKit's address parser was the largest
/// part of the parse left. The parse is a function of the bytes and the parser options, so a value found here is what
/// parsing it again would give; the entries are immutable <see cref="MailAddress"/> records, safe to share.
/// Bounded in entries and in value size; cleared when full or when the options change.
/// </summary>
internal static class AddressCache
{
    const int MaxEntries = 512, MaxValueBytes = 4096;

    sealed record Entry(byte[] Raw, MailAddress[] Addresses);

    sealed class Table(ParserOptions options)
    {
        public readonly ParserOptions Options = options;
        public readonly ConcurrentDictionary<int, Entry> Entries = new();
        public int Added; // ConcurrentDictionary.Count takes every lock: counted here instead (roughly, which is enough)
    }

    static volatile Table table = new(new ParserOptions());

    public static MailAddress[]? Find(ParserOptions options, ReadOnlySpan<byte> raw, out int hash)
    {
        hash = 0;
        if (raw.Length > MaxValueBytes) return null;
        var t = table;
        if (!ReferenceEquals(t.Options, options)) return null;
        var h = new HashCode();
        h.AddBytes(raw);
        hash = h.ToHashCode();
        return t.Entries.TryGetValue(hash, out var e) && raw.SequenceEqual(e.Raw) ? e.Addresses : null;
    }

    public static void Add(ParserOptions options, ReadOnlySpan<byte> raw, int hash, MailAddress[] addresses)
    {
        if (raw.Length > MaxValueBytes) return;
        var t = table;
        if (!ReferenceEquals(t.Options, options) || Interlocked.Increment(ref t.Added) > MaxEntries) table = t = new Table(options);
        t.Entries[hash] = new Entry(raw.ToArray(), addresses);
    }
}
