using System.Collections.Concurrent;
using System.Text;

namespace Ktriage.Core.Mail;

/// <summary>
/// <see cref="CodePagesEncodingProvider"/> (the legacy charsets of old mail: windows-125x, iso-8859-x, koi8…) with its
/// answers by code page kept. Once a provider is registered, every <see cref="Encoding.GetEncoding(int)"/> asks it
/// first, and for the code pages it does not have — UTF-8 and Latin-1, the ones MimeKit asks for on each mailbox it
/// parses and each RFC 2047 word it decodes — it re-reads its code page index from an embedded resource before saying
/// no: about 1 µs a call, 15% of the parse CPU on io-uring. The answers are the provider's own, so nothing changes but
/// the cost. Lookups by name are passed through (names come from the input; PartText keeps its own bounded cache).
/// </summary>
internal sealed class CachedCodePages : EncodingProvider
{
    static readonly EncodingProvider Inner = CodePagesEncodingProvider.Instance;
    // Code page numbers can come from the input too (MimeKit reads "cp1234" or "windows-1234" charset names as
    // numbers): bounded, past which lookups are simply not kept.
    const int MaxEntries = 1024;
    readonly ConcurrentDictionary<int, Encoding?> byCodePage = new();

    public static readonly CachedCodePages Instance = new();

    public override Encoding? GetEncoding(int codepage)
    {
        if (byCodePage.TryGetValue(codepage, out var cached)) return cached;
        var encoding = Inner.GetEncoding(codepage);
        if (byCodePage.Count < MaxEntries) byCodePage.TryAdd(codepage, encoding);
        return encoding;
    }

    public override Encoding? GetEncoding(int codepage, EncoderFallback encoderFallback, DecoderFallback decoderFallback) =>
        GetEncoding(codepage) is null ? null : Inner.GetEncoding(codepage, encoderFallback, decoderFallback);

    public override Encoding? GetEncoding(string name) => Inner.GetEncoding(name);

    public override Encoding? GetEncoding(string name, EncoderFallback encoderFallback, DecoderFallback decoderFallback) =>
        Inner.GetEncoding(name, encoderFallback, decoderFallback);

    public override IEnumerable<EncodingInfo> GetEncodings() => Inner.GetEncodings();
}
