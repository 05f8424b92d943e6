using Ktriage.Core.Links;
using Ktriage.Core.Mail;
using Ktriage.Core.Threads;

namespace Ktriage.Store;

/// <summary>The JSON objects of the CLI's --json output and of the web API (/api/v1): one definition for both.</summary>
public static class JsonShapes
{
    /// <summary>A message as listed (messages, search).</summary>
    public static object Row(MessageRow m) => new
    {
        messageId = m.MessageId,
        blob = m.Blob,
        list = m.List,
        threadId = m.ThreadId,
        subject = m.Subject,
        from = string.IsNullOrEmpty(m.From) ? m.FromEmail : $"{m.From} <{m.FromEmail}>",
        date = m.Date,
        inReplyTo = m.InReplyTo,
    };

    /// <summary>One stored copy, parsed (show).</summary>
    public static object Copy(CopyRow c, Message m) => new
    {
        messageId = m.MessageId, list = c.List, blob = c.Blob, origin = c.Origin, subject = m.Subject,
        from = m.From?.ToString(), to = m.To.Select(a => a.ToString()), cc = m.Cc.Select(a => a.ToString()),
        date = m.Date, inReplyTo = m.InReplyTo, references = m.References, body = m.Body,
        attachments = m.Attachments.Select(a => new { a.FileName, a.ContentType, a.Text }),
    };

    /// <summary>A nested thread (thread).</summary>
    public static object Thread(long threadId, int messages, IEnumerable<ThreadNode<MessageRow>> roots) =>
        new { threadId, messages, roots = roots.Select(Node) };

    static object Node(ThreadNode<MessageRow> n) => new
    {
        messageId = n.MessageId,
        ghost = n.IsGhost,
        subject = n.Value?.Subject,
        from = n.Value?.From,
        date = n.Value?.Date,
        children = n.Children.Select(Node),
    };

    /// <summary>A cluster as listed (crashes).</summary>
    public static object ClusterSummary(ClusterRow c, CrashStatus status, CrashRanking.RankedFix? best) => new
    {
        id = c.Id, title = c.Title, type = c.Type, count = c.Reports, copies = c.Copies, lists = c.Lists,
        firstSeen = c.FirstSeen, lastSeen = c.LastSeen, bot = c.Bot, botIds = c.BotIds,
        status = status.Name, daysToFix = status.DaysToFix,
        bestFix = best is null ? null : new { messageId = best.Row.MessageId, subject = best.Row.Subject, score = best.Score, status = best.Status },
    };

    /// <summary>One cluster with its reports and ranked fixes (crash).</summary>
    public static object Cluster(ClusterRow cluster, CrashStatus status, IEnumerable<ClusterReportRow> reports, IEnumerable<CrashRanking.RankedFix> ranked) => new
    {
        cluster = new
        {
            id = cluster.Id, title = cluster.Title, altTitles = cluster.AltTitles, type = cluster.Type,
            status = status.Name, statusDetail = CrashRanking.StatusJson(status),
            firstSeen = cluster.FirstSeen, lastSeen = cluster.LastSeen, lists = cluster.Lists,
            bot = cluster.Bot, botIds = cluster.BotIds, keyFunctions = cluster.KeyFunctions, guiltyFile = cluster.GuiltyFile,
        },
        reports = reports.Select(r => new
        {
            messageId = r.MessageId, list = r.List, date = r.Date, from = r.From, title = r.Title,
            bot = r.Bot, botId = r.BotId, copyOf = r.CopyOf, reason = r.Reason,
        }),
        fixes = ranked.Select(CrashRanking.FixJson),
    };
}
