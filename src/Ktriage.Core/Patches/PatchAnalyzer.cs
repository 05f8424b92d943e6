using Ktriage.Core.Mail;

namespace Ktriage.Core.Patches;

/// <summary>Message → <see cref="PatchInfo"/>. Runs on every ingested message: cheap, and never throws.</summary>
public static class PatchAnalyzer
{
    public static PatchInfo Analyze(Message message)
    {
        var subject = SubjectInfo.Parse(message.Subject);
        try
        {
            return AnalyzeCore(message, subject);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A parser bug must not stop ingest: keep what the subject says and report the problem.
            return new PatchInfo(message.MessageId, MessageKind.Comment, subject,
                [], null, [], [], [], [], null, null, Problem: $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The diff of a message: in the body, else in text/x-patch / text/x-diff (or other text) attachments; not
    /// in application/octet-stream ones, which patchwork and b4 do not read either.</summary>
    public static ParsedDiff DiffOf(Message message)
    {
        var diff = DiffParser.Parse(message.Body);
        if (message.Attachments.Count == 0) return diff;
        var files = new List<DiffFile>(diff.Files);
        var text = diff.Text;
        foreach (var a in message.Attachments)
        {
            if (a.ContentType == MailParser.OctetStream) continue;
            var ad = DiffParser.Parse(a.Text);
            if (ad.IsEmpty) continue;
            files.AddRange(ad.Files);
            text += ad.Text;
        }
        return files.Count == diff.Files.Count ? diff : new ParsedDiff(files, text);
    }

    static PatchInfo AnalyzeCore(Message message, SubjectInfo subject)
    {
        var body = message.Body ?? "";
        var diff = DiffOf(message);
        var pull = subject.IsReply ? null : PullRequest.Find(body);
        // "0/N" is a cover letter even when it carries an interdiff, an overall diff or a request-pull (b4's
        // view; patchwork would file it as a patch at position 0, which no series can apply). Pull is still set.
        var kind = subject.IsReply ? MessageKind.Comment
            : subject.CounterStated && subject.Counter == 0 ? MessageKind.CoverLetter
            : pull is not null ? MessageKind.PullRequest
            : !diff.IsEmpty ? MessageKind.Patch
            : MessageKind.Comment;

        IReadOnlyList<Trailer> trailers;
        IReadOnlyList<ReviewSignal> signals = [];
        string prose;
        MailAddress? author = null;
        if (kind == MessageKind.Comment)
        {
            prose = OwnText(body);
            var (found, _, _) = TrailerParser.Find(prose, followup: true, keepOthers: false);
            trailers = found;
            signals = ReviewSignals.Find(prose, found, message.From?.ToString());
        }
        else
        {
            var parts = TrailerParser.Split(body, keepBasement: false);
            trailers = parts.Trailers;
            prose = parts.Message;
            if (parts.GitHeaders.FirstOrDefault(h => h.LName == "from") is { Email: { } email } from)
                author = new MailAddress(from.PersonName ?? "", email);
        }
        var commits = CommitMentions.Find(prose, trailers);
        var patchId = kind is MessageKind.Patch or MessageKind.PullRequest ? PatchId.Compute(diff.Text) : null;
        return new PatchInfo(message.MessageId, kind, subject, diff.Files, diff.IsEmpty ? null : diff.Stat, diff.Functions,
            trailers, signals, commits, pull, patchId, author);
    }

    /// <summary>
    /// The reply's own words: no quoted lines, no "On … wrote:" attribution, nothing after the signature
    /// marker, and no diff (a reply carrying a reworked diff keeps only its prose).
    /// </summary>
    public static string OwnText(string body)
    {
        // Over spans of the lines into a pooled buffer, one string out: this runs on every reply at ingest. What is
        // kept (lines and the '\n's between them) is never longer than the body.
        using var lines = new TextLines(body.Replace("\r", ""));
        var kept = SmallPool<char>.Rent(Math.Max(1, body.Length));
        var n = 0;
        var any = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var l = lines[i];
            if (l.SequenceEqual("-- ")) break;
            if (l.StartsWith("diff --git ", StringComparison.Ordinal) || (l.StartsWith("--- ", StringComparison.Ordinal) && i + 1 < lines.Length && lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal)))
                break;
            if (l.TrimStart() is ['>', ..]) continue;
            // "On Mon, 1 Jan 2024, Foo wrote:" introducing a quote.
            if (l.TrimEnd().EndsWith("wrote:", StringComparison.Ordinal) && NextIsQuote(lines, i)) continue;
            if (any) kept[n++] = '\n';
            l.CopyTo(kept.AsSpan(n));
            n += l.Length;
            any = true;
        }
        var own = new string(kept, 0, n);
        SmallPool<char>.Return(kept);
        return own;
    }

    static bool NextIsQuote(TextLines lines, int i)
    {
        for (var k = i + 1; k < lines.Length && k < i + 3; k++)
        {
            if (lines[k].Trim().Length == 0) continue;
            return lines[k].TrimStart() is ['>', ..];
        }
        return false;
    }
}
