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

    /// <summary>A phrase in header fields: FTS5 (porter) finds it stemmed, public-inbox matches a phrase's words as
    /// written ("fix" is not "fixes"): the header text is in <c>messages</c>, so each hit is checked there. (A phrase
    /// in the body stays stemmed: its text is only in the raw mail.)</summary>
    protected override string Text(TextNode t) => IsHeaderPhrase(t) ? $"({Match(FtsTerm(t))} AND {ExactPhrase(t)})" : FullText(t)!;

    /// <summary>The message columns holding the text of the header fields (as SearchFields.Of gives it).</summary>
    static readonly (TextField Field, string Column)[] HeaderColumns =
    [
        (TextField.Subject, "m.subject"),
        (TextField.From, "m.from_name || ' ' || m.from_email"),
        (TextField.To, "m.to_addrs"),
        (TextField.Cc, "m.cc_addrs"),
    ];

    static bool IsHeaderPhrase(TextNode t) =>
        t.Phrase && t.Fields != TextField.None && HeaderColumns.Aggregate(t.Fields, (f, h) => f & ~h.Field) == TextField.None;

    string ExactPhrase(TextNode t)
    {
        var words = Param(string.Join(' ', t.Words.Select(w => w.ToLowerInvariant())));
        var prefix = t.Prefix ? 1 : 0;
        return "(" + string.Join(" OR ", HeaderColumns.Where(h => t.Fields.HasFlag(h.Field)).Select(h => $"{PhraseFunction}({h.Column}, {words}, {prefix})")) + ")";
    }

    const string PhraseFunction = "ktriage_phrase";

    /// <summary>Registers <c>ktriage_phrase(text, words, prefix)</c> on a search connection: whether the words (lower-case,
    /// space-separated; the last one a prefix when <c>prefix</c> is 1) occur one after the other in the text, split
    /// into words like the index does.</summary>
    public static void Register(SqliteConnection conn) =>
        conn.CreateFunction(PhraseFunction, (string? text, string words, long prefix) => text is not null && HasPhrase(text, words.Split(' '), prefix != 0), isDeterministic: true);

    static bool HasPhrase(string text, string[] phrase, bool prefix)
    {
        var words = QueryParser.SplitWords(text);
        for (var i = 0; i + phrase.Length <= words.Count; i++)
        {
            var j = 0;
            for (; j < phrase.Length; j++)
            {
                var w = words[i + j];
                var last = prefix && j == phrase.Length - 1;
                if (!(last ? w.StartsWith(phrase[j], StringComparison.OrdinalIgnoreCase) : w.Equals(phrase[j], StringComparison.OrdinalIgnoreCase))) break;
            }
            if (j == phrase.Length) return true;
        }
        return false;
    }

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
                // A header phrase is checked against its text as written: a term of its own (Text), not part of a MATCH.
                return IsHeaderPhrase(t) ? null : FtsTerm(t);
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
