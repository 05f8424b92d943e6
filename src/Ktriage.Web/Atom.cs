using System.Text;
using System.Xml;
using Ktriage.Store;
using Microsoft.AspNetCore.Http;

namespace Ktriage.Web;

/// <summary>Atom feeds (RFC 4287) of a list's newest messages and of a thread, written with XmlWriter.</summary>
internal static class Atom
{
    const string Ns = "http://www.w3.org/2005/Atom";
    public const int Entries = 25;

    public static IResult List(IArchiveStore store, MessageCache cache, string list) =>
        Feed(store, cache, $"{list}: newest messages", "/" + Html.Seg(list) + "/", store.NewestMessages(list, Entries));

    public static IResult Thread(IArchiveStore store, MessageCache cache, MessageRow any)
    {
        var thread = store.ThreadMessages(any.ThreadId);
        var title = thread.Count > 0 ? thread[0].Subject : any.Subject;
        return Feed(store, cache, title, Html.MsgUrl(any.List, any.MessageId, "T/"), thread.Reverse().Take(Entries * 4).ToList());
    }

    static IResult Feed(IArchiveStore store, MessageCache cache, string title, string self, IReadOnlyList<MessageRow> rows)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { Indent = false, OmitXmlDeclaration = false }))
        {
            w.WriteStartElement("feed", Ns);
            w.WriteElementString("title", Ns, Clean(title));
            w.WriteStartElement("link", Ns);
            w.WriteAttributeString("rel", "alternate");
            w.WriteAttributeString("href", self);
            w.WriteEndElement();
            w.WriteElementString("id", Ns, "urn:ktriage:" + Uri.EscapeDataString(self));
            w.WriteElementString("updated", Ns, Stamp(rows.Count > 0 ? rows.Max(r => r.Date) : DateTimeOffset.UnixEpoch));
            foreach (var m in rows)
            {
                var p = cache.Get(store, m);
                w.WriteStartElement("entry", Ns);
                w.WriteStartElement("author", Ns);
                w.WriteElementString("name", Ns, Clean(ArchivePages.Author(m)));
                if (m.FromEmail.Length > 0) w.WriteElementString("email", Ns, Clean(m.FromEmail));
                w.WriteEndElement();
                w.WriteElementString("title", Ns, Clean(ArchivePages.Subject(m.Subject)));
                w.WriteElementString("updated", Ns, Stamp(m.Date));
                w.WriteStartElement("link", Ns);
                w.WriteAttributeString("href", Html.MsgUrl(m.List, m.MessageId));
                w.WriteEndElement();
                w.WriteElementString("id", Ns, "urn:msgid:" + Uri.EscapeDataString(m.MessageId));
                w.WriteStartElement("content", Ns);
                w.WriteAttributeString("type", "text");
                w.WriteString(Clean(p.Mail.Body));
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        // XmlWriter declares utf-16 when writing to a StringBuilder; the bytes sent are UTF-8.
        var xml = sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"");
        return Results.Content(xml, "application/atom+xml; charset=utf-8", Encoding.UTF8);
    }

    static string Stamp(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    /// <summary>Drops characters XML 1.0 cannot carry (control bytes, lone surrogates), which mail does contain.</summary>
    static string Clean(string s)
    {
        if (s.All(XmlConvert.IsXmlChar)) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (XmlConvert.IsXmlChar(s[i])) sb.Append(s[i]);
            else if (i + 1 < s.Length && XmlConvert.IsXmlSurrogatePair(s[i + 1], s[i])) { sb.Append(s[i]).Append(s[i + 1]); i++; }
        }
        return sb.ToString();
    }
}
