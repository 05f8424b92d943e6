namespace Ktriage.Core.Mail;

/// <summary>A decoded e-mail address.</summary>
public sealed record MailAddress(string Name, string Email)
{
    public override string ToString() =>
        string.IsNullOrEmpty(Name) ? Email : string.IsNullOrEmpty(Email) ? Name : $"{Name} <{Email}>";

    /// <summary>Name when present, else the address: how lore shows an author.</summary>
    public string Display => string.IsNullOrWhiteSpace(Name) ? Email : Name;
}

/// <summary>A text attachment kept as text: text/x-patch, text/x-diff, and other inline text parts after the first.</summary>
public sealed record TextAttachment(string? FileName, string ContentType, string Text);

/// <summary>A parsed message: the Mail layer's output and the input of every Understanding function.</summary>
public sealed class Message
{
    /// <summary>Normalized Message-ID: no angle brackets, no whitespace. Synthetic ids are stable (derived from the content hash).</summary>
    public required string MessageId { get; init; }
    public bool SyntheticId { get; init; }

    /// <summary>Further ids of this message (a second Message-ID header value, X-Alt-Message-ID): they thread like the main id.</summary>
    public IReadOnlyList<string> OtherIds { get; init; } = [];

    /// <summary>Referenced ids in public-inbox order (References, then In-Reply-To), deduplicated, self and sender addresses removed.</summary>
    public required IReadOnlyList<string> References { get; init; }

    /// <summary>Direct parent: In-Reply-To when present, else the last References entry.</summary>
    public string? InReplyTo { get; init; }

    public MailAddress? From { get; init; }
    public IReadOnlyList<MailAddress> To { get; init; } = [];
    public IReadOnlyList<MailAddress> Cc { get; init; } = [];

    /// <summary>The message's Date, or the fallback (git commit time) when the header is missing or broken.</summary>
    public required DateTimeOffset Date { get; init; }
    public bool DateFromHeader { get; init; } = true;

    /// <summary>Decoded subject ("" when missing).</summary>
    public required string Subject { get; init; }

    /// <summary>The main text: the text/plain body (the text part of multipart/alternative, never HTML), decoded.</summary>
    public required string Body { get; init; }

    /// <summary>text/x-patch, text/x-diff and further text/plain parts, decoded, in message order; also
    /// application/octet-stream parts that are printable UTF-8 (an attached reproducer or log).</summary>
    public IReadOnlyList<TextAttachment> Attachments { get; init; } = [];

    /// <summary>File names of the parts not kept as text (images, tarballs, HTML), in message order: searchable like
    /// public-inbox's (its fn: covers every named part).</summary>
    public IReadOnlyList<string> OtherFileNames { get; init; } = [];

    /// <summary>SHA-256 (hex) of the raw bytes: byte-identical re-deliveries are one message.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The raw bytes as received.</summary>
    public required byte[] Raw { get; init; }

    /// <summary>What parsing left out because of an <see cref="InputLimits"/> bound (MIME parts past the limit…), for the user.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Hash of the decoded text (line-end blanks ignored): two copies of one Message-ID with the same
    /// BodyHash are one message delivered twice (e.g. to two lists), even when To/Cc differ.</summary>
    public string BodyHash => bodyHash ??= ComputeBodyHash();
    string? bodyHash;

    string ComputeBodyHash()
    {
        // Streamed line by line into the hash: no copies of the text (this runs on every ingested message). Lines are
        // encoded in 256-character pieces, as they always were: a surrogate pair split between two pieces encodes as
        // two U+FFFD, and changing that would change the hash of stored messages.
        using var hash = new Utf8Hasher(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var pendingNewlines = 0;
        void Feed(string text)
        {
            foreach (var range in text.AsSpan().Split('\n'))
            {
                var line = text.AsSpan(range).TrimEnd();
                if (line.IsEmpty) { pendingNewlines++; continue; }
                for (; pendingNewlines > 0; pendingNewlines--) hash.Append((byte)'\n');
                while (!line.IsEmpty)
                {
                    var chunk = line[..Math.Min(line.Length, 256)];
                    hash.Append(chunk);
                    line = line[chunk.Length..];
                }
                pendingNewlines = 1;
            }
        }
        Feed(Body);
        foreach (var a in Attachments) { pendingNewlines = Math.Max(pendingNewlines, 1); Feed(a.Text); }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Body followed by every text attachment: what crash and diff scanners read.</summary>
    public string AllText => Attachments.Count == 0 ? Body : Body + "\n" + string.Join("\n", Attachments.Select(a => a.Text));
}
