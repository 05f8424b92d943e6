using Ktriage.Core;
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

    // NonBacktracking (hence no \1 backreference for the closing tag): an unclosed "<head" or "<a" would otherwise
    // be rescanned to the end of the page from every occurrence.
    const RegexOptions Linear = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    [GeneratedRegex(@"<head\b.*?</head\s*>|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->", RegexOptions.Singleline | Linear, SafeRegex.TimeoutMs)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<br\s*/?>|</(p|div|tr|h\d|li|table|pre)\s*>|<hr\b[^>]*>", Linear, SafeRegex.TimeoutMs)]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.NonBacktracking, SafeRegex.TimeoutMs)]
    private static partial Regex Tags();

    [GeneratedRegex(@"^\s*(<!DOCTYPE html|<html\b|<head\b|<pre\b)", RegexOptions.IgnoreCase, SafeRegex.TimeoutMs)]
    private static partial Regex HtmlStart();
}
