using System.Text;
using Ktriage.Core.Mail;

namespace Ktriage.Core.Patches;

/// <summary>Options mirroring <c>b4 am</c>'s.</summary>
/// <param name="NoAddTrailers">keep each patch body as sent (b4 am -T).</param>
/// <param name="AddMySob">append the user's Signed-off-by (b4 am -s).</param>
/// <param name="CopyCcs">add the patch's To/Cc as Cc: trailers (b4 am -c).</param>
/// <param name="AddLink">add "Link: {LinkPrefix}{msgid}" (b4 am -l).</param>
/// <param name="AddMessageId">add "Message-ID: &lt;msgid&gt;" (b4 am -i).</param>
/// <param name="TrailerOrder">b4's trailer-order: comma-separated globs for the trailers in the user's custody; "*" keeps order.</param>
/// <param name="Identity">the user (for Signed-off-by).</param>
public sealed record AmOptions(
    bool NoAddTrailers = false,
    bool AddMySob = false,
    bool CopyCcs = false,
    bool AddLink = false,
    bool AddMessageId = false,
    string TrailerOrder = "*",
    MailAddress? Identity = null,
    string LinkPrefix = "https://patch.msgid.link/")
{
    public static AmOptions Default { get; } = new();
}

/// <summary>
/// Writes a revision as a git-am-ready mbox, like <c>b4 am -o -</c>: per patch the subject, author, date
/// and Message-Id, then the commit message with its trailers (existing ones in place, collected ones appended
/// in b4's order), the notes/diffstat after "---", and the diff. Pure: the caller supplies the messages.
/// </summary>
public static class AmMbox
{
    public static string Write(SeriesRevision revision, IEnumerable<Message> messages, AmOptions? options = null)
    {
        var byId = new Dictionary<string, Message>(StringComparer.Ordinal);
        foreach (var m in messages) byId.TryAdd(m.MessageId, m);
        return Write(revision, id => byId.GetValueOrDefault(id), options);
    }

    public static string Write(SeriesRevision revision, Func<string, Message?> lookup, AmOptions? options = null)
    {
        options ??= AmOptions.Default;
        var sb = new StringBuilder();
        foreach (var p in revision.Patches.OrderBy(p => p.Counter))
        {
            if (lookup(p.MessageId) is not { } m) continue;
            sb.Append(RenderPatch(p, m, options, revision.Version));
        }
        return sb.ToString();
    }

    /// <summary>One patch as an mbox entry (ends with the blank separator line).</summary>
    /// <param name="revisionVersion">the revision being written: a patch a partial reroll took from an earlier
    /// revision is labelled with this version, as b4 does.</param>
    public static string RenderPatch(SeriesPatch patch, Message message, AmOptions options, int? revisionVersion = null)
    {
        var body = options.NoAddTrailers ? Normalize(message.Body) : FixTrailers(patch, message, options);
        // A diff sent as an attachment belongs in the commit too.
        if (DiffParser.Parse(body).IsEmpty)
        {
            var diff = PatchAnalyzer.DiffOf(message);
            if (!diff.IsEmpty) body = body.TrimEnd('\n') + "\n---\n" + diff.Text;
        }
        var info = SubjectInfo.Parse(message.Subject);
        if (patch.InheritedFromVersion is not null && revisionVersion is { } v) info = info with { Version = v, VersionStated = true };
        var subject = info.AmSubject();
        var ascii = body.All(c => c < 128);
        var sb = new StringBuilder();
        sb.Append("From git@z Thu Jan  1 00:00:00 1970\n");
        sb.Append("Subject: ").Append(EncodeHeader(subject)).Append('\n');
        sb.Append("From: ").Append(FormatAddress(message.From)).Append('\n');
        sb.Append("Date: ").Append(DateHeader(message)).Append('\n');
        sb.Append("Message-Id: <").Append(message.MessageId).Append(">\n");
        sb.Append("MIME-Version: 1.0\n");
        sb.Append("Content-Type: text/plain; charset=\"utf-8\"\n");
        sb.Append("Content-Transfer-Encoding: ").Append(ascii ? "7bit" : "8bit").Append("\n\n");
        foreach (var line in body.Split('\n'))
        {
            // mboxrd: a body line that looks like an mbox separator gets one more '>'.
            if (line.TrimStart('>').StartsWith("From ", StringComparison.Ordinal)) sb.Append('>');
            sb.Append(line).Append('\n');
        }
        // body ends with '\n', so the split left an empty last element: that is the separator line.
        return sb.ToString();
    }

    static string FixTrailers(SeriesPatch patch, Message message, AmOptions options) =>
        FixTrailers(message.Body, patch.Collected.Select(c => c.Trailer), message.MessageId, [.. message.To, .. message.Cc], options);

    /// <summary>b4's fix_trailers: body trailers, then follow-ups, extras, Cc's and our sign-off, optionally reordered.</summary>
    /// <param name="body">a patch mail body or a commit message body (without its subject line).</param>
    /// <param name="collected">follow-up trailers to add.</param>
    /// <param name="messageId">the patch's Message-ID, for AddLink/AddMessageId.</param>
    /// <param name="recipients">To and Cc, for CopyCcs.</param>
    internal static string FixTrailers(string body, IEnumerable<Trailer> collected, string? messageId, IReadOnlyList<MailAddress> recipients, AmOptions options)
    {
        var parts = TrailerParser.Split(body);
        var btrailers = parts.Trailers.ToList();
        var identity = options.Identity;
        var sob = identity is null ? null : Trailer.Create("Signed-off-by", $"{identity.Name} <{identity.Email}>");
        var addSob = options.AddMySob;
        if (sob is not null && btrailers.FindIndex(t => t.SameAs(sob)) is var si and >= 0)
        {
            // Our own sign-off always moves to the bottom.
            btrailers.RemoveAt(si);
            addSob = true;
        }

        var added = collected.ToList();
        if (sob is not null && added.FindIndex(t => t.SameAs(sob)) is var ai and >= 0) { added.RemoveAt(ai); addSob = true; }
        if (options.AddLink && messageId is not null) added.Add(Trailer.Create("Link", options.LinkPrefix + messageId));
        if (options.AddMessageId && messageId is not null) added.Add(Trailer.Create("Message-ID", $"<{messageId}>"));
        if (options.CopyCcs)
        {
            // Sorted by domain then local part, as b4 does; addresses already named in a trailer are skipped.
            var dests = recipients
                .OrderBy(a => a.Email.Contains('@') ? a.Email[(a.Email.IndexOf('@') + 1)..] + a.Email[..a.Email.IndexOf('@')] : a.Email, StringComparer.Ordinal);
            foreach (var a in dests)
            {
                if (btrailers.Any(t => t.EmailMatches(a.Email))) continue;
                added.Add(Trailer.Create("Cc", string.IsNullOrEmpty(a.Name) ? a.Email : $"{a.Name} <{a.Email}>"));
            }
        }
        if (addSob && sob is not null) added.Add(sob);

        if (!string.IsNullOrWhiteSpace(options.TrailerOrder) && options.TrailerOrder.Trim() != "*")
        {
            // Only trailers in our chain of custody move: those after the last Signed-off-by in the body.
            for (var k = btrailers.Count - 1; k >= 0 && btrailers[k].LName != "signed-off-by"; k--)
            {
                added.Insert(0, btrailers[k]);
                btrailers.RemoveAt(k);
            }
            var ordered = new List<Trailer>();
            foreach (var glob in options.TrailerOrder.Split(',').Select(g => g.Trim().ToLowerInvariant()).Where(g => g.Length > 0))
            {
                foreach (var t in added.ToList())
                    if (GlobMatch(t.LName, glob)) { ordered.Add(t); added.Remove(t); }
            }
            ordered.AddRange(added);
            added = ordered;
        }

        // The commit's own trailers are re-emitted as written; collected ones in their normalised form.
        var own = new HashSet<Trailer>(btrailers, ReferenceEqualityComparer.Instance);
        var fixedTrailers = btrailers;
        foreach (var t in added)
            if (!fixedTrailers.Any(f => f.SameAs(t))) fixedTrailers.Add(t);

        var sb = new StringBuilder();
        if (parts.GitHeaders.Count > 0)
        {
            foreach (var h in parts.GitHeaders) sb.Append(h.AsString(omitExtInfo: true)).Append('\n');
            sb.Append('\n');
        }
        if (parts.Message.Length > 0) sb.Append(parts.Message.TrimEnd('\r', '\n')).Append('\n');
        if (fixedTrailers.Count > 0)
        {
            if (parts.Message.Length > 0) sb.Append('\n');
            foreach (var t in fixedTrailers) sb.Append(t.AsString(asWritten: own.Contains(t))).Append('\n');
        }
        var (notes, diff) = SplitBasement(parts.Basement);
        if (notes.Trim().Length > 0) sb.Append("---\n").Append(parts.Basement.TrimEnd('\n')).Append('\n');
        else if (diff.Length > 0) sb.Append('\n').Append(diff.TrimEnd('\n')).Append('\n');
        if (parts.Signature.Length > 0) sb.Append("-- \n").Append(parts.Signature).Append('\n');
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Notes (diffstat, changelog) before the diff, and the diff itself.</summary>
    static (string Notes, string Diff) SplitBasement(string basement)
    {
        var lines = basement.Split('\n');
        var offset = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var l = lines[i];
            if (l.StartsWith("diff ", StringComparison.Ordinal) || l.StartsWith("Index: ", StringComparison.Ordinal)
                || (l.StartsWith("--- ", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal)))
                return (basement[..offset], basement[offset..]);
            offset += l.Length + 1;
        }
        return (basement, "");
    }

    static bool GlobMatch(string s, string glob)
    {
        if (glob == "*") return true;
        if (glob.EndsWith('*') && glob.IndexOf('*') == glob.Length - 1) return s.StartsWith(glob[..^1], StringComparison.Ordinal);
        if (glob.StartsWith('*') && glob.LastIndexOf('*') == 0) return s.EndsWith(glob[1..], StringComparison.Ordinal);
        return s == glob;
    }

    static string Normalize(string body) => body.Replace("\r", "").Trim('\n') + "\n";

    static string DateHeader(Message m)
    {
        // Prefer the header as sent; fall back to formatting the parsed date.
        var raw = Encoding.Latin1.GetString(m.Raw, 0, Math.Min(m.Raw.Length, 64 * 1024)).Replace("\r", "");
        var end = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var head = end < 0 ? raw : raw[..end];
        foreach (var line in head.Split('\n'))
            if (line.StartsWith("Date:", StringComparison.OrdinalIgnoreCase) && m.DateFromHeader)
                return line[5..].Trim();
        var d = m.Date;
        var off = d.Offset;
        return d.ToString("ddd, d MMM yyyy HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture)
            + (off < TimeSpan.Zero ? "-" : "+") + off.ToString("hhmm", System.Globalization.CultureInfo.InvariantCulture);
    }

    static string FormatAddress(MailAddress? a)
    {
        if (a is null) return "";
        if (string.IsNullOrEmpty(a.Name)) return a.Email;
        var name = a.Name;
        if (!name.All(c => c < 128)) name = EncodeHeader(name);
        else if (name.IndexOfAny(['(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '.', '[', ']']) >= 0)
            name = "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return $"{name} <{a.Email}>";
    }

    static string EncodeHeader(string s) =>
        s.All(c => c < 128) ? s : $"=?utf-8?b?{Convert.ToBase64String(Encoding.UTF8.GetBytes(s))}?=";
}
