using MimeKit;

namespace Ktriage.Core.Mail;

/// <summary>The <see cref="InputLimits"/> of one message: size and header block checked on the bytes before MimeKit
/// sees them, nesting depth given to MimeKit, and a budget of parts for the walk over the MIME tree.</summary>
internal static class MailLimits
{
    /// <exception cref="InputLimitException">over the message size, header count or header length limit.</exception>
    public static void Check(byte[] bytes, InputLimits limits)
    {
        CheckSize(bytes, limits);
        // The header block: field lines ("Name: value") and their folded continuations, up to the first line
        // that is neither (a blank line, or body text in a message without headers).
        int fields = 0, fieldStart = 0;
        for (int i = 0; i < bytes.Length;)
        {
            int nl = Array.IndexOf(bytes, (byte)'\n', i);
            int end = nl < 0 ? bytes.Length : nl;
            var line = bytes.AsSpan(i, end - i);
            if (line.IsEmpty || line is [(byte)'\r']) break;
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (fields == 0) break;
            }
            else
            {
                int colon = line.IndexOf((byte)':');
                if (colon <= 0 || line[..colon].TrimEnd((byte)' ').IndexOfAny((byte)' ', (byte)'\t') >= 0) break;
                CheckFieldCount(++fields, limits);
                fieldStart = i;
            }
            CheckFieldLength(bytes, fieldStart, end, limits);
            i = end + 1;
        }
    }

    /// <exception cref="InputLimitException">over the message size limit.</exception>
    public static void CheckSize(byte[] bytes, InputLimits limits)
    {
        if (bytes.Length > limits.MessageBytes)
            throw new InputLimitException($"message is {bytes.Length:N0} bytes, over the limit of {limits.MessageBytes:N0} (KTRIAGE_MAX_MESSAGE_BYTES)");
    }

    /// <summary>The checks of <see cref="Check"/> on one field line, for a reader that walks the header block itself
    /// (<see cref="PlainTextMessage"/>): <paramref name="fields"/> fields so far.</summary>
    public static void CheckFieldCount(int fields, InputLimits limits)
    {
        if (fields > limits.Headers) TooManyFields(limits);
    }

    // The throws are apart so that the checks, run on every header line, stay small enough to inline.
    static void TooManyFields(InputLimits limits) =>
        throw new InputLimitException($"message has more than {limits.Headers:N0} header fields (KTRIAGE_MAX_HEADERS)");

    static void FieldTooLong(byte[] bytes, int fieldStart, InputLimits limits) =>
        throw new InputLimitException($"message has a header field longer than {limits.HeaderBytes:N0} bytes (KTRIAGE_MAX_HEADER_BYTES): {Name(bytes, fieldStart)}");

    /// <summary>The field starting at <paramref name="fieldStart"/> runs at least to <paramref name="lineEnd"/> (a '\n').</summary>
    public static void CheckFieldLength(byte[] bytes, int fieldStart, int lineEnd, InputLimits limits)
    {
        if (lineEnd - fieldStart > limits.HeaderBytes) FieldTooLong(bytes, fieldStart, limits);
    }

    static string Name(byte[] bytes, int at)
    {
        var line = bytes.AsSpan(at, Math.Min(80, bytes.Length - at));
        int colon = line.IndexOf((byte)':');
        return System.Text.Encoding.Latin1.GetString(colon > 0 ? line[..colon] : line);
    }

    sealed record Cached(InputLimits Limits, ParserOptions Options);
    static Cached? cached;

    /// <summary>The parser options with MimeKit's own nesting bound set to ours (deeper parts become opaque leaves).</summary>
    public static ParserOptions OptionsFor(ParserOptions options, InputLimits limits)
    {
        if (cached is { } c && ReferenceEquals(c.Limits, limits)) return c.Options;
        var clone = options.Clone();
        clone.MaxMimeDepth = limits.MimeDepth;
        cached = new Cached(limits, clone);
        return clone;
    }

    /// <summary>Counts the parts read and notes, once each, when the part limit or the depth limit cut something.</summary>
    public sealed class PartBudget(InputLimits limits, List<string> notes)
    {
        int taken;
        bool depthNoted, partsNoted;

        public bool Take(MimeEntity entity)
        {
            if (++taken > limits.MimeParts)
            {
                if (!partsNoted) notes.Add($"only the first {limits.MimeParts:N0} MIME parts were read (KTRIAGE_MAX_MIME_PARTS)");
                partsNoted = true;
                return false;
            }
            // What MimeKit stopped parsing at the depth limit stays a leaf that still says it is a container.
            if (!depthNoted && entity is MimePart && entity.ContentType is { } t && (t.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase)
                || t.IsMimeType("message", "rfc822")))
            {
                notes.Add($"MIME parts nested deeper than {limits.MimeDepth} levels were not read (KTRIAGE_MAX_MIME_DEPTH)");
                depthNoted = true;
            }
            return true;
        }
    }
}
