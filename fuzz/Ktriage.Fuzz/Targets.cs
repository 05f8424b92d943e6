using System.Text;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.Core.Search;
using Ktriage.Sources.LorePage;
using Ktriage.Sources.Mbox;

namespace Ktriage.Fuzz;

/// <summary>A broken invariant (not an exception of the parser itself): reported to AFL as a crash.</summary>
public sealed class InvariantException(string message) : Exception(message);

/// <summary>The fuzz targets: each feeds arbitrary bytes to one parser the way ktriage does with real input, and fails
/// (an exception escaping) only when the parser throws or breaks a promise its callers rely on.</summary>
public static class Targets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["mime"] = Mime,
        ["lore"] = Lore,
        ["mbox"] = Mbox,
        ["diff"] = Diff,
        ["subject"] = Subject,
        ["trailers"] = Trailers,
        ["oops"] = Oops,
        ["query"] = Query,
    };

    // Text inputs arrive as UTF-8 everywhere in ktriage (mail bodies are decoded, pages and logs read as UTF-8).
    static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    static void Check(bool ok, string what)
    {
        if (!ok) throw new InvariantException(what);
    }

    /// <summary>Raw message bytes → Message (MimeKit + our header rules), and what ingest then reads of it.</summary>
    static void Mime(byte[] data)
    {
        var m = MailParser.Parse(data, DateTimeOffset.UnixEpoch);
        Check(m.MessageId.Length > 0 && m.MessageId.AsSpan().IndexOfAny('\r', '\n') < 0, $"bad Message-ID '{m.MessageId}'");
        Check(!m.References.Contains(m.MessageId), "a message references itself");
        _ = m.BodyHash;
        _ = m.AllText;
    }

    /// <summary>A saved lore page → rebuilt RFC 5322 messages, which must parse back with the page's Message-ID (header
    /// ids are taken byte for byte, as Latin-1, like public-inbox does; the rebuilt message is UTF-8).</summary>
    static void Lore(byte[] data)
    {
        foreach (var pm in LorePageParser.Parse(Text(data)))
        {
            var m = MailParser.Parse(pm.ToRfc5322());
            var expected = MessageIds.OwnIds(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(pm.MessageId))).FirstOrDefault();
            Check(m.MessageId == expected, $"page id '{pm.MessageId}' came back as '{m.MessageId}'");
        }
    }

    /// <summary>mbox splitting in both variants; resuming at the first message's checkpoint yields the same remainder.</summary>
    static void Mbox(byte[] data)
    {
        foreach (var variant in new[] { MboxVariant.Rd, MboxVariant.O })
        {
            var source = new MboxSource("/fuzz.mbox", "fuzz", () => new MemoryStream(data, writable: false), variant);
            var all = source.ReadAsync(null).ToBlockingEnumerable().ToList();
            if (all is not [{ Kind: RawKind.Message, Checkpoint: { } checkpoint }, _, ..]) continue;
            var rest = source.ReadAsync(checkpoint).ToBlockingEnumerable().ToList();
            Check(rest.Count == all.Count - 1 && rest.Zip(all.Skip(1)).All(p => p.First.Bytes.AsSpan().SequenceEqual(p.Second.Bytes)),
                $"resuming at {checkpoint} gave {rest.Count} items, not the {all.Count - 1} after the first");
        }
    }

    /// <summary>Diff/patch parsing and what is computed from a diff (stat, functions, patch-id), and pull requests.</summary>
    static void Diff(byte[] data)
    {
        var text = Text(data);
        var diff = DiffParser.Parse(text);
        _ = diff.Stat;
        _ = diff.Functions;
        _ = diff.RenderDiffStat();
        PatchId.Compute(diff.Text);
        PullRequest.Find(text);
    }

    /// <summary>Patch subject tags ([PATCH v2 3/5], RFC, RESEND, prefixes).</summary>
    static void Subject(byte[] data)
    {
        var s = SubjectInfo.Parse(Text(data));
        _ = s.AmSubject();
        _ = SubjectInfo.Normalize(s.Title);
        Check(s.Counter >= 0 && s.Version >= 0 && s.Total >= 0, $"counter {s.Counter}/{s.Total}, version {s.Version}");
    }

    /// <summary>Trailers in patches (Split) and in replies (Find with follow-up rules), review signals, commit mentions.</summary>
    static void Trailers(byte[] data)
    {
        var text = Text(data);
        var parts = TrailerParser.Split(text);
        CommitMentions.Find(parts.Message, parts.Trailers);
        var prose = PatchAnalyzer.OwnText(text);
        var (found, _) = TrailerParser.Find(prose, followup: true);
        ReviewSignals.Find(prose, found, "Fuzz <fuzz@example.com>");
        TrailerParser.Find(text);
    }

    /// <summary>Crash extraction and analysis, without the catch-all that ingest keeps around it (which would hide bugs).</summary>
    static void Oops(byte[] data)
    {
        foreach (var r in CrashAnalyzer.AnalyzeCore(Text(data)))
            Check(!string.IsNullOrEmpty(r.Title) && r.Occurrences >= 1, "a report without a title");
    }

    static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The search language: a SearchSyntaxException (a one-line message for the user) is the only allowed failure.</summary>
    static void Query(byte[] data)
    {
        try { QueryParser.Parse(Text(data), Now); }
        catch (SearchSyntaxException e) { Check(!string.IsNullOrWhiteSpace(e.Message), "empty syntax error message"); }
    }
}
