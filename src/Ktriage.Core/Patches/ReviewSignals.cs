using System.Buffers;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Patches;

public enum SignalKind { Reviewed, Tested, Acked, Nacked, Applied }

/// <summary>
/// What a reply says about the patch it answers. Formal signals are trailers (Reviewed-by: …); informal
/// ones are phrases ("that fixes it for me", "Applied, thanks") and are weaker evidence.
/// </summary>
/// <param name="Evidence">the trailer or the sentence it was read from.</param>
/// <param name="Who">the reply's sender (or the trailer's person).</param>
public sealed record ReviewSignal(SignalKind Kind, bool Formal, string Evidence, string? Who);

/// <summary>Finds review, test, ack and "applied" signals in a reply's own (unquoted) text.</summary>
public static partial class ReviewSignals
{
    const RegexOptions Opts = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    // "you can add my "Reviewed-by" or "Tested-by"", "feel free to add my Acked-by", "please add my Tested-by".
    [GeneratedRegex(@"\b(add|take|have|include|use|with)\s+my\s+[^.!?\n]{0,60}\b(reviewed|tested|acked)[- ]by", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex OfferTag();

    [GeneratedRegex(@"(reviewed|tested|acked)[- ]by", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex TagName();

    [GeneratedRegex(@"\b(fix(es|ed)\s+(it|the\s+(problem|issue|bug|crash|warning|regression)|this)\s+for\s+me|works\s+(fine\s+)?for\s+me|solves\s+(it|the\s+(problem|issue))\s+for\s+me|(i|we)\s+(have\s+)?tested\s+(it|this|the\s+patch|your\s+patch)|(i|we)\s+can\s+confirm\s+(it|this|that)\s+(fixes|works|solves))", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex TestedPhrase();

    [GeneratedRegex(@"(^|[\s,.(])(lgtm|looks\s+good\s+to\s+me)\b", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex ReviewedPhrase();

    // "Applied, thanks", "Thanks, applied to net-next", "Queued up for 6.8", "has been merged into torvalds/linux.git",
    // "I've applied it to for-next", "I'll take these for 3.18". Not "I applied it locally" (a tester), not
    // "If your patch is applied to the wrong tree" (a bot), not "syzbot will apply it".
    [GeneratedRegex(@"(^\s*(applied|queued|pushed|merged|picked\s+up)\b|\bthanks[,!.]?\s+(applied|queued|merged|picked\s+up)\b|\b(has|have)\s+been\s+(applied|queued|merged|picked\s+up)\s+(to|into|in|for)\b|\b(i've|i\s+have|we've|we\s+have)\s+(now\s+)?(applied|queued|picked\s+up)\s+((it|this|these|them|the\s+series|the\s+patch(es)?)\s+)?(to|into|for)\s+(the\s+)?(\S*(next|fixes|queue|for-|linus|master|main|staging|/)\S*|\d+\.\d+\S*)|\b(i'll|i\s+will|i'm\s+going\s+to)\s+(plan\s+to\s+)?(take|queue|apply|pick\s+up)\s+(these|this|them|it|the\s+series)\b)", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex AppliedPhrase();

    [GeneratedRegex(@"^\s*nack\b|\bnacked\b", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex NackPhrase();

    [GeneratedRegex(@"\b(these|them|series|all\s+(of\s+)?(them|these|patches))\b", Opts, SafeRegex.TimeoutMs)]
    private static partial Regex Plural();

    /// <summary>"Applied these, thanks" / "I'll take the series": the signal covers every patch of the posting.</summary>
    public static bool MeansWholeSeries(string evidence) => Plural().IsMatch(evidence);

    // One vectorized scan for all keywords (as many IndexOf(…, OrdinalIgnoreCase) calls cost a scan each).
    static readonly SearchValues<string> Keywords = SearchValues.Create(
        ["applied", "queued", "pushed", "merged", "picked", "for me", "tested", "confirm", "lgtm", "looks good", "nack", "reviewed", "acked", "take", "apply"],
        StringComparison.OrdinalIgnoreCase);

    // Words every match of a phrase regex contains, to skip the regex on sentences that lack them all. The regexes
    // ignore case with Unicode's equivalences, where the Kelvin sign (U+212A) is a 'k' (OrdinalIgnoreCase has no such
    // pair): in a text holding one, every sentence is given to the regexes.
    static SearchValues<string> Needs(params string[] words) => SearchValues.Create(words, StringComparison.OrdinalIgnoreCase);
    static readonly SearchValues<string> OfferNeeds = Needs("reviewed", "tested", "acked");
    static readonly SearchValues<string> TestedNeeds = Needs("fixe", "works", "solves", "tested", "confirm");
    static readonly SearchValues<string> ReviewedNeeds = Needs("lgtm", "looks");
    static readonly SearchValues<string> AppliedNeeds = Needs("appl", "queue", "pushed", "merged", "pick", "take");
    static readonly SearchValues<string> NackNeeds = Needs("nack");

    /// <param name="text">the reply's own text: quoted lines and the signature already removed.</param>
    /// <param name="trailers">follow-up trailers found in the reply.</param>
    public static List<ReviewSignal> Find(string text, IReadOnlyList<Trailer> trailers, string? sender)
    {
        var signals = new List<ReviewSignal>();
        foreach (var t in trailers)
        {
            SignalKind? kind = t.LName switch
            {
                "reviewed-by" => SignalKind.Reviewed,
                "tested-by" => SignalKind.Tested,
                "acked-by" => SignalKind.Acked,
                "nacked-by" => SignalKind.Nacked,
                _ => null,
            };
            if (kind is { } k) signals.Add(new ReviewSignal(k, true, t.AsString(true), t.Value));
        }
        // Most replies contain none of the phrases: a plain substring check spares the regexes.
        if (!text.AsSpan().ContainsAny(Keywords)) return signals;
        var kelvin = text.Contains('\u212A');
        // Phrases span wrapped lines: scan sentences of re-joined paragraphs. Each paragraph is flattened into a pooled
        // buffer and its sentences are spans of it: strings are made only for evidence.
        text = text.Replace("\r", "");
        var flat = SmallPool<char>.Rent(Math.Max(1, text.Length));
        try
        {
            for (var at = 0; at <= text.Length;)
            {
                var end = text.IndexOf("\n\n", at, StringComparison.Ordinal);
                if (end < 0) end = text.Length;
                var length = Flatten(text.AsSpan(at, end - at), flat);
                at = end + 2;
                var para = flat.AsSpan(0, length);
                var start = 0;
                for (var k = 0; k < para.Length; k++)
                {
                    if (para[k] is '.' or '!' or '?' && (k + 1 == para.Length || para[k + 1] == ' '))
                    {
                        Sentence(para[start..(k + 1)], signals, sender, kelvin);
                        start = k + 1;
                    }
                }
                if (start < para.Length) Sentence(para[start..], signals, sender, kelvin);
            }
        }
        finally { SmallPool<char>.Return(flat); }
        return signals;
    }

    static void Sentence(ReadOnlySpan<char> line, List<ReviewSignal> signals, string? sender, bool kelvin)
    {
        bool May(ReadOnlySpan<char> sentence, SearchValues<string> needs) => kelvin || sentence.ContainsAny(needs);
        if (May(line, OfferNeeds) && TrySignal(OfferTag(), line) is { } offer)
        {
            foreach (var m in TagName().EnumerateMatches(line))
            {
                var kind = char.ToLowerInvariant(line[m.Index]) switch { 'r' => SignalKind.Reviewed, 't' => SignalKind.Tested, _ => SignalKind.Acked };
                if (!signals.Any(s => s.Kind == kind && !s.Formal)) signals.Add(new ReviewSignal(kind, false, offer, sender));
            }
        }
        if (May(line, TestedNeeds) && TrySignal(TestedPhrase(), line) is { } tested && !signals.Any(s => s.Kind == SignalKind.Tested && !s.Formal))
            signals.Add(new ReviewSignal(SignalKind.Tested, false, tested, sender));
        if (May(line, ReviewedNeeds) && TrySignal(ReviewedPhrase(), line) is { } reviewed && !signals.Any(s => s.Kind == SignalKind.Reviewed && !s.Formal))
            signals.Add(new ReviewSignal(SignalKind.Reviewed, false, reviewed, sender));
        if (May(line, AppliedNeeds) && TrySignal(AppliedPhrase(), line) is { } applied && !signals.Any(s => s.Kind == SignalKind.Applied))
            signals.Add(new ReviewSignal(SignalKind.Applied, false, applied, sender));
        if (May(line, NackNeeds) && TrySignal(NackPhrase(), line) is { } nack && !signals.Any(s => s.Kind == SignalKind.Nacked))
            signals.Add(new ReviewSignal(SignalKind.Nacked, false, nack, sender));
    }

    /// <summary>A paragraph's lines, trimmed, blank ones dropped, joined with spaces into <paramref name="into"/>; its length.</summary>
    static int Flatten(ReadOnlySpan<char> para, char[] into)
    {
        var n = 0;
        foreach (var range in para.Split('\n'))
        {
            var l = para[range].Trim();
            if (l.IsEmpty) continue;
            if (n > 0) into[n++] = ' ';
            l.CopyTo(into.AsSpan(n));
            n += l.Length;
        }
        return n;
    }

    /// <summary>The sentence around the match, at most ~200 characters of it (flattened text can lack full stops).</summary>
    static string? TrySignal(Regex re, ReadOnlySpan<char> sentence)
    {
        foreach (var m in re.EnumerateMatches(sentence))
        {
            if (sentence.Length <= 200) return sentence.Trim().ToString();
            var start = Math.Max(0, m.Index - 100);
            var end = Math.Min(sentence.Length, m.Index + m.Length + 100);
            // Start at a quote or line-ish boundary when one is near, so evidence reads naturally.
            var cut = sentence[..((m.Index > 0 ? m.Index - 1 : 0) + 1)].LastIndexOfAny('>', '\n');
            if (cut >= start) start = cut + 1;
            return sentence[start..end].Trim().ToString();
        }
        return null;
    }
}
