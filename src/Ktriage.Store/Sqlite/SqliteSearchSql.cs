using Ktriage.Core.Search;
using Ktriage.Store.Search;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>The search language on SQLite: text terms become one FTS5 MATCH per subtree of text terms (column filters
/// for prefixes), the rest plain SQL; the index is the attached <c>fts</c> database (see <see cref="FtsIndexer"/>). The
/// index holds words as written, so phrases and prefixes match them directly; a plain word that public-inbox stems
/// (<see cref="TextNode.StemmedWord"/>) becomes the OR of the indexed words with its stem, which
/// <paramref name="variants"/> lists (see <see cref="SqliteStemVariants"/>) — what Xapian's stemmed terms give.</summary>
internal sealed class SqliteSearchSql(Func<string, IReadOnlyList<string>> variants) : SearchSql
{
    protected override string? FullText(SearchNode node) =>
        Fts(node) is { } match ? $"m.id IN (SELECT rowid FROM fts.message_fts WHERE message_fts MATCH {Param(match)})" : null;

    protected override string Text(TextNode t) => FullText(t)!;

    string FtsTerm(TextNode t)
    {
        var cols = string.Join(' ', SearchFields.Columns.Where(c => t.Fields.HasFlag(c)).Select(FtsIndexer.ColumnOf));
        // Words are letters, digits and '_' only (QueryParser.SplitWords), index terms too: nothing in them is FTS5
        // syntax once quoted (a word may be "or" or "near").
        if (t.StemmedWord is { } word)
            return $"{{{cols}}} : ({string.Join(" OR ", variants(word).Append(word).Distinct().Select(v => $"\"{v}\""))})";
        return $"{{{cols}}} : \"{Joined(t)}\"{(t.Prefix ? " *" : "")}";
    }

    /// <summary>The FTS5 expression of a subtree made only of text terms, or null. FTS5's NOT is binary ("a NOT b"),
    /// so a negated term fits only inside an AND that also has a positive term.</summary>
    string? Fts(SearchNode node)
    {
        switch (node)
        {
            case TextNode t:
                return FtsTerm(t);
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
