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

    static MailParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Message Parse(RawMessage raw) => Parse(raw.Bytes, raw.CommitTime);

    /// <param name="bytes">the message as stored.</param>
    /// <param name="fallbackDate">used when Date is missing or unparseable (git commit time).</param>
    /// <exception cref="InputLimitException">the message is over the size, header count or header length limit.</exception>
    public static Message Parse(byte[] bytes, DateTimeOffset? fallbackDate = null)
    {
        var limits = InputLimits.Current;
        MailLimits.Check(bytes, limits);
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        MimeMessage mime;
        try
        {
            // Persistent: parts reference the byte array instead of copying it (the bytes are kept anyway), so the
            // stream must stay open: it is a view on the array and owns nothing.
            var stream = new MemoryStream(bytes, writable: false);
            mime = new MimeParser(MailLimits.OptionsFor(Options, limits), stream, MimeFormat.Entity, persistent: true).ParseMessage();
        }
        catch (FormatException)
        {
            // Not even a header block: keep the bytes as the body so nothing is lost.
            mime = new MimeMessage { Body = new TextPart("plain") { Text = Encoding.Latin1.GetString(bytes) } };
        }

        // Disposed when done: MimeContent has a finalizer, and leaving tens of thousands of them to the finalizer
        // thread cost more CPU than parsing (profiled on io-uring).
        using var _ = mime;
        var headers = mime.Headers;
        var ownIds = headers.Where(h => h.Id == HeaderId.MessageId).SelectMany(h => MessageIds.OwnIds(RawValue(h))).Distinct().ToList();
        var altIds = headers.Where(h => h.Field.Equals("X-Alt-Message-ID", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => MessageIds.OwnIds(RawValue(h))).Where(id => !ownIds.Contains(id)).Distinct().ToList();
        var synthetic = ownIds.Count == 0;
        var messageId = synthetic ? $"{contentHash[..24]}@ktriage.synthetic" : ownIds[0];

        var from = Addresses(mime.From).FirstOrDefault();
        var to = Addresses(mime.To);
        var cc = Addresses(mime.Cc);

        var (date, fromHeader) = DateOf(headers, fallbackDate);
        var notes = new List<string>();
        var otherFileNames = new List<string>();
        var (body, attachments) = TextParts(mime, new MailLimits.PartBudget(limits, notes), otherFileNames);

        return new Message
        {
            MessageId = messageId,
            SyntheticId = synthetic,
            OtherIds = [.. ownIds.Skip(1), .. altIds],
            References = References(headers, [.. ownIds, .. altIds], mime),
            InReplyTo = Parent(headers),
            From = from,
            To = to,
            Cc = cc,
            Date = date,
            DateFromHeader = fromHeader,
            Subject = Clean(mime.Subject),
            Body = body,
            Attachments = attachments,
            OtherFileNames = otherFileNames,
            ContentHash = contentHash,
            Raw = bytes,
            Notes = notes,
        };
    }

    /// <summary>public-inbox's references(): References then In-Reply-To, without duplicates, the message's own
    /// ids, sender/recipient addresses (git send-email once stored addresses there) or 'y'/'n' answers.</summary>
    static IReadOnlyList<string> References(HeaderList headers, List<string> ownIds, MimeMessage mime)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { "y", "n" };
        foreach (var a in mime.From.Mailboxes.Concat(mime.To.Mailboxes).Concat(mime.Cc.Mailboxes))
            if (!string.IsNullOrEmpty(a.Address)) seen.Add(a.Address);
        var refs = new List<string>();
        foreach (var field in new[] { HeaderId.References, HeaderId.InReplyTo })
            foreach (var h in headers.Where(h => h.Id == field))
                foreach (var id in MessageIds.AllIn(RawValue(h)))
                    if (seen.Add(id)) refs.Add(id);
        refs.RemoveAll(r => r.Length > MessageIds.MaxLength || ownIds.Contains(r));
        return refs;
    }

    static string? Parent(HeaderList headers)
    {
        var irt = headers.Where(h => h.Id == HeaderId.InReplyTo).SelectMany(h => MessageIds.AllIn(RawValue(h))).LastOrDefault();
        return irt ?? headers.Where(h => h.Id == HeaderId.References).SelectMany(h => MessageIds.AllIn(RawValue(h))).LastOrDefault();
    }

    /// <summary>The header's bytes as written (Latin-1 keeps every byte), not RFC 2047-decoded.</summary>
    static string RawValue(Header h) => Encoding.Latin1.GetString(h.RawValue);

    static (DateTimeOffset, bool) DateOf(HeaderList headers, DateTimeOffset? fallback)
    {
        var value = headers[HeaderId.Date];
        if (value is not null && DateUtils.TryParse(value, out var d) && d.Year is >= 1970 and < 2200)
            return (d, true);
        return (fallback ?? DateTimeOffset.UnixEpoch, false);
    }

    static IReadOnlyList<MailAddress> Addresses(InternetAddressList list)
    {
        var result = new List<MailAddress>();
        foreach (var mb in list.Mailboxes)
            result.Add(new MailAddress(Clean(mb.Name), mb.Address ?? ""));
        return result;
    }

    /// <summary>Body = first inline text/plain part (the text side of multipart/alternative; HTML never);
    /// patches and further text parts become attachments, in message order; the names of the other parts go to
    /// <paramref name="otherFileNames"/>.</summary>
    static (string Body, IReadOnlyList<TextAttachment> Attachments) TextParts(MimeMessage mime, MailLimits.PartBudget budget, List<string> otherFileNames)
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
                    var decoded = Decode(text);
                    var type = text.ContentType.MimeType.ToLowerInvariant();
                    if (body is null && type == "text/plain" && !text.IsAttachment) body = decoded;
                    else attachments.Add(new TextAttachment(text.FileName, type, decoded));
                    break;
                }
                case MessagePart { Message: { } inner }:
                {
                    var (innerBody, innerAttachments) = TextParts(inner, budget, otherFileNames);
                    attachments.Add(new TextAttachment(null, "message/rfc822", innerBody));
                    attachments.AddRange(innerAttachments);
                    break;
                }
                // Mail clients often send an attached .c file or log as application/octet-stream: when it is printable
                // UTF-8 it is text (public-inbox indexes it so too), kept with its type so patch parsing can tell it apart.
                case MimePart part when part.ContentType.IsMimeType("application", "octet-stream") && PrintableText(part) is { } text:
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

    /// <summary>Decodes a text part with its declared charset; unknown, missing or invalid charsets fall back to
    /// UTF-8, and to Latin-1 when the bytes are not valid UTF-8.</summary>
    internal static string Decode(TextPart part)
    {
        byte[] content;
        try
        {
            using var ms = new MemoryStream();
            part.Content?.DecodeTo(ms);
            content = ms.ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A part whose transfer encoding cannot be undone yields no text; the message itself is kept.
            return "";
        }
        var charset = part.ContentType.Charset;
        Encoding? declared = null;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try { declared = Encoding.GetEncoding(charset.Trim().Trim('"')); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException) { }
        }
        if (declared is not null && declared.CodePage != Encoding.UTF8.CodePage && declared.CodePage != 20127 /* us-ascii */)
            return declared.GetString(content);
        try { return StrictUtf8.GetString(content); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(content); }
    }

    /// <summary>The content type of an octet-stream part kept as text.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>The part's bytes as UTF-8 text when they are valid UTF-8 with no control characters but whitespace; else null.</summary>
    static string? PrintableText(MimePart part)
    {
        try
        {
            using var ms = new MemoryStream();
            part.Content?.DecodeTo(ms);
            var text = StrictUtf8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
            foreach (var c in text)
                if (char.IsControl(c) && !char.IsWhiteSpace(c)) return null;
            return text;
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }

    static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    static string Clean(string? s) =>
        string.IsNullOrEmpty(s) ? "" : s.Replace("\r", "").Replace("\n", " ").Replace("\t", " ").Trim();
}
