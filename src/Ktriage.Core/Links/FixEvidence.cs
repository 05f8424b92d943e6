namespace Ktriage.Core.Links;

/// <summary>The three families of evidence; <c>--evidence</c> picks which ones count, so each can be measured.</summary>
[Flags]
public enum EvidenceKinds
{
    None = 0,
    /// <summary>Tags and references that name the report: Reported-by/Closes/Link, "#syz fix", a reply pointing at the fix.</summary>
    Explicit = 1,
    /// <summary>Conversation: posted in the report's thread, confirmed by the reporter.</summary>
    Thread = 2,
    /// <summary>What the patch is: touches the crashing functions or guilty file, names the crash, posted soon after.</summary>
    Content = 4,
    All = Explicit | Thread | Content,
}

/// <summary>One reason to believe a patch fixes a crash; <see cref="Weight"/> is the probability-like strength it adds.</summary>
public sealed record Evidence(EvidenceKinds Kind, string Code, double Weight, string Detail);

/// <summary>
/// Evidence weights. Scores combine as a noisy-OR, 1 − Π(1 − w): independent clues reinforce each other, one
/// weak clue never outranks a strong one, and the score stays in [0,1]. Explicit tags are near-certain; the
/// thread alone is suggestive (report threads also carry debugging patches and unrelated fixes); content clues
/// are individually weak because popular functions and files are touched by many patches, but they add up, and
/// proximity in time only breaks ties between patches that already have content evidence.
/// </summary>
public static class EvidenceWeights
{
    public const double ReportedByBot = 0.95;       // Reported-by: syzbot+<id> / Tested-by: syzbot+<id>
    public const double ClosesReport = 0.95;        // Closes:/Link: to the report's Message-ID or dashboard URL
    public const double ReferencedFromReport = 0.9; // a reply in the report thread points at the fix ("Here's the fix: <mid>")
    public const double SyzFixCommand = 0.85;       // "#syz fix: <patch title>"
    public const double ReportedByReporter = 0.6;   // Reported-by a human reporter: they may report several bugs
    public const double SameThread = 0.4;
    public const double ReporterConfirmed = 0.6;    // reporter (or the reporting bot) says it works / Tested-by
    public const double ConfirmedElsewhere = 0.5;   // touches the same functions as a patch confirmed in the report thread
    /// <summary>A diff inside a reply is usually a proposal or a "#syz test" run; the fix proper is then posted as a
    /// patch of its own, which should rank first (it is what gets applied). Scales the score down.</summary>
    public const double ReplyDiff = -0.3;
    public const double LongAfter = -0.25;          // content evidence for a patch posted over a month after the report
    public const double VeryLongAfter = -0.45;      // … over four months after
    public const double TestedTreeHead = 0.45;      // syzbot found the crash gone on a tree whose head is this patch  // touches the same functions as a patch confirmed in the report thread
    public const double NamesTitle = 0.55;          // the crash title appears in the patch's subject or message
    public const double SubjectNamesFunction = 0.4; // the subject names the crash site or a top frame
    public const double MessageNamesFunction = 0.25;// the commit message does
    public const double QuotesStack = 0.3;          // the commit message names 2+ frames of the stack (a quoted trace)
    public const double TouchesCrashSite = 0.3;
    public const double TouchesFrame = 0.1;         // each further top frame, at most MaxFrames of them
    public const int MaxFrames = 3;
    public const double TouchesGuiltyFile = 0.15;
    public const double TouchesSubsystem = 0.08;    // a file in the guilty file's directory
    public const double FixLike = 0.25;             // "fix/avoid/don't/check…" subject or a Fixes: tag; only with other content evidence
    public const double SoonAfter = 0.35;           // × e^(−days/7) after the latest report before it; only with other content evidence
    public const double SameBugClass = 0.2;         // the patch talks about the same kind of bug (leak, use-after-free, race…)
    /// <summary>Negative weights scale the score down instead: a patch deep in a large series that does not look like
    /// a fix is usually refactoring that happens to touch the same code.</summary>
    public const double LargeSeriesRefactor = -0.35;
    public const double ContentWindowDays = 365;
    /// <summary>The patch's Fixes: tag names a commit that touched the crash's functions or guilty file and that the
    /// reported kernel can contain (FixesTagEvidence).</summary>
    public const double FixesCulprit = 0.35;
    /// <summary>… a commit that only touched the guilty file: in a subsystem living in one big file nearly every culprit
    /// does (io-uring: at 0.35 it pushed true fixes out of the top 3), so it barely counts.</summary>
    public const double FixesCulpritFile = 0.05;
    /// <summary>… names a commit the reported kernel cannot contain: a fix for a newer bug in the same code.</summary>
    public const double FixesLaterCommit = -0.4;

    /// <summary>Score above which a candidate counts as "the fix" for a cluster's status.</summary>
    public const double Confident = 0.5;
}

/// <summary>What linking needs to know about a crash cluster.</summary>
/// <param name="ReportDates">dates of the cluster's reports: time since the latest report before a patch is what
/// counts, as clusters can span years.</param>
public sealed record CrashFacts(
    string Title,
    IReadOnlyList<string> AltTitles,
    IReadOnlyList<string> KeyFunctions,
    string? GuiltyFile,
    DateTimeOffset FirstSeen,
    IReadOnlySet<string> ReportMessageIds,
    IReadOnlySet<long> Threads,
    IReadOnlySet<string> ReporterEmails,
    IReadOnlySet<string> BotIds,
    IReadOnlyList<DateTimeOffset>? ReportDates = null,
    IReadOnlyList<ReportKernel>? Kernels = null);

public sealed record TrailerFact(string Name, string Value, string? Email);

/// <summary>Someone saying a patch works: a Tested-by or "that fixes it for me" reply, or syzbot's test result.</summary>
public sealed record Confirmation(string Who, string Evidence, DateTimeOffset Date, bool ByReporter);

/// <summary>What linking needs to know about a candidate fix. <see cref="Present"/> is false for a fix only known
/// by the Message-ID a reply gave.</summary>
public sealed record FixCandidate(
    string MessageId,
    bool Present,
    long? Thread,
    DateTimeOffset? Date,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Functions,
    IReadOnlyList<TrailerFact> Trailers,
    bool NamesTitle,
    IReadOnlyList<Confirmation> Confirmations,
    string? ReferencedBy,
    string? SyzFix,
    string? ConfirmedSibling,
    string? TestedHead = null,
    bool IsReplyDiff = false,
    string Subject = "",
    string CommitMessage = "",
    int SeriesTotal = 1,
    IReadOnlyList<Culprit>? Culprits = null)
{
    /// <summary><see cref="LinkText.LooksLikeFix"/> of <see cref="Subject"/>, when the caller knows it (the crash
    /// linker asks it once per subject, not once per cluster a candidate is evaluated for).</summary>
    public bool? SubjectLooksLikeFix { get; init; }
}

public static class FixScoring
{
    public static double Score(IEnumerable<Evidence> evidence, EvidenceKinds allowed = EvidenceKinds.All)
    {
        // Negative weights (late, reply diff, refactoring series) discount the circumstantial evidence (thread,
        // content) only: a tag naming the report stays as strong however late the patch comes.
        double explicitMiss = 1.0, otherMiss = 1.0, scale = 1.0;
        foreach (var e in evidence)
        {
            if ((e.Kind & allowed) == 0) continue;
            if (e.Weight < 0) scale *= 1 + Math.Max(e.Weight, -1);
            else if (e.Kind == EvidenceKinds.Explicit) explicitMiss *= 1 - Math.Min(e.Weight, 1);
            else otherMiss *= 1 - Math.Min(e.Weight, 1);
        }
        return 1 - explicitMiss * (1 - (1 - otherMiss) * scale);
    }

    /// <summary>"content,thread" → Content|Thread; "all" → All. Null for an unknown word.</summary>
    public static EvidenceKinds? ParseKinds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return EvidenceKinds.All;
        var kinds = EvidenceKinds.None;
        foreach (var word in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (word.ToLowerInvariant())
            {
                case "all": kinds |= EvidenceKinds.All; break;
                case "explicit": kinds |= EvidenceKinds.Explicit; break;
                case "thread": kinds |= EvidenceKinds.Thread; break;
                case "content": kinds |= EvidenceKinds.Content; break;
                default: return null;
            }
        }
        return kinds;
    }

    public static string KindName(EvidenceKinds kind) => kind switch
    {
        EvidenceKinds.Explicit => "explicit",
        EvidenceKinds.Thread => "thread",
        EvidenceKinds.Content => "content",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Every piece of evidence that <paramref name="fix"/> fixes <paramref name="crash"/> (all kinds; filter when scoring).</summary>
    public static List<Evidence> Evaluate(CrashFacts crash, FixCandidate fix)
    {
        var list = new List<Evidence>();
        foreach (var t in fix.Trailers)
        {
            var name = t.Name.ToLowerInvariant();
            var email = t.Email?.ToLowerInvariant();
            var botId = Bots.SyzbotIds(email).FirstOrDefault() ?? (name is "closes" or "link" or "buglink" ? Bots.SyzbotIds(t.Value).FirstOrDefault() : null);
            if (botId is not null && crash.BotIds.Contains(botId))
            {
                list.Add(new Evidence(EvidenceKinds.Explicit, name is "closes" or "link" or "buglink" ? "closes" : "bot-id",
                    name is "closes" or "link" or "buglink" ? EvidenceWeights.ClosesReport : EvidenceWeights.ReportedByBot, $"{t.Name}: {t.Value}"));
                continue;
            }
            if (name is "closes" or "link" or "buglink" && crash.ReportMessageIds.Any(id => t.Value.Contains(id, StringComparison.OrdinalIgnoreCase)))
            {
                list.Add(new Evidence(EvidenceKinds.Explicit, "closes", EvidenceWeights.ClosesReport, $"{t.Name}: {t.Value}"));
                continue;
            }
            if (email is null || !crash.ReporterEmails.Contains(email)) continue;
            // A person reports many bugs: their Reported-by on a patch from before this report is about another one.
            if (name.StartsWith("reported", StringComparison.Ordinal) && fix.Date >= crash.FirstSeen.AddDays(-1))
                list.Add(new Evidence(EvidenceKinds.Explicit, "reported-by", EvidenceWeights.ReportedByReporter, $"{t.Name}: {t.Value} (the reporter)"));
            if (name.Contains("tested", StringComparison.Ordinal) && fix.Date >= crash.FirstSeen)
                list.Add(new Evidence(EvidenceKinds.Thread, "reporter-tested", EvidenceWeights.ReporterConfirmed, $"{t.Name}: {t.Value} (the reporter)"));
        }
        if (fix.ReferencedBy is { } referenced)
            list.Add(new Evidence(EvidenceKinds.Explicit, "referenced", EvidenceWeights.ReferencedFromReport, referenced));
        if (fix.SyzFix is { } syzFix)
            list.Add(new Evidence(EvidenceKinds.Explicit, "syz-fix", EvidenceWeights.SyzFixCommand, syzFix));

        // Time since the latest report before the patch (clusters can span years); before any report: not a fix.
        double? days = null;
        if (fix.Date is { } d)
        {
            var dates = crash.ReportDates is { Count: > 0 } rd ? rd : [crash.FirstSeen];
            var before = dates.Where(x => x <= d.AddDays(0.01)).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            days = before == DateTimeOffset.MinValue ? -1 : (d - before).TotalDays;
        }
        var after = days is >= 0;
        if (after && fix.Thread is { } thread && crash.Threads.Contains(thread))
            list.Add(new Evidence(EvidenceKinds.Thread, "same-thread", EvidenceWeights.SameThread,
                $"posted {Later(days!.Value)} in the report's thread"));
        foreach (var c in fix.Confirmations.Where(c => c.ByReporter).Take(1))
            list.Add(new Evidence(EvidenceKinds.Thread, "reporter-confirmed", EvidenceWeights.ReporterConfirmed,
                $"reporter {c.Who} replied '{LinkText.ConfirmingWords(c.Evidence)}'"));
        if (fix.ConfirmedSibling is { } sibling && after)
            list.Add(new Evidence(EvidenceKinds.Thread, "confirmed-sibling", EvidenceWeights.ConfirmedElsewhere, sibling));

        if (fix.IsReplyDiff)
            list.Add(new Evidence(EvidenceKinds.Thread, "reply-diff", EvidenceWeights.ReplyDiff, "a diff in a reply (proposal or test), not a posted patch"));
        if (fix.TestedHead is { } head)
            list.Add(new Evidence(EvidenceKinds.Thread, "tested-tree-head", EvidenceWeights.TestedTreeHead, head));
        if (after && days <= EvidenceWeights.ContentWindowDays)
            list.AddRange(Content(crash, fix, days!.Value));
        return list;
    }

    static List<Evidence> Content(CrashFacts crash, FixCandidate fix, double days)
    {
        var content = new List<Evidence>();
        var functions = new HashSet<string>(fix.Functions.Select(Crashes.FrameNames.StripSuffixes), StringComparer.Ordinal);
        var files = new HashSet<string>(fix.Files, StringComparer.Ordinal);
        var key = crash.KeyFunctions;
        if (key.Count > 0 && functions.Contains(key[0]))
            content.Add(new Evidence(EvidenceKinds.Content, "touches-crash-site", EvidenceWeights.TouchesCrashSite,
                $"touches {key[0]}{InFile(crash, files)}"));
        foreach (var f in key.Skip(1).Where(functions.Contains).Take(EvidenceWeights.MaxFrames))
            content.Add(new Evidence(EvidenceKinds.Content, "touches-frame", EvidenceWeights.TouchesFrame, $"touches {f} (in the stack)"));
        if (crash.GuiltyFile is { } gf && files.Contains(gf) && !content.Any(e => e.Detail.Contains(gf, StringComparison.Ordinal)))
            content.Add(new Evidence(EvidenceKinds.Content, "touches-guilty-file", EvidenceWeights.TouchesGuiltyFile, $"touches {gf}"));
        if (content.Count == 0 && crash.GuiltyFile is { } g && g.LastIndexOf('/') is var slash and > 0
            && fix.Files.FirstOrDefault(f => f.StartsWith(g[..(slash + 1)], StringComparison.Ordinal)) is { } near)
            content.Add(new Evidence(EvidenceKinds.Content, "touches-subsystem", EvidenceWeights.TouchesSubsystem, $"touches {near}, next to {g}"));
        if (fix.NamesTitle)
            content.Add(new Evidence(EvidenceKinds.Content, "names-title", EvidenceWeights.NamesTitle, $"names \"{crash.Title}\""));
        // The key functions the commit message names, searched once (commit messages run to thousands of characters).
        var quoted = key.Where(f => NamesWord(fix.CommitMessage, f)).ToList();
        if (key.FirstOrDefault(f => NamesWord(fix.Subject, f)) is { } inSubject)
            content.Add(new Evidence(EvidenceKinds.Content, "subject-names-function", EvidenceWeights.SubjectNamesFunction, $"subject names {inSubject}"));
        else if (quoted.FirstOrDefault() is { } inMessage)
            content.Add(new Evidence(EvidenceKinds.Content, "message-names-function", EvidenceWeights.MessageNamesFunction, $"commit message names {inMessage}"));
        if (quoted.Count >= 2 && !fix.NamesTitle)
            content.Add(new Evidence(EvidenceKinds.Content, "quotes-stack", EvidenceWeights.QuotesStack, $"commit message quotes the stack ({string.Join(", ", quoted.Take(3))})"));
        var fixes = FixesTagEvidence.Evaluate(crash, fix.Culprits);
        if (fixes is { Weight: > 0 }) content.Add(fixes);
        if (content.Count == 0) return content;
        // Only with other content evidence: it discounts what the patch touches, it is no reason to list it.
        if (fixes is { Weight: < 0 }) content.Add(fixes);
        // Subject first, then the message: no bug-class word spans a line break, so this is the first match in
        // "subject\nmessage" without building that string for every candidate.
        if (LinkText.BugClassWords(crash.Title) is { } bugClass && (bugClass.Match(fix.Subject) is { Success: true } words || (words = bugClass.Match(fix.CommitMessage)).Success))
            content.Add(new Evidence(EvidenceKinds.Content, "same-bug-class", EvidenceWeights.SameBugClass, $"describes the same kind of bug ({words.Value.ToLowerInvariant()})"));
        var fixLike = (fix.SubjectLooksLikeFix ?? LinkText.LooksLikeFix(fix.Subject)) || fix.Trailers.Any(t => t.Name.Equals("Fixes", StringComparison.OrdinalIgnoreCase));
        if (fixLike)
            content.Add(new Evidence(EvidenceKinds.Content, "fix-like", EvidenceWeights.FixLike, "looks like a fix (subject or Fixes: tag)"));
        else if (fix.SeriesTotal >= 5)
            content.Add(new Evidence(EvidenceKinds.Content, "large-series", EvidenceWeights.LargeSeriesRefactor, $"one of a {fix.SeriesTotal}-patch series, not worded as a fix"));
        content.Add(new Evidence(EvidenceKinds.Content, "soon-after", EvidenceWeights.SoonAfter * Math.Exp(-days / 7), $"posted {Later(days)}"));
        if (days > 120)
            content.Add(new Evidence(EvidenceKinds.Content, "long-after", EvidenceWeights.VeryLongAfter, $"posted {Later(days)}: more likely other work on the same code"));
        else if (days > 30)
            content.Add(new Evidence(EvidenceKinds.Content, "long-after", EvidenceWeights.LongAfter, $"posted {Later(days)}: more likely other work on the same code"));
        return content;
    }

    /// <summary>Whether <paramref name="text"/> contains <paramref name="word"/> as a whole identifier (foo, not foo_bar),
    /// ignoring case (OrdinalIgnoreCase).</summary>
    internal static bool NamesWord(string text, string word)
    {
        if (word.Length < 4) return false;
        var search = WordSearches.TryGetValue(word, out var known) ? known : WordSearch(word);
        var span = text.AsSpan();
        for (var from = 0; from < span.Length && span[from..].IndexOfAny(search) is var k and >= 0; from += k + 1)
        {
            var i = from + k;
            var end = i + word.Length;
            bool Ident(char c) => char.IsLetterOrDigit(c) || c == '_';
            if ((i == 0 || !Ident(text[i - 1])) && (end >= text.Length || !Ident(text[end]))) return true;
        }
        return false;
    }

    // The key functions of every cluster are searched in the subject and message of every candidate (tens of thousands
    // of times a refresh): a vectorised search per word, kept, rather than IndexOf(…, OrdinalIgnoreCase), whose path
    // under invariant globalization is scalar. Bounded: a word past the bound gets a search of its own each time.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Buffers.SearchValues<string>> WordSearches = new(StringComparer.Ordinal);

    static System.Buffers.SearchValues<string> WordSearch(string word)
    {
        var search = System.Buffers.SearchValues.Create([word], StringComparison.OrdinalIgnoreCase);
        if (WordSearches.Count < 20_000) WordSearches.TryAdd(word, search);
        return search;
    }

    static string InFile(CrashFacts crash, HashSet<string> files) =>
        crash.GuiltyFile is { } gf && files.Contains(gf) ? $" in {gf}" : "";

    static string Later(double days) => days switch
    {
        < 1 => "the same day",
        < 2 => "1 day later",
        _ => $"{Math.Round(days)} days later",
    };

    static string Clip(string s, int n)
    {
        s = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return s.Length <= n ? s : s[..(n - 1)] + "…";
    }
}
