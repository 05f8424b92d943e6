using System.Net;
using System.Text.RegularExpressions;

namespace Ktriage.Sources.LorePage;

/// <summary>Turns a saved lore HTML page into the text a browser shows. Lore pages are one big &lt;pre&gt; per
/// message with inline &lt;a&gt;/&lt;b&gt;/&lt;u&gt; tags, so dropping tags and decoding entities keeps the layout;
/// a full HTML parser would add a dependency for no gain on this markup.</summary>
internal static partial class HtmlText
{
    public static string ToText(string html)
    {
        var s = Invisible().Replace(html, "");
        s = LineBreaks().Replace(s, "\n");
        s = Tags().Replace(s, "");
        return WebUtility.HtmlDecode(s);
    }

    public static bool LooksLikeHtml(string text) => HtmlStart().IsMatch(text);

    [GeneratedRegex(@"<(head|script|style)\b.*?</\1\s*>|<!--.*?-->", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<br\s*/?>|</(p|div|tr|h\d|li|table|pre)\s*>|<hr\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"^\s*(<!DOCTYPE html|<html\b|<head\b|<pre\b)", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlStart();
}
