using System.Text;
using System.Buffers;

namespace Ktriage.Web;

/// <summary>HTML building blocks. Every piece of mail text goes through <see cref="E"/>: mail is hostile input.</summary>
internal static class Html
{
    static readonly SearchValues<char> Special = SearchValues.Create("&<>\"'");

    /// <summary>Escaped for element text and quoted attribute values: the five characters that can end text or an
    /// attribute value (what lore escapes). Hand-written because the framework's HtmlEncoder also encodes '+', tabs and
    /// newlines, which triples the size of a diff page; the tests check hostile mail in a real browser.</summary>
    public static string E(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var i = text.AsSpan().IndexOfAny(Special);
        if (i < 0) return text;
        var sb = new StringBuilder(text.Length + 32).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A path segment for a Message-ID or list name, lore style: '/' becomes %2F, and so on.</summary>
    public static string Seg(string s) => Uri.EscapeDataString(s);

    public static string MsgUrl(string list, string messageId, string suffix = "") => $"/{Seg(list)}/{Seg(messageId)}/{suffix}";

    public static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm");

    public static string Day(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd");

    /// <summary>The page around <paramref name="body"/>: one stylesheet, no scripts.</summary>
    public static string Page(string title, string body, string? list = null, string? query = null, string? feed = null)
    {
        var sb = new StringBuilder(body.Length + 1024);
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append("</title><link rel=\"stylesheet\" href=\"/_/style.css\">");
        if (feed is not null) sb.Append("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"").Append(E(feed)).Append("\">");
        sb.Append("</head><body><header><nav><a href=\"/\">ktriage</a>");
        if (list is not null) sb.Append(" / <a href=\"/").Append(E(Seg(list))).Append("/\">").Append(E(list)).Append("</a>");
        sb.Append(" · <a href=\"/crashes/\">crashes</a> · <a href=\"/oops\">oops</a></nav>");
        var action = list is null ? "/search" : "/" + Seg(list) + "/";
        sb.Append("<form class=\"search\" action=\"").Append(E(action)).Append("\" method=\"get\"><input name=\"q\" type=\"search\" value=\"")
            .Append(E(query)).Append("\" placeholder=\"search").Append(list is null ? "" : " " + E(list)).Append("\"> <button>search</button></form></header><main>")
            .Append(body).Append("</main></body></html>");
        return sb.ToString();
    }
}
