using Ktriage.Core;
using System.Text;
using System.Text.RegularExpressions;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using static Ktriage.Web.Html;

namespace Ktriage.Web;

/// <summary>Mail text → HTML: every line escaped, quotes and diffs coloured, crash report lines marked, http(s) links
/// made clickable (only those schemes: a javascript: URL in a mail stays text).</summary>
internal static partial class MailRender
{
    [GeneratedRegex(@"https?://[^\s<>""'`\\{}|^\[\]]+", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex Url();

    public static string Body(ParsedMessage p)
    {
        if (p.BodyHtml is { } done) return done;
        var mail = p.Mail;
        var marked = new HashSet<int>();
        foreach (var r in p.Crashes)
            for (var l = r.StartLine; l <= r.EndLine && l - r.StartLine < 100_000; l++) marked.Add(l);
        var sb = new StringBuilder(mail.Body.Length * 5 / 4 + 256);
        sb.Append("<pre class=\"body\">");
        var line = 1;
        var inDiff = false;
        Lines(sb, mail.Body, ref line, ref inDiff, marked);
        foreach (var a in mail.Attachments)
        {
            sb.Append("<span class=\"muted\">---8&lt;--- attachment: ").Append(E(a.FileName ?? "(unnamed)")).Append(" (").Append(E(a.ContentType))
                .Append(") ---8&lt;---</span>\n");
            Lines(sb, a.Text, ref line, ref inDiff, marked);
        }
        sb.Append("</pre>");
        return p.BodyHtml = sb.ToString();
    }

    static void Lines(StringBuilder sb, string text, ref int line, ref bool inDiff, HashSet<int> marked)
    {
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var s = text[range].TrimEnd('\r');
            if (s.StartsWith("diff ", StringComparison.Ordinal) || s.StartsWith("Index: ", StringComparison.Ordinal)
                || (s.StartsWith("--- ", StringComparison.Ordinal) && !inDiff)) inDiff = true;
            else if (s == "-- " || s.StartsWith("base-commit:", StringComparison.Ordinal)) inDiff = false;
            string? cls = null;
            if (s.StartsWith('>')) cls = "q";
            else if (inDiff)
            {
                if (s.StartsWith("+++ ", StringComparison.Ordinal) || s.StartsWith("--- ", StringComparison.Ordinal)
                    || s.StartsWith("diff ", StringComparison.Ordinal) || s.StartsWith("index ", StringComparison.Ordinal)) cls = "dh";
                else if (s.StartsWith("@@", StringComparison.Ordinal)) cls = "hunk";
                else if (s.StartsWith('+')) cls = "add";
                else if (s.StartsWith('-')) cls = "del";
            }
            var oops = marked.Contains(line);
            if (oops) sb.Append("<span class=\"oopsline\">");
            if (cls is not null) sb.Append("<span class=\"").Append(cls).Append("\">");
            Linkify(sb, s);
            if (cls is not null) sb.Append("</span>");
            if (oops) sb.Append("</span>");
            sb.Append('\n');
            line++;
        }
    }

    public static void Linkify(StringBuilder sb, string s)
    {
        var at = 0;
        foreach (Match m in Url().Matches(s))
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', ')', '!', '?');
            sb.Append(E(s[at..m.Index]));
            sb.Append("<a href=\"").Append(E(url)).Append("\" rel=\"nofollow noreferrer\">").Append(E(url)).Append("</a>");
            at = m.Index + url.Length;
        }
        sb.Append(E(s[at..]));
    }

    /// <summary>The analysis of each crash report in the message, shown above its text.</summary>
    public static void Crashes(StringBuilder sb, ParsedMessage p, long? cluster)
    {
        foreach (var r in p.Crashes)
        {
            sb.Append("<div class=\"box crash\"><h3>").Append(E(r.Title)).Append("</h3><pre>");
            sb.Append("type ").Append(E(r.Type.Length > 0 ? r.Type : "?")).Append("  lines ").Append(r.StartLine).Append('-').Append(r.EndLine);
            if (r.Occurrences > 1) sb.Append("  ").Append(r.Occurrences).Append(" copies");
            if (r.Corrupted) sb.Append("  corrupted: ").Append(E(r.CorruptedReason));
            if (cluster is { } c) sb.Append("  <a href=\"/crashes/").Append(c).Append("/\">crash cluster ").Append(c).Append("</a>");
            sb.Append('\n');
            if (r.CrashSite is { } site) sb.Append("crash site ").Append(E(Frame(site))).Append('\n');
            if (r.GuiltyFile is not null || r.GuiltyFrame is not null)
                sb.Append("guilty ").Append(E(string.Join("  ", new[] { r.GuiltyFrame, r.GuiltyFile }.Where(x => x is not null)))).Append('\n');
            var who = new List<string>();
            if (r.KernelVersion is { } kv) who.Add("kernel " + kv);
            if (r.Comm is { } comm) who.Add($"{comm} (pid {r.Pid})");
            if (r.Taint is { Flags.Length: > 0 } t) who.Add("tainted " + t.Flags);
            if (r.Hardware is { } hw) who.Add(hw);
            if (who.Count > 0) sb.Append(E(string.Join(", ", who))).Append('\n');
            foreach (var h in r.Hints) sb.Append("hint ").Append(E(h.Kind)).Append(": ").Append(E(h.Message)).Append('\n');
            sb.Append("</pre></div>");
        }
    }

    public static string Frame(StackFrame f) =>
        f.Function + (f.Offset is null ? "" : "+" + f.Offset + (f.Size is null ? "" : "/" + f.Size))
        + (f.Module is null ? "" : $" [{f.Module}]") + (f.Source is null ? "" : "  " + f.Source);

    /// <summary>Diffstat and the message's own trailers for a patch; given trailers for a review reply.</summary>
    public static void Patch(StringBuilder sb, ParsedMessage p)
    {
        var info = p.Patch;
        if (info.Kind == MessageKind.Comment)
        {
            if (info.Trailers.Count == 0) return;
            sb.Append("<div class=\"box\"><h3>trailers given in this reply</h3><pre>");
            foreach (var t in info.Trailers) sb.Append(E(t.AsString())).Append('\n');
            sb.Append("</pre></div>");
            return;
        }
        sb.Append("<div class=\"box patch\"><h3>").Append(info.Kind switch
        {
            MessageKind.PullRequest => "pull request",
            MessageKind.CoverLetter => "cover letter",
            _ => "patch",
        }).Append(info.Subject.Version > 1 ? $" v{info.Subject.Version}" : "")
            .Append(info.Subject.Total > 0 ? $" {info.Subject.Counter}/{info.Subject.Total}" : "").Append("</h3>");
        if (!p.Diff.IsEmpty) sb.Append("<pre class=\"diffstat\">").Append(E(p.Diff.RenderDiffStat())).Append("</pre>");
        if (info.Trailers.Count > 0)
        {
            sb.Append("<pre class=\"trailers\">");
            foreach (var t in info.Trailers) sb.Append(E(t.AsString())).Append('\n');
            sb.Append("</pre>");
        }
        if (info.Pull is { } pull)
            sb.Append("<pre>pull from ").Append(E(pull.Url)).Append(' ').Append(E(pull.Branch)).Append(pull.HeadCommit is null ? "" : " head " + E(pull.HeadCommit)).Append("</pre>");
        sb.Append("</div>");
    }

    /// <summary>The series box: each revision with its patches, collected trailers and status.</summary>
    public static void Series(StringBuilder sb, PatchSeries s, string currentId, Func<string, string?> url)
    {
        sb.Append("<div class=\"box series\"><h3>series: ").Append(E(s.Title)).Append(" [").Append(E(s.Status.ToString().ToLowerInvariant()))
            .Append("]</h3><ul class=\"tree\">");
        foreach (var r in s.Revisions)
        {
            sb.Append("<li>v").Append(r.Version).Append(r.Resend ? " RESEND" : "").Append(r.Rfc ? " RFC" : "").Append(' ')
                .Append(Day(r.Date)).Append(' ').Append(E(r.Completeness)).Append(", ").Append(E(r.Status.ToString().ToLowerInvariant()));
            if (r.CoverMessageId is { } cover && !r.CoverInferred) sb.Append(' ').Append(Link(url(cover), "cover", cover == currentId));
            sb.Append("<ul>");
            foreach (var p in r.Patches)
            {
                sb.Append("<li>[").Append(p.Counter).Append('/').Append(r.Expected).Append("] ")
                    .Append(Link(url(p.MessageId), p.Title, p.MessageId == currentId));
                if (p.Collected.Count > 0)
                    sb.Append(" <span class=\"muted\">").Append(E(string.Join(", ", p.Collected.Select(c => c.Trailer.Name).GroupBy(n => n)
                        .Select(g => g.Count() > 1 ? $"{g.Key} ×{g.Count()}" : g.Key)))).Append("</span>");
                sb.Append("</li>");
            }
            foreach (var m in r.Missing) sb.Append("<li class=\"muted\">[").Append(m).Append('/').Append(r.Expected).Append("] missing</li>");
            sb.Append("</ul></li>");
        }
        sb.Append("</ul></div>");
    }

    static string Link(string? href, string text, bool current) =>
        current ? "<b>" + E(text) + "</b>" : href is null ? E(text) : $"<a href=\"{E(href)}\">{E(text)}</a>";

    /// <summary>Shell single-quoting for the git send-email line.</summary>
    public static string Sh(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
