using Ktriage.Core.Search;
using Ktriage.Store.Search;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>The search language on SQLite: text terms become one FTS5 MATCH per subtree of text terms (column filters
/// for prefixes), the rest plain SQL; the index is the attached <c>fts</c> database (see <see cref="FtsIndexer"/>).</summary>
internal sealed class SqliteSearchSql : SearchSql
{
    protected override string? FullText(SearchNode node) =>
        Fts(node) is { } match ? Match(match) : null;

    string Match(string match) => $"m.id IN (SELECT rowid FROM fts.message_fts WHERE message_fts MATCH {Param(match)})";

    /// <summary>A phrase in the subject (s:"io_uring: fix"): FTS5 (porter) finds it stemmed, public-inbox matches a
    /// phrase's words as written ("fix" is not "fixes"); the subject is in <c>messages</c>, so each hit is checked
    /// there. Other fields keep stemmed phrases: the body's text is only in the raw mail, and checking the address
    /// fields cost 50-100 ms on io-uring's ~20,000 messages to the list, for a difference seen in no query.</summary>
    protected override string Text(TextNode t) => IsSubjectPhrase(t) ? $"({Match(FtsTerm(t))} AND {ExactPhrase(t)})" : FullText(t)!;

    static bool IsSubjectPhrase(TextNode t) => t.Phrase && t.Fields == TextField.Subject;

    string ExactPhrase(TextNode t) =>
        $"{PhraseFunction}(m.subject, {Param(string.Join(' ', t.Words.Select(w => w.ToLowerInvariant())))}, {(t.Prefix ? 1 : 0)})";

    const string PhraseFunction = "ktriage_phrase";

    /// <summary>Registers <c>ktriage_phrase(text, words, prefix)</c> on a search connection: whether the words (lower-case,
    /// space-separated; the last one a prefix when <c>prefix</c> is 1) occur one after the other in the text, split
    /// into words like the index does.</summary>
    public static void Register(SqliteConnection conn) =>
        conn.CreateFunction(PhraseFunction, (string? text, string words, long prefix) => text is not null && PhraseRegex(words, prefix != 0).IsMatch(text), isDeterministic: true);

    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool), System.Text.RegularExpressions.Regex> phrases = new();

    /// <summary>The phrase as a regex over the text: its words (as QueryParser.SplitWords splits) one after the other,
    /// whole words; compiled once per phrase, as it runs once per candidate row.</summary>
    static System.Text.RegularExpressions.Regex PhraseRegex(string words, bool prefix) => phrases.GetOrAdd((words, prefix), key =>
    {
        const string word = @"[\p{L}\p{N}_]", other = @"[^\p{L}\p{N}_]+";
        var pattern = $"(?<!{word})" + string.Join(other, key.Item1.Split(' ').Select(System.Text.RegularExpressions.Regex.Escape)) + (key.Item2 ? "" : $"(?!{word})");
        if (phrases.Count > 1000) phrases.Clear();
        return new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Compiled, Core.SafeRegex.Timeout);
    });

    static string FtsTerm(TextNode t)
    {
        var cols = string.Join(' ', SearchFields.Columns.Where(c => t.Fields.HasFlag(c)).Select(FtsIndexer.ColumnOf));
        // Words are letters, digits and '_' only (QueryParser.SplitWords): nothing in them is FTS5 syntax.
        return $"{{{cols}}} : \"{Joined(t)}\"{(t.Prefix ? " *" : "")}";
    }

    /// <summary>The FTS5 expression of a subtree made only of text terms, or null. FTS5's NOT is binary ("a NOT b"),
    /// so a negated term fits only inside an AND that also has a positive term.</summary>
    string? Fts(SearchNode node)
    {
        switch (node)
        {
            case TextNode t:
                // A subject phrase is checked against the subject as written: a term of its own (Text), not part of a MATCH.
                return IsSubjectPhrase(t) ? null : FtsTerm(t);
            case OrNode o:
                var items = o.Items.Select(Fts).ToList();
                return items.Any(i => i is null) ? null : "(" + string.Join(" OR ", items) + ")";
            case AndNode a:
                var positive = a.Items.Where(i => i is not NotNode).Select(Fts).ToList();
                var negative = a.Items.OfType<NotNode>().Select(n => Fts(n.Item)).ToList();
                if (positive.Count == 0 || positive.Any(i => i is null) || negative.Any(i => i is null)) return null;
                var expr = "(" + string.Join(" AND ", positive) + ")";
                foreach (var n in negative) expr = $"({expr} NOT {n})";
                return expr;
            default:
                return null;
        }
    }

    protected override string Contains(string haystack, string needle) => $"instr({haystack}, {needle}) > 0";

    protected override string TaintFlags => "coalesce(json_extract(cr.report, '$.taint.flags'), '')";

    protected override string CrashHasFunction(string function) =>
        $"(json_extract(cr.report, '$.crashSite.function') = {function} OR EXISTS(SELECT 1 FROM json_each(cr.report, '$.frames') j WHERE json_extract(j.value, '$.function') = {function}))";
}
