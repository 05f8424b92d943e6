using System.Text.RegularExpressions;

namespace Ktriage.Core.Links;

/// <summary>A fix named in a reply by Message-ID ("Here's the fix: mid.gmane.org/&lt;id&gt;").</summary>
public sealed record FixReference(string MessageId, string Context);

/// <summary>Reads what linking needs from message text: the sender's own words, fix references, #syz commands.</summary>
public static partial class LinkText
{
    const RegexOptions Opts = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>A patch's explanation: its body up to the "---" separator or the diff, at most 6,000 characters.</summary>
    public static string CommitMessage(string body)
    {
        var cut = body.Length;
        foreach (var marker in (ReadOnlySpan<string>)["\n---\n", "\n--- \n", "\ndiff --git "])
        {
            var i = body.IndexOf(marker, StringComparison.Ordinal);
            if (i >= 0 && i < cut) cut = i;
        }
        return body[..Math.Min(cut, 6000)];
    }

    // Links that carry a Message-ID: lore (/list/<mid>/ or /r/<mid>), lkml.kernel.org/r, gmane's mid redirector;
    // marc/patchwork are left out (their ids are not Message-IDs). A bare <id@host> looks exactly like an e-mail
    // address, so it counts only right after "Message-ID"/"msgid".
    [GeneratedRegex(@"(?:(?:https?://)?(?:lore\.kernel\.org/(?:[\w.-]+|r)|lkml\.kernel\.org/r|mid\.gmane\.org|patch\.msgid\.link)/(?<id>[^\s/<>""]+@[^\s/<>""]+))|(?:message-id|msg-?id)[:\s]{0,3}<(?<id>[^\s<>@]+@[^\s<>]+\.[^\s<>]+)>", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex MessageIdRef();

    [GeneratedRegex(@"\b(fix|fixes|fixed|patch|patches|solution|should\s+address|addressed\s+by|resolved\s+by)\b", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex FixWord();

    // [ \t] rather than \s: \s would cross lines, and a run of blank lines would be rescanned from each of them.
    [GeneratedRegex(@"^[ \t]*#syz[ \t]+fix:[ \t]*(?<title>\S.*?)[ \t\r]*$", RegexOptions.Multiline | Opts, SafeRegex.TimeoutMs)]
    private static partial Regex SyzFix();

    /// <summary>
    /// The sender's own text: unquoted lines. Pages flattened into one long line keep their "&gt; " marks inline
    /// (anywhere in the line), so for such lines (over 300 characters) only the tail after the last inline quote
    /// mark is the sender's.
    /// </summary>
    public static string OwnText(string body)
    {
        // Over spans, one string out: the crash linker reads every reply of every report thread.
        var own = new System.Text.StringBuilder(body.Length);
        var first = true;
        for (var start = 0; start <= body.Length;)
        {
            var end = body.IndexOf('\n', start);
            if (end < 0) end = body.Length;
            var line = body.AsSpan(start, end - start).TrimEnd('\r');
            start = end + 1;
            if (line.Length >= 300 && line.LastIndexOf(" > ", StringComparison.Ordinal) is var last and >= 0)
                line = line[(last + 3)..];
            else if (line.TrimStart() is [ '>', .. ])
                continue;
            if (!first) own.Append('\n');
            own.Append(line);
            first = false;
        }
        return own.ToString();
    }

    /// <summary>Message-IDs the text offers as the fix: a lore/gmane link, or &lt;id&gt;, in or right after a
    /// sentence that talks about a fix or patch.</summary>
    public static IReadOnlyList<FixReference> FixReferences(string ownText)
    {
        var found = new List<FixReference>();
        // Most replies hold no link or Message-ID at all: one search spares the per-line work (the crash linker reads
        // every reply of every report thread). The regex ignores case the Unicode way, where U+212A is a 'k'.
        if (!ownText.AsSpan().ContainsAny(MessageIdRefWords) && !ownText.Contains('\u212A')) return found;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = ownText.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            string? context = null;
            // Most lines with links have no fix word near them at all: one scan decides that for all their links.
            if (!FixWord().IsMatch(lines[i]) && (i == 0 || !FixWord().IsMatch(string.Join(' ', lines[Math.Max(0, i - 2)..i].Select(Clip)))))
                continue;
            foreach (Match m in MessageIdRef().Matches(lines[i]))
            {
                // Only the text near the link counts (a sentence, not a whole flattened page): each link then costs
                // the same however long the line is, so a line of links is linear, not quadratic.
                context ??= string.Join(' ', lines[Math.Max(0, i - 2)..(i + 1)].Select(l => Clip(l.Trim()))).Trim();
                var before = lines[i][Math.Max(0, m.Index - NearLink)..m.Index];
                // The sentence leading to the link: this line up to the link, else the two lines above.
                var lead = FixWord().IsMatch(before) ? before : string.Join(' ', lines[Math.Max(0, i - 2)..i].Select(Clip));
                if (!FixWord().IsMatch(lead)) continue;
                var id = Mail.MessageIds.Normalize(Uri.UnescapeDataString(m.Groups["id"].Value.TrimEnd('.', ',', ')', ';')));
                if (seen.Add(id)) found.Add(new FixReference(id, context));
            }
        }
        return found;
    }

    // A word of each MessageIdRef alternative: no match without one of them.
    static readonly System.Buffers.SearchValues<string> MessageIdRefWords = System.Buffers.SearchValues.Create(
        ["lore.kernel.org", "lkml.kernel.org", "mid.gmane.org", "patch.msgid.link", "message-id", "msgid", "msg-id"], StringComparison.OrdinalIgnoreCase);

    const int NearLink = 400;

    static string Clip(string line) => line.Length <= NearLink ? line : line[^NearLink..];

    [GeneratedRegex(@"(?:(?:yes,?\s+)?(?:that|this|it|the\s+patch|your\s+patch)\s+)?(?:fix(?:es|ed)\s+(?:it|this|the\s+\w+)\s+for\s+me|works(?:\s+fine)?\s+for\s+me|solves\s+\w+(?:\s+\w+)?\s+for\s+me|(?:i|we)\s+(?:have\s+)?tested\b[^.!?\n]{0,40}|(?:i|we)\s+can\s+confirm\b[^.!?\n]{0,40})", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex ConfirmPhrase();

    /// <summary>The confirming words of a sentence ("Yes, that fixes it for me"), for evidence lines; else the sentence clipped.</summary>
    public static string ConfirmingWords(string sentence)
    {
        var m = ConfirmPhrase().Match(sentence);
        if (m.Success) return m.Value.Trim();
        sentence = string.Join(' ', sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return sentence.Length <= 80 ? sentence : sentence[..79] + "…";
    }

    // Kernel fix subjects: "fix …", "don't …", "avoid/prevent/check/validate/reject …", "annotate … races", "… leak".
    // "fixed" is left out: in subjects it is mostly the adjective ("fixed buffers", "fixed files").
    [GeneratedRegex(@"\b(fix(es)?|don'?t|do\s+not|avoid|prevent|check|validate|reject|disallow|forbid|sanitise|sanitize|cap|limit|ensure|correct(ly)?|handle|guard|protect|annotate|silence|abort|init(ialise|ialize)?|clear|zero|leak|race|uaf|use-after-free|null|overflow|underflow|deadlock|hang|crash|warn(ing)?|bug|oob|out[- ]of[- ]bounds|revert)\b", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex FixWords();

    // Source-generated rather than interpreted: every candidate fix of every cluster is matched against them.
    // No Words pattern matches a line break: FixScoring searches a fix's subject and message one after the other.
    static readonly (Regex Title, Regex Words)[] BugClasses =
    [
        (UseAfterFreeTitle(), UseAfterFreeWords()),
        (DoubleFreeTitle(), DoubleFreeWords()),
        (OutOfBoundsTitle(), OutOfBoundsWords()),
        (NullDerefTitle(), NullDerefWords()),
        (LeakTitle(), LeakWords()),
        (DataRaceTitle(), DataRaceWords()),
        (UninitTitle(), UninitWords()),
        (DeadlockTitle(), DeadlockWords()),
        (HangTitle(), HangWords()),
        (WarningTitle(), WarningWords()),
    ];

    [GeneratedRegex(@"use-after-free|\buaf\b", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex UseAfterFreeTitle();

    [GeneratedRegex(@"use[- ]after[- ]free|\buaf\b|freed|lifetime|refcount|reference", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex UseAfterFreeWords();

    [GeneratedRegex(@"double-free", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DoubleFreeTitle();

    [GeneratedRegex(@"double[- ]free|freed twice", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DoubleFreeWords();

    [GeneratedRegex(@"out-of-bounds|array-index|slab-out", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex OutOfBoundsTitle();

    [GeneratedRegex(@"out[- ]of[- ]bounds|overflow|\boob\b|bounds|index", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex OutOfBoundsWords();

    [GeneratedRegex(@"null-ptr-deref|NULL pointer|general protection fault", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex NullDerefTitle();

    [GeneratedRegex(@"\bnull\b|null[- ]pointer|NULL|dereference|uninitiali[sz]ed", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex NullDerefWords();

    [GeneratedRegex(@"memory leak", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex LeakTitle();

    [GeneratedRegex(@"\bleak", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex LeakWords();

    [GeneratedRegex(@"data-race", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DataRaceTitle();

    [GeneratedRegex(@"\brac(e|y)\b|data_race|READ_ONCE|WRITE_ONCE|annotate", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DataRaceWords();

    [GeneratedRegex(@"uninit-value", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex UninitTitle();

    [GeneratedRegex(@"uninit|initiali[sz]e|zero", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex UninitWords();

    [GeneratedRegex(@"deadlock|lock state|locking bug|lock held", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DeadlockTitle();

    [GeneratedRegex(@"deadlock|\block(ing|dep)?\b|mutex|spinlock", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex DeadlockWords();

    [GeneratedRegex(@"task hung|stall|soft lockup|hang", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex HangTitle();

    [GeneratedRegex(@"\bhang|\bhung|stall|lockup|resched|livelock|forever|wait", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex HangWords();

    [GeneratedRegex(@"^WARNING|kernel BUG", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex WarningTitle();

    [GeneratedRegex(@"\bwarn|WARN_ON|BUG_ON|warning", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex WarningWords();

    /// <summary>Words a patch uses when it fixes the kind of bug a crash title names (a leak, a race…), or null.</summary>
    public static Regex? BugClassWords(string title) => BugClasses.FirstOrDefault(c => c.Title.IsMatch(title)).Words;

    /// <summary>Whether a patch subject is worded as a fix.</summary>
    public static bool LooksLikeFix(string subject) => FixWords().IsMatch(subject);

    /// <summary>Titles given in "#syz fix: &lt;commit title&gt;" commands.</summary>
    public static IReadOnlyList<string> SyzFixTitles(string ownText) =>
        SyzFix().Matches(ownText).Select(m => m.Groups["title"].Value).Distinct().ToList();

    /// <summary>The subject of a patch sent inline in a reply ("&gt;From sha … Subject: [PATCH] foo: fix bar"), without the [PATCH] tag.</summary>
    public static string? InlinePatchSubject(string body)
    {
        // Each "Subject:" is tried where it is (found with a search): scanning for "(^|\s)Subject:" from every
        // whitespace of a 10 MB run of blanks took seconds.
        for (int at = NextSubject(body, 0); at >= 0; at = NextSubject(body, at + 1))
        {
            if (at > 0 && !char.IsWhiteSpace(body[at - 1])) continue;
            var m = InlineSubject().Match(body, at);
            if (m.Success) return m.Groups["s"].Value.Trim();
        }
        return null;
    }

    // SearchValues rather than IndexOf(…, OrdinalIgnoreCase), whose scalar path under invariant globalization is many
    // times slower on long bodies.
    static readonly System.Buffers.SearchValues<string> SubjectTag =
        System.Buffers.SearchValues.Create(["Subject:"], StringComparison.OrdinalIgnoreCase);

    static int NextSubject(string body, int from) => body.AsSpan(from).IndexOfAny(SubjectTag) is var k and >= 0 ? from + k : -1;

    [GeneratedRegex(@"\GSubject:\s*\[PATCH[^\]\n]{0,200}\]\s*(?<s>[^\n]+?)(?=\s{2,}|\n|$| The | This | When | If )", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex InlineSubject();
}
