using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Ktriage.Core.Mail;

/// <summary>Bytes → <see cref="Message"/> with MimeKit. Tolerant: broken headers, dates and charsets never fail a message.</summary>
public static class MailParser
{
    static readonly ParserOptions Options = new()
    {
        // Latin-1 maps every byte to a char, so undeclared 8-bit headers decode instead of failing.
        CharsetEncoding = Encoding.Latin1,
        AllowAddressesWithoutDomain = true,
        AddressParserComplianceMode = RfcComplianceMode.Loose,
        ParameterComplianceMode = RfcComplianceMode.Loose,
        Rfc2047ComplianceMode = RfcComplianceMode.Loose,
        RespectContentLength = false,
    };

    static MailParser() => Encoding.RegisterProvider(CachedCodePages.Instance);

    public static Message Parse(RawMessage raw) => Parse(raw.Bytes, raw.CommitTime);

    /// <param name="bytes">the message as stored.</param>
    /// <param name="fallbackDate">used when Date is missing or unparseable (git commit time).</param>
    /// <exception cref="InputLimitException">the message is over the size, header count or header length limit.</exception>
    public static Message Parse(byte[] bytes, DateTimeOffset? fallbackDate = null)
    {
        var limits = InputLimits.Current;
        MailLimits.CheckSize(bytes, limits);
        var options = MailLimits.OptionsFor(Options, limits);
        if (PlainTextMessage.TryRead(bytes, options, limits) is { } plain)
            return Build(bytes, plain.Fields, fallbackDate, plain.Body, [], [], []);
        MailLimits.Check(bytes, limits);
        return ParseWithMimeKit(bytes, fallbackDate, options, limits);
    }

    /// <summary>The whole message through MimeKit's parser and entity tree: what <see cref="Parse(byte[], DateTimeOffset?)"/>
    /// does for anything <see cref="PlainTextMessage"/> does not take. Internal so tests can check the two agree.</summary>
    internal static Message ParseWithMimeKit(byte[] bytes, DateTimeOffset? fallbackDate = null)
    {
        var limits = InputLimits.Current;
        MailLimits.Check(bytes, limits);
        return ParseWithMimeKit(bytes, fallbackDate, MailLimits.OptionsFor(Options, limits), limits);
    }

    [ThreadStatic] static MimeParser? reusableParser;

    static Message ParseWithMimeKit(byte[] bytes, DateTimeOffset? fallbackDate, ParserOptions options, InputLimits limits)
    {
        MimeMessage mime;
        try
        {
            // Persistent: parts reference the byte array instead of copying it (the bytes are kept anyway), so the
            // stream must stay open: it is a view on the array and owns nothing. PartText reads the parts in place.
            var stream = new PartText.MessageBytes(bytes);
            // One parser per thread, reset by SetStream (which is all its constructor does): a new one allocates its
            // buffers each time, and grows its header buffer 64 bytes at a time — quadratic on a 26 KiB Autocrypt
            // header (PGP-signed mail), a reused one has grown already.
            var parser = reusableParser ??= new MimeParser(options, Stream.Null, MimeFormat.Entity);
            parser.Options = options;
            parser.SetStream(stream, MimeFormat.Entity, persistent: true);
            try { mime = parser.ParseMessage(); }
            finally { parser.SetStream(Stream.Null, MimeFormat.Entity, persistent: false); } // keeps no message alive
        }
        catch (FormatException)
        {
            // Not even a header block: the bytes are the body, so nothing is lost. No header at all, so the id is the
            // stable synthetic one and the date the fallback (a MimeMessage built here would bring a random
            // Message-ID and the current time: the same bytes read twice were two messages).
            return Build(bytes, new HeaderFields(), fallbackDate, Encoding.Latin1.GetString(bytes), [], [], []);
        }

        // Disposed when done: MimeContent has a finalizer, and leaving tens of thousands of them to the finalizer
        // thread cost more CPU than parsing (profiled on io-uring).
        using var _ = mime;
        var fields = new HeaderFields();
        foreach (var h in mime.Headers)
        {
            var kind = h.Id switch
            {
                HeaderId.MessageId => IdHeader.MessageId,
                HeaderId.References => IdHeader.References,
                HeaderId.InReplyTo => IdHeader.InReplyTo,
                _ when h.Field.Equals("X-Alt-Message-ID", StringComparison.OrdinalIgnoreCase) => IdHeader.AltMessageId,
                _ => IdHeader.None,
            };
            // The header's bytes as written (Latin-1 keeps every byte), not RFC 2047-decoded.
            if (kind != IdHeader.None) fields.Ids.Add((kind, Encoding.Latin1.GetString(h.RawValue)));
        }
        fields.From.AddRange(mime.From.Mailboxes.Select(Address));
        fields.To.AddRange(mime.To.Mailboxes.Select(Address));
        fields.Cc.AddRange(mime.Cc.Mailboxes.Select(Address));
        fields.Subject = mime.Subject;
        fields.Date = mime.Headers[HeaderId.Date];

        var notes = new List<string>();
        var otherFileNames = new List<string>();
        var (body, attachments) = TextParts(bytes, mime, new MailLimits.PartBudget(limits, notes), otherFileNames);
        return Build(bytes, fields, fallbackDate, body, attachments, otherFileNames, notes);
    }

    /// <summary>The headers that ids, threading, addresses, subject and date come from: filled by MimeKit's parse or
    /// by <see cref="PlainTextMessage"/>, in header order.</summary>
    internal sealed class HeaderFields
    {
        /// <summary>Raw (undecoded, Latin-1) values of the id headers, in message order.</summary>
        public readonly List<(IdHeader Kind, string Raw)> Ids = [];
        public readonly List<MailAddress> From = [], To = [], Cc = [];
        /// <summary>Decoded values of the first Subject and Date headers.</summary>
        public string? Subject, Date;
    }

    internal enum IdHeader : byte { None, MessageId, AltMessageId, References, InReplyTo }

    static Message Build(byte[] bytes, HeaderFields fields, DateTimeOffset? fallbackDate, string body,
        IReadOnlyList<TextAttachment> attachments, List<string> otherFileNames, List<string> notes)
    {
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var ownIds = new List<string>();
        var altIds = new List<string>();
        foreach (var (kind, raw) in fields.Ids)
            if (kind == IdHeader.MessageId)
                foreach (var id in MessageIds.OwnIds(raw))
                    if (!ownIds.Contains(id)) ownIds.Add(id);
        foreach (var (kind, raw) in fields.Ids)
            if (kind == IdHeader.AltMessageId)
                foreach (var id in MessageIds.OwnIds(raw))
                    if (!ownIds.Contains(id) && !altIds.Contains(id)) altIds.Add(id);
        var synthetic = ownIds.Count == 0;
        var messageId = synthetic ? $"{contentHash[..24]}@ktriage.synthetic" : ownIds[0];
        var (date, fromHeader) = DateOf(fields.Date, fallbackDate);

        return new Message
        {
            MessageId = messageId,
            SyntheticId = synthetic,
            OtherIds = ownIds.Count > 1 || altIds.Count > 0 ? [.. ownIds.Skip(1), .. altIds] : [],
            References = References(fields, ownIds, altIds, out var parent),
            InReplyTo = parent,
            From = fields.From.Count > 0 ? fields.From[0] : null,
            To = fields.To,
            Cc = fields.Cc,
            Date = date,
            DateFromHeader = fromHeader,
            Subject = Clean(fields.Subject),
            Body = body,
            Attachments = attachments,
            OtherFileNames = otherFileNames,
            ContentHash = contentHash,
            Raw = bytes,
            Notes = notes,
        };
    }

    /// <summary>public-inbox's references(): References then In-Reply-To, without duplicates, the message's own
    /// ids, sender/recipient addresses (git send-email once stored addresses there) or 'y'/'n' answers.
    /// <paramref name="parent"/>: the direct parent, the last id of In-Reply-To, else the last of References.</summary>
    static IReadOnlyList<string> References(HeaderFields fields, List<string> ownIds, List<string> altIds, out string? parent)
    {
        string? lastReference = null, lastReply = null;
        List<string>? refs = null;
        HashSet<string>? seen = null;
        foreach (var field in (ReadOnlySpan<IdHeader>)[IdHeader.References, IdHeader.InReplyTo])
            foreach (var (kind, raw) in fields.Ids)
            {
                if (kind != field) continue;
                foreach (var id in MessageIds.AllIn(raw))
                {
                    if (field == IdHeader.References) lastReference = id; else lastReply = id;
                    if ((seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(id) && id is not ("y" or "n") && !IsAddress(fields, id)
                        && id.Length <= MessageIds.MaxLength && !ownIds.Contains(id) && !altIds.Contains(id))
                        (refs ??= []).Add(id);
                }
            }
        parent = lastReply ?? lastReference;
        return refs ?? (IReadOnlyList<string>)[];
    }

    static bool IsAddress(HeaderFields fields, string id)
    {
        foreach (var list in (ReadOnlySpan<List<MailAddress>>)[fields.From, fields.To, fields.Cc])
            foreach (var a in list)
                if (a.Email == id) return true;
        return false;
    }

    static (DateTimeOffset, bool) DateOf(string? value, DateTimeOffset? fallback)
    {
        if (value is not null && DateUtils.TryParse(value, out var d) && d.Year is >= 1970 and < 2200)
            return (d, true);
        return (fallback ?? DateTimeOffset.UnixEpoch, false);
    }

    internal static MailAddress Address(MailboxAddress mb) => new(Clean(mb.Name), mb.Address ?? "");

    /// <summary>Body = first inline text/plain part (the text side of multipart/alternative; HTML never);
    /// patches and further text parts become attachments, in message order; the names of the other parts go to
    /// <paramref name="otherFileNames"/>.</summary>
    static (string Body, IReadOnlyList<TextAttachment> Attachments) TextParts(byte[] bytes, MimeMessage mime, MailLimits.PartBudget budget, List<string> otherFileNames)
    {
        string? body = null;
        var attachments = new List<TextAttachment>();
        foreach (var entity in mime.BodyParts)
        {
            if (!budget.Take(entity)) break;
            switch (entity)
            {
                case TextPart text when text.IsHtml:
                    if (!string.IsNullOrEmpty(text.FileName)) otherFileNames.Add(text.FileName);
                    continue;
                case TextPart text:
                {
                    var decoded = PartText.Of(bytes, text, text.ContentType.Charset);
                    var type = text.ContentType.MimeType.ToLowerInvariant();
                    if (body is null && type == "text/plain" && !text.IsAttachment) body = decoded;
                    else attachments.Add(new TextAttachment(text.FileName, type, decoded));
                    break;
                }
                case MessagePart { Message: { } inner }:
                {
                    var (innerBody, innerAttachments) = TextParts(bytes, inner, budget, otherFileNames);
                    attachments.Add(new TextAttachment(null, "message/rfc822", innerBody));
                    attachments.AddRange(innerAttachments);
                    break;
                }
                // Mail clients often send an attached .c file or log as application/octet-stream: when it is printable
                // UTF-8 it is text (public-inbox indexes it so too), kept with its type so patch parsing can tell it apart.
                case MimePart part when part.ContentType.IsMimeType("application", "octet-stream") && PrintableText(bytes, part) is { } text:
                    attachments.Add(new TextAttachment(part.FileName, OctetStream, text));
                    break;
                case MimePart { FileName: { Length: > 0 } name }:
                    otherFileNames.Add(name);
                    break;
            }
        }
        // A lone text part that is not text/plain (e.g. text/x-patch as the whole body) is still the body.
        if (body is null && attachments.Count > 0 && mime.Body is TextPart { IsAttachment: false })
        {
            body = attachments[0].Text;
            attachments.RemoveAt(0);
        }
        return (body ?? "", attachments);
    }

    /// <summary>The content type of an octet-stream part kept as text.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>The part's bytes as UTF-8 text when they are valid UTF-8 with no control characters but whitespace; else null.</summary>
    static string? PrintableText(byte[] bytes, MimePart part)
    {
        try
        {
            return PartText.Decoded(bytes, part, static (content, _) =>
            {
                if (!System.Text.Unicode.Utf8.IsValid(content)) return null;
                var text = Encoding.UTF8.GetString(content);
                foreach (var c in text)
                    if (char.IsControl(c) && !char.IsWhiteSpace(c)) return null;
                return text;
            }, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    static string Clean(string? s) =>
        string.IsNullOrEmpty(s) ? "" : s.Replace("\r", "").Replace("\n", " ").Replace("\t", " ").Trim();
}
