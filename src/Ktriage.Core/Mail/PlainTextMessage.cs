using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Ktriage.Core.Mail;

/// <summary>
/// The common case of list mail, a single text/plain part (98% of io-uring), read without MimeParser and its entity
/// tree. Only the header block's framing is done here: MimeParser builds a Header object (name string, value array,
/// HeaderList dictionary entry) for each of the ~30 fields of a list message (Received, DKIM, ARC…) when about ten
/// are read, and that was most of the parse cost. Every value that is read is still decoded by MimeKit, with the same
/// calls its parser and entity classes make: RFC 2047 and unfolding (<see cref="Rfc2047.DecodeText(ParserOptions, byte[], int, int)"/>,
/// <see cref="Header.Unfold"/>), addresses, Content-Type, Content-Disposition, Content-Transfer-Encoding and the
/// transfer decoders. Anything this framing does not recognise as plain — a field line MimeParser might read
/// differently, a byte-order mark, no blank line before the body, a repeated Content-* field, a type other than
/// text/plain, an attachment disposition, an address list MimeKit only parses leniently — returns null and the message
/// goes through MimeKit whole. MailParserEquivalenceTests and `GitReadBench mimediff` check both give the same Message.
/// </summary>
internal static class PlainTextMessage
{
    public sealed record Result(MailParser.HeaderFields Fields, string Body);

    enum Field : byte { Other, MessageId, AltMessageId, References, InReplyTo, From, To, Cc, Subject, Date, ContentType, ContentTransferEncoding, ContentDisposition }

    /// <summary>The message's fields and body, or null when the message is not a plain single text part (see the class remarks).
    /// The header limits are checked on the way, as <see cref="MailLimits.Check"/> does (on a block read here, its walk
    /// sees the same lines and fields): a caller that gets null must still call it.</summary>
    /// <exception cref="InputLimitException">over the header count or header length limit.</exception>
    public static Result? TryRead(byte[] bytes, ParserOptions options, InputLimits limits)
    {
        if (limits.MimeParts < 1) return null;
        var fields = new MailParser.HeaderFields();
        (int Start, int End) contentType = default, encoding = default, disposition = default;
        int fieldStart = -1, valueStart = 0, i = 0, count = 0, bodyStart;
        var kind = Field.Other;
        while (true)
        {
            // Header lines end at '\n' as in MimeParser (a CR before it stays in the raw value); a block that runs to
            // the end of the bytes without a blank line is left to MimeKit.
            int nl = bytes.AsSpan(i).IndexOf((byte)'\n');
            if (nl < 0) return null;
            nl += i;
            var first = bytes[i];
            var blank = nl == i || (nl == i + 1 && first == (byte)'\r');
            if (blank || first is not ((byte)' ' or (byte)'\t'))
            {
                // A new field (or the end of the block) ends the previous field: its raw value runs from after the
                // colon through the newline of its last folded line, as MimeParser hands it to Header.
                if (fieldStart >= 0 && !Take(kind, bytes, valueStart, i, options, fields, ref contentType, ref encoding, ref disposition))
                    return null;
                if (blank) { bodyStart = nl + 1; break; }
                // "Name:" with printable ASCII names only; MimeParser also accepts blanks before the colon, 8-bit names
                // and recovers from lines without a colon, each in its own way: those go to MimeKit.
                int colon = i;
                while (colon < nl && bytes[colon] is >= 33 and <= 126 and not (byte)':') colon++;
                if (colon == i || colon == nl || bytes[colon] != (byte)':') return null;
                MailLimits.CheckFieldCount(++count, limits);
                fieldStart = i;
                valueStart = colon + 1;
                kind = KindOf(bytes.AsSpan(i, colon - i));
            }
            else if (fieldStart < 0) return null; // a folded line before any field
            MailLimits.CheckFieldLength(bytes, fieldStart, nl, limits);
            i = nl + 1;
        }
        if (count == 0) return null;

        string? charset = null;
        if (contentType.End > 0)
        {
            // MimeParser keeps what it could read of a broken Content-Type; only types MimeKit reads whole are taken.
            if (!ContentType.TryParse(options, bytes, contentType.Start, contentType.End - contentType.Start, out var type)
                || !type.IsMimeType("text", "plain")) return null;
            charset = type.Charset;
        }
        // MimeEntity.IsAttachment: a disposition MimeKit cannot parse counts as none.
        if (disposition.End > 0 && ContentDisposition.TryParse(options, bytes, disposition.Start, disposition.End - disposition.Start, out var d)
            && d.IsAttachment) return null;
        // MimePart.ContentTransferEncoding: unknown values are the default (identity) encoding.
        var transfer = ContentEncoding.Default;
        if (encoding.End > 0) MimeUtils.TryParse(Value(bytes, encoding.Start, encoding.End, options), out transfer);

        var body = PartText.Of(bytes, bodyStart, bytes.Length - bodyStart, transfer, charset);
        return new Result(fields, body);
    }

    static bool Take(Field kind, byte[] bytes, int start, int end, ParserOptions options, MailParser.HeaderFields fields,
        ref (int, int) contentType, ref (int, int) encoding, ref (int, int) disposition)
    {
        switch (kind)
        {
            case Field.MessageId: fields.Ids.Add((MailParser.IdHeader.MessageId, Raw(bytes, start, end))); break;
            case Field.AltMessageId: fields.Ids.Add((MailParser.IdHeader.AltMessageId, Raw(bytes, start, end))); break;
            case Field.References: fields.Ids.Add((MailParser.IdHeader.References, Raw(bytes, start, end))); break;
            case Field.InReplyTo: fields.Ids.Add((MailParser.IdHeader.InReplyTo, Raw(bytes, start, end))); break;
            case Field.From: return Addresses(bytes, start, end, options, fields.From);
            case Field.To: return Addresses(bytes, start, end, options, fields.To);
            case Field.Cc: return Addresses(bytes, start, end, options, fields.Cc);
            // HeaderList's indexer (MimeMessage.Subject, Headers[Date]) returns the first field of a name.
            case Field.Subject: fields.Subject ??= Value(bytes, start, end, options); break;
            case Field.Date: fields.Date ??= Value(bytes, start, end, options); break;
            case Field.ContentType: return Once(ref contentType, start, end);
            case Field.ContentTransferEncoding: return Once(ref encoding, start, end);
            case Field.ContentDisposition: return Once(ref disposition, start, end);
        }
        return true;
    }

    /// <summary>A repeated Content-* field is left to MimeKit (which one wins differs between its classes).</summary>
    static bool Once(ref (int Start, int End) at, int start, int end)
    {
        if (at.End > 0) return false;
        at = (start, end);
        return true;
    }

    /// <summary>The id headers' bytes as written (Latin-1 keeps every byte), not RFC 2047-decoded: see MessageIds.</summary>
    static string Raw(byte[] bytes, int start, int end) => Encoding.Latin1.GetString(bytes, start, end - start);

    /// <summary>Header.Value: RFC 2047-decoded, then unfolded.</summary>
    static string Value(byte[] bytes, int start, int end, ParserOptions options) =>
        Header.Unfold(Rfc2047.DecodeText(options, bytes, start, end - start));

    /// <summary>MimeMessage's lazy address lists parse each field with the lenient internal flavour of
    /// InternetAddressList.TryParse, which skips a bad address where the public one fails; they agree whenever the
    /// public one succeeds. It also fails on an empty field, which MimeMessage just skips.</summary>
    static bool Addresses(byte[] bytes, int start, int end, ParserOptions options, List<MailAddress> into)
    {
        var raw = bytes.AsSpan(start, end - start);
        if (AddressCache.Find(options, raw, out var hash) is { } known)
        {
            into.AddRange(known);
            return true;
        }
        if (InternetAddressList.TryParse(options, bytes, start, end - start, out var list))
        {
            var parsed = list.Mailboxes.Select(MailParser.Address).ToArray();
            AddressCache.Add(options, raw, hash, parsed);
            into.AddRange(parsed);
            return true;
        }
        return raw.IndexOfAnyExcept(" \t\r\n"u8) < 0;
    }

    static Field KindOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when Ascii.EqualsIgnoreCase(name, "To"u8) => Field.To,
        2 when Ascii.EqualsIgnoreCase(name, "Cc"u8) => Field.Cc,
        4 when Ascii.EqualsIgnoreCase(name, "From"u8) => Field.From,
        4 when Ascii.EqualsIgnoreCase(name, "Date"u8) => Field.Date,
        7 when Ascii.EqualsIgnoreCase(name, "Subject"u8) => Field.Subject,
        10 when Ascii.EqualsIgnoreCase(name, "Message-ID"u8) => Field.MessageId,
        10 when Ascii.EqualsIgnoreCase(name, "References"u8) => Field.References,
        11 when Ascii.EqualsIgnoreCase(name, "In-Reply-To"u8) => Field.InReplyTo,
        12 when Ascii.EqualsIgnoreCase(name, "Content-Type"u8) => Field.ContentType,
        16 when Ascii.EqualsIgnoreCase(name, "X-Alt-Message-ID"u8) => Field.AltMessageId,
        19 when Ascii.EqualsIgnoreCase(name, "Content-Disposition"u8) => Field.ContentDisposition,
        25 when Ascii.EqualsIgnoreCase(name, "Content-Transfer-Encoding"u8) => Field.ContentTransferEncoding,
        _ => Field.Other,
    };
}
