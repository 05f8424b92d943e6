using Ktriage.Core;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Ktriage.Sources.LorePage;

/// <summary>A message recovered from a lore page, ready to be written back as RFC 5322.</summary>
internal sealed record PageMessage(
    string MessageId, string? InReplyTo, IReadOnlyList<string> References,
    string From, string? To, string? Cc, string Subject, string Date, string Body, bool Synthesized)
{
    /// <summary>Headers + blank line + body, UTF-8, LF line endings (what a saved "raw" message looks like).</summary>
    public byte[] ToRfc5322()
    {
        var sb = new StringBuilder();
        void H(string name, string? value) { if (!string.IsNullOrWhiteSpace(value)) sb.Append(name).Append(": ").Append(value).Append('\n'); }
        H("From", From);
        H("To", To);
        H("Cc", Cc);
        H("Subject", Subject);
        H("Date", Date);
        H("Message-ID", MessageId);
        H("In-Reply-To", InReplyTo);
        if (References.Count > 0) H("References", string.Join(' ', References));
        H("MIME-Version", "1.0");
        H("Content-Type", "text/plain; charset=utf-8");
        H("Content-Transfer-Encoding", "8bit");
        // Says the message was rebuilt from a web page (ids may be made up), so nobody mistakes it for the original.
        H("X-Ktriage-Reconstructed", Synthesized ? "lore thread page; Message-ID and addresses made up" : "lore message page");
        sb.Append('\n').Append(Body);
        if (!Body.EndsWith('\n')) sb.Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}

/// <summary>Best-effort recovery of messages from a saved lore.kernel.org page (text or HTML made text).
/// Two layouts exist:
/// <list type="bullet">
/// <item>message pages (<c>/MSGID/</c>): full header blocks <c>From: … Date: … [thread overview] / Message-ID: &lt;…&gt; (raw) / In-Reply-To: &lt;…&gt;</c>,
/// one per copy of the Message-ID ("WARNING: multiple messages have this Message-ID");</item>
/// <item>thread pages (<c>/T/</c>): per message <c>* Subject</c>, a thread skeleton whose <c>@</c> line is the message and
/// whose first line (when not the <c>@</c> one) is its parent, then <c>From: Name @ date UTC (permalink / raw)</c>,
/// <c>To: …; +Cc: …</c> and the body, closed by <c>^ permalink raw reply</c>. These carry no Message-ID: we make a
/// stable one from author, minute and subject (so the two copies of a message sent to two lists fold together),
/// and rebuild In-Reply-To/References from the skeleton.</item>
/// </list>
/// Regexes use \s+ between fields so that pages flattened into one long line parse too.</summary>
internal static partial class LorePageParser
{
    const RegexOptions Opts = RegexOptions.Singleline | RegexOptions.CultureInvariant;

    /// <summary>Page chrome in the places lore puts it, not just anywhere (a mail may quote a lore page).</summary>
    public static bool LooksLikePage(string text) => PageMarker().IsMatch(text);

    [GeneratedRegex(@"Date:[^\n]*\[thread overview\]|From:[^\n]*@ \d{4}-\d\d-\d\d[^\n]*\(permalink / raw\)|(?:^|\s)\^ permalink raw reply", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, SafeRegex.TimeoutMs)]
    private static partial Regex PageMarker();

    public static List<PageMessage> Parse(string page)
    {
        if (HtmlText.LooksLikeHtml(page)) page = HtmlText.ToText(page);
        page = page.Replace("\r\n", "\n");
        var content = page[..ChromeEnd(page)];
        var messages = ParseMessagePage(content);
        return messages.Count > 0 ? messages : ParseThreadPage(content);
    }

    /// <summary>Where the page's own material starts (thread overview, reply instructions): never part of a message.</summary>
    static int ChromeEnd(string page)
    {
        var m = ChromeStart().Match(page);
        return m.Success ? m.Index : page.Length;
    }

    [GeneratedRegex(@"(?:next\s+prev\s+parent\s+)?reply\s+other\s+threads:\[~|end of thread, other threads:\[~|Thread overview:\s+\d+\+?\s+messages", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex ChromeStart();

    // ---- message pages ----

    // A field never runs past the next "From:" or "[thread overview]": on a page full of "From:" without a header block
    // each lazy field would otherwise scan to the end of the page from every "From:" (quadratic).
    [GeneratedRegex(@"(?<=^|\s)From:[ \t]+(?<from>(?:(?!From:|\[thread overview\]).)+?)\s+(?:To:[ \t]+(?<to>(?:(?!From:|\[thread overview\]).)+?)\s+)?(?:Cc:[ \t]+(?<cc>(?:(?!From:|\[thread overview\]).)+?)\s+)?Subject:[ \t]+(?<subject>(?:(?!From:|\[thread overview\]).)+?)\s+Date:[ \t]+(?<date>(?:(?!From:|\[thread overview\]).)+?)\s+\[thread overview\]\s+Message-ID:\s+(?<mid><[^>\s]+>)\s+\(raw\)(?:\s+In-Reply-To:\s+(?<irt><[^>\s]+>))?(?:\s+References:\s+(?<refs>(?:<[^>\s]+>\s*)+))?", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex HeaderBlock();

    [GeneratedRegex(@"\s*WARNING: multiple messages have this Message-ID(?: \(diff\))?\s*$", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DuplicateWarning();

    [GeneratedRegex(@"\^ permalink raw reply(?: related)?\s*\[flat\|nested\]\s*\d+\+?\s+messages? in thread", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex PermalinkLine();

    static List<PageMessage> ParseMessagePage(string text)
    {
        var blocks = HeaderBlock().Matches(text);
        var result = new List<PageMessage>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var m = blocks[i];
            var end = i + 1 < blocks.Count ? blocks[i + 1].Index : text.Length;
            var body = text[(m.Index + m.Length)..end];
            body = DuplicateWarning().Replace(body, "");
            var permalink = PermalinkLine().Match(body);
            if (permalink.Success) body = body[..permalink.Index];
            var irt = m.Groups["irt"].Success ? m.Groups["irt"].Value : null;
            var refs = m.Groups["refs"].Success
                ? SafeRegex.Matches(m.Groups["refs"].Value, @"<[^>\s]+>").Select(r => r.Value).ToList()
                : irt is null ? [] : [irt];
            result.Add(new PageMessage(m.Groups["mid"].Value, irt, refs,
                OneLine(m.Groups["from"].Value), OptLine(m.Groups["to"]), OptLine(m.Groups["cc"]),
                OneLine(m.Groups["subject"].Value), OneLine(m.Groups["date"].Value), TrimBody(body), Synthesized: false));
        }
        return result;
    }

    // ---- thread pages ----

    /// <summary>One message of a thread page before ids are assigned.</summary>
    sealed record Entry(string Subject, string Author, DateTime Minute, SkeletonLine? Parent, string? To, string? Cc, string Body, bool Flat)
    {
        public string Id { get; set; } = "";
        public Entry? ParentEntry { get; set; }
    }

    sealed record SkeletonLine(DateTime Minute, string Rest);

    [GeneratedRegex(@"(?<at>@\s+)?(?<date>\d{4}-\d\d-\d\d\s+\d{1,2}:\d\d)\s+(?:`\s+)?", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex SkeletonStart();

    [GeneratedRegex(@"(?:^|\s)-?\d+\s+siblings?,\s+\d+\s+repl(?:y|ies);\s+\d+\+?\s+messages?\s+in\s+thread\s+From:[ \t]+(?<author>.+?)\s+@\s+(?<date>\d{4}-\d\d-\d\d\s+\d{1,2}:\d\d)\s+UTC\s+\(permalink\s*/\s*raw\)[ \t]*", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex ThreadFromLine();

    static List<PageMessage> ParseThreadPage(string text)
    {
        var pieces = PermalinkLine().Split(text);
        var entries = new List<Entry>();
        var flatTails = new List<(int Index, string Tail)>();
        foreach (var piece in pieces)
        {
            var from = ThreadFromLine().Match(piece);
            if (!from.Success) continue;
            var head = piece[..from.Index];
            var star = StarLine().Match(head);
            if (!star.Success) continue;
            var headRest = head[(star.Index + star.Length)..];

            // Subject runs to the end of its line, or (flattened page) to the first skeleton date.
            var firstSkel = SkeletonStart().Match(headRest);
            var nl = headRest.IndexOf('\n');
            var subjectEnd = nl >= 0 && (!firstSkel.Success || nl <= firstSkel.Index) ? nl : firstSkel.Success ? firstSkel.Index : headRest.Length;
            var subject = OneLine(headRest[..subjectEnd]);
            var skeleton = headRest[subjectEnd..];

            var author = OneLine(from.Groups["author"].Value);
            var minute = ParseMinute(from.Groups["date"].Value);
            var parent = FirstSkeletonLineIfParent(skeleton);

            var after = piece[(from.Index + from.Length)..];
            var lineMode = after.AsSpan(0, Math.Min(after.Length, 2000)).Contains('\n');
            string? to = null, cc = null;
            string body;
            if (lineMode) (to, cc, body) = SplitRecipientLines(after);
            else body = after;
            var entry = new Entry(subject, author, minute, parent, to, cc, body, Flat: !lineMode);
            entries.Add(entry);
            if (!lineMode) flatTails.Add((entries.Count - 1, after));
        }
        if (flatTails.Count > 0) SplitFlattenedRecipients(flatTails, entries);

        foreach (var e in entries) e.Id = SynthesizedId(e);
        foreach (var e in entries) e.ParentEntry = e.Parent is null ? null : ResolveParent(e, entries);
        // A copy's skeleton may omit the parent line (004: the second copy of each reply): copies share their parent.
        foreach (var copies in entries.GroupBy(e => e.Id))
            if (copies.FirstOrDefault(c => c.ParentEntry is not null)?.ParentEntry is { } shared)
                foreach (var c in copies) c.ParentEntry ??= shared;

        var names = AddressBook(text);
        return entries.Select(e =>
        {
            var ancestors = new List<string>();
            var seen = new HashSet<Entry>(ReferenceEqualityComparer.Instance);
            for (var p = e.ParentEntry; p is not null && seen.Add(p) && p.Id != e.Id; p = p.ParentEntry) ancestors.Insert(0, p.Id);
            return new PageMessage(e.Id, ancestors.Count > 0 ? ancestors[^1] : null, ancestors,
                Mailbox(e.Author, names), Recipients(e.To, names), Recipients(e.Cc, names), e.Subject,
                e.Minute.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture), TrimBody(e.Flat ? Unflatten(e.Body) : e.Body), Synthesized: true);
        }).ToList();
    }

    // "* Subject" opens a message; on a flattened page it follows the page header on the same line.
    [GeneratedRegex(@"(?:^|\s)\*[ \t]+(?=\S)", RegexOptions.Singleline | RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex StarLine();

    /// <summary>The skeleton lists the parent first, then earlier siblings, the message itself (<c>@</c>), its replies.</summary>
    static SkeletonLine? FirstSkeletonLineIfParent(string skeleton)
    {
        var starts = SkeletonStart().Matches(skeleton);
        if (starts.Count == 0 || starts[0].Groups["at"].Success) return null;
        var restEnd = starts.Count > 1 ? starts[1].Index : skeleton.Length;
        var rest = skeleton[(starts[0].Index + starts[0].Length)..restEnd];
        return new SkeletonLine(ParseMinute(starts[0].Groups["date"].Value), OneLine(rest));
    }

    static Entry? ResolveParent(Entry child, List<Entry> all)
    {
        var line = child.Parent!;
        var candidates = all.Where(e => e.Minute == line.Minute && e.Id != child.Id
            && line.Rest.EndsWith(e.Author, StringComparison.Ordinal)).ToList();
        if (candidates.Select(c => c.Id).Distinct().Count() <= 1) return candidates.FirstOrDefault();
        // Same author, same minute (a series sent at once): the skeleton shows the subject when it differs from the line above.
        return candidates.FirstOrDefault(c => line.Rest.Contains(c.Subject, StringComparison.Ordinal))
            ?? candidates.FirstOrDefault(c => BaseSubject(c.Subject) == BaseSubject(child.Subject))
            ?? candidates[0];
    }

    static string BaseSubject(string s) => ReplyPrefix().Replace(s, "").Trim();

    [GeneratedRegex(@"^(?:\s*(?:re|fwd?|aw)\s*:\s*)+", RegexOptions.IgnoreCase, SafeRegex.TimeoutMs)]
    private static partial Regex ReplyPrefix();

    /// <summary>Stable across pages and re-ingests: the same message shown twice (two lists) gets the same id.</summary>
    static string SynthesizedId(Entry e)
    {
        var key = $"{e.Author}\n{e.Minute:yyyy-MM-dd HH:mm}\n{e.Subject}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        return $"<{hash}@lore-page.invalid>";
    }

    /// <summary>"To: A, B; +Cc: C" then optionally "Cc: D" on its own line, then the body.</summary>
    static (string? To, string? Cc, string Body) SplitRecipientLines(string after)
    {
        string? to = null, cc = null;
        var pos = 0;
        while (pos < after.Length)
        {
            var nl = after.IndexOf('\n', pos);
            var line = (nl < 0 ? after[pos..] : after[pos..nl]).Trim();
            if (line.StartsWith("To:", StringComparison.Ordinal))
            {
                var parts = line[3..].Split("; +Cc:", 2);
                to = parts[0].Trim();
                if (parts.Length > 1) cc = parts[1].Trim();
            }
            else if (line.StartsWith("Cc:", StringComparison.Ordinal)) cc = Join(cc, line[3..].Trim());
            else if (line.Length > 0 || pos > 0) break;
            pos = nl < 0 ? after.Length : nl + 1;
        }
        return (to, cc, after[Math.Min(pos, after.Length)..]);
    }

    /// <summary>On a flattened page the recipient list runs straight into the body. The list address recurs on every
    /// message of a thread, so the words all tails share (e.g. "Linux NFS mailing list") are the recipients; names of
    /// authors on the page are recipients too. Anything we cannot tell apart stays in the body.</summary>
    static void SplitFlattenedRecipients(List<(int Index, string Tail)> flat, List<Entry> entries)
    {
        var authors = entries.Select(e => e.Author).Distinct().OrderByDescending(a => a.Length).ToList();
        var parsed = new List<(int Index, string? To, string? Cc, string Last)>();
        foreach (var (index, tail) in flat)
        {
            var t = tail.TrimStart();
            if (!t.StartsWith("To:", StringComparison.Ordinal)) { parsed.Add((index, null, null, "")); continue; }
            t = t[3..].TrimStart();
            var semi = t.IndexOf("; +Cc:", StringComparison.Ordinal);
            if (semi >= 0 && semi < 500) parsed.Add((index, t[..semi].Trim(), "", t[(semi + 6)..].TrimStart()));
            else parsed.Add((index, "", null, t));
        }
        var lasts = parsed.Select(p => p.Last).Where(l => l.Length > 0).ToList();
        for (var i = 0; i < parsed.Count; i++)
        {
            var (index, to, cc, last) = parsed[i];
            var entry = entries[index];
            if (to is null) continue;
            var taken = TakeRecipients(last, authors, lasts);
            var value = last[..taken].Trim().TrimEnd(',');
            var body = last[taken..].TrimStart();
            var updated = cc is null ? entry with { To = value, Body = body } : entry with { To = to, Cc = value, Body = body };
            entries[index] = updated; // by position: two copies of one message are equal records
        }
    }

    static int TakeRecipients(string last, List<string> authors, List<string> allLasts)
    {
        var pos = 0;
        while (true)
        {
            var rest = last[pos..];
            var known = authors.FirstOrDefault(a => rest.StartsWith(a, StringComparison.Ordinal));
            int len;
            if (known is not null) len = known.Length;
            else
            {
                var common = CommonWordPrefix(last[pos..], allLasts);
                if (common == 0) return pos;
                len = common;
            }
            pos += len;
            if (last.AsSpan(pos).StartsWith(", ")) pos += 2;
            else return pos;
        }
    }

    /// <summary>Length of the longest word prefix of <paramref name="s"/> shared by every other tail starting with its first word (0 if none does).</summary>
    static int CommonWordPrefix(string s, List<string> tails)
    {
        var firstWord = s.Split(' ', 2)[0];
        if (firstWord.Length == 0) return 0;
        var others = tails.Select(t => { var i = t.IndexOf(s[..firstWord.Length], StringComparison.Ordinal); return i >= 0 ? t[i..] : null; })
            .Where(t => t is not null && !ReferenceEquals(t, s) && t != s).Cast<string>().ToList();
        // s itself is one of the tails (or a suffix of one): compare with the others that share the first word.
        var sharing = others.Where(t => t.StartsWith(firstWord + " ", StringComparison.Ordinal) || t == firstWord).ToList();
        if (sharing.Count == 0) return 0;
        var len = s.Length;
        foreach (var t in sharing)
        {
            var n = 0;
            while (n < len && n < t.Length && s[n] == t[n]) n++;
            len = n;
        }
        // Back off to a word boundary.
        if (len < s.Length && s[len] != ' ') len = s.LastIndexOf(' ', Math.Max(0, len - 1)) is var sp && sp > 0 ? sp : 0;
        return len;
    }

    /// <summary>"Name &lt;addr&gt;" pairs seen anywhere on the page (quote attributions, trailers, git send-email lines).</summary>
    static Dictionary<string, string> AddressBook(string text)
    {
        var book = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in NameAddr().Matches(text))
            book.TryAdd(m.Groups["name"].Value.Trim().Trim('"').Trim(), m.Groups["addr"].Value);
        return book;
    }

    [GeneratedRegex(@"(?<name>""[^""\n<>]{2,60}""|[A-Z][\w.'-]*(?:[ \t]+[\w.'-]+){0,4})[ \t]+<(?<addr>[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex NameAddr();

    static string Mailbox(string name, Dictionary<string, string> book)
    {
        var addr = book.TryGetValue(name, out var a) ? a
            : book.FirstOrDefault(kv => kv.Key.EndsWith(" " + name, StringComparison.Ordinal) || name.EndsWith(" " + kv.Key, StringComparison.Ordinal)).Value
              ?? "unknown@lore-page.invalid";
        return $"{Quote(name)} <{addr}>";
    }

    static string? Recipients(string? list, Dictionary<string, string> book)
    {
        if (string.IsNullOrWhiteSpace(list)) return null;
        return string.Join(", ", list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            // A name the page gives no address for becomes an empty group ("Name:;"): valid RFC 5322, no made-up address.
            .Select(n => n.Contains('@') ? n : book.TryGetValue(n, out var a) ? $"{Quote(n)} <{a}>" : $"{Quote(n)}:;"));
    }

    static string Quote(string name) =>
        name.IndexOfAny(['"', ',', '.', ';', ':', '<', '>', '@', '(', ')', '[', ']', '\\']) >= 0 ? "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : name;

    static DateTime ParseMinute(string s)
    {
        var m = SafeRegex.Match(s, @"(\d{4})-(\d\d)-(\d\d)\s+(\d{1,2}):(\d\d)");
        return new DateTime(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value),
            int.Parse(m.Groups[4].Value), int.Parse(m.Groups[5].Value), 0, DateTimeKind.Utc);
    }

    static string OneLine(string s) => Whitespace().Replace(s, " ").Trim();
    static string? OptLine(Group g) => g.Success ? OneLine(g.Value) : null;
    static string Join(string? a, string b) => string.IsNullOrEmpty(a) ? b : a + ", " + b;

    [GeneratedRegex(@"\s+", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Whitespace();

    /// <summary>A flattened page lost its line breaks; kernel logs are line-based, so we put breaks back where a log line
    /// evidently starts: before a syslog prefix ("Jul  3 09:10:39 host kernel: ") or a printk time ("[   12.345678] "),
    /// with their quote markers, and before "diff --git". Everything else stays one line (prose cannot be recovered).</summary>
    static string Unflatten(string body) => LogLineStart().Replace(body, "\n");

    [GeneratedRegex(@"(?<!>) (?=(?:> ?)*(?:[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d (?:[\w.-]+ )?kernel: |\[ *\d+\.\d{6}\] |diff --git ))", RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex LogLineStart();

    /// <summary>Drops the blank lines lore puts around bodies; keeps the body's own indentation.</summary>
    static string TrimBody(string body)
    {
        var lines = body.Split('\n');
        int a = 0, b = lines.Length;
        while (a < b && lines[a].Trim().Length == 0) a++;
        while (b > a && lines[b - 1].Trim().Length == 0) b--;
        return string.Join('\n', lines[a..b].Select(l => l.TrimEnd())) + "\n";
    }
}
