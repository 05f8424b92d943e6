using Ktriage.Core.Mail;
using Ktriage.Core.Patches;

namespace Ktriage.Store;

/// <summary>The patch series a stored message belongs to, with its other revisions (CLI <c>series</c> and the web UI).</summary>
public static class SeriesFinder
{
    /// <param name="parse">how a stored message is parsed (the web UI passes its cache); default: its first copy.</param>
    /// <returns>the series (null when the thread has none) and the parsed messages it was built from.</returns>
    public static (PatchSeries? Series, List<Message> Messages) Find(IArchiveStore store, MessageRow first, SeriesOptions? options = null, Func<MessageRow, Message>? parse = null)
    {
        options ??= SeriesOptions.Default;
        parse ??= m => MailParser.Parse(store.Copies(m.Id)[0].Raw);
        // The thread holds the posting and its replies; rerolls threaded to it come along too.
        var threads = new HashSet<long> { first.ThreadId };
        var messages = Load(store, threads, parse);
        var series = Pick(SeriesBuilder.Build(messages, options), messages, first.MessageId);
        if (series is null) return (null, messages);
        // Other revisions often start new threads: same sender, same patch or cover titles.
        if (RelatedThreads(store, series).Any(threads.Add))
        {
            messages = Load(store, threads, parse);
            series = Pick(SeriesBuilder.Build(messages, options), messages, first.MessageId) ?? series;
        }
        return (series, messages);
    }

    static List<Message> Load(IArchiveStore store, IEnumerable<long> threads, Func<MessageRow, Message> parse) =>
        threads.SelectMany(store.ThreadMessages).Select(parse).ToList();

    static IEnumerable<long> RelatedThreads(IArchiveStore store, PatchSeries series)
    {
        var email = series.Author?.Email;
        if (string.IsNullOrEmpty(email)) yield break;
        var titles = series.Revisions.SelectMany(r => r.Patches.Select(p => p.Title).Append(r.Title))
            .Select(SubjectInfo.Normalize).Where(t => t.Length > 0).Distinct().Take(8).ToList();
        foreach (var title in titles)
        {
            var fts = SearchText.ToFts(title);
            if (fts.Length == 0) continue;
            foreach (var row in store.Search(fts, 200))
            {
                var subject = SubjectInfo.Parse(row.Subject);
                if (!subject.IsReply && subject.Normalized == title && string.Equals(row.FromEmail, email, StringComparison.OrdinalIgnoreCase))
                    yield return row.ThreadId;
            }
        }
    }

    /// <summary>The series containing the message itself, or the one it replies to, else the thread's first.</summary>
    static PatchSeries? Pick(IReadOnlyList<PatchSeries> all, List<Message> messages, string messageId)
    {
        bool Contains(PatchSeries s, string id) => s.Revisions.Any(r => r.CoverMessageId == id || r.Patches.Any(p => p.MessageId == id));
        if (all.FirstOrDefault(s => Contains(s, messageId)) is { } direct) return direct;
        var byId = new Dictionary<string, Message>(StringComparer.Ordinal);
        foreach (var m in messages) byId.TryAdd(m.MessageId, m);
        for (var cur = byId.GetValueOrDefault(messageId); cur?.InReplyTo is { } parent; cur = byId.GetValueOrDefault(parent))
            if (all.FirstOrDefault(s => Contains(s, parent)) is { } s) return s;
        return all.FirstOrDefault();
    }
}
