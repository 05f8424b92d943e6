using Ktriage.Core.Search;
using Ktriage.Store.Search;

namespace Ktriage.Store.Postgres;

/// <summary>The search language on PostgreSQL: every subtree made only of text terms becomes one tsquery on
/// message_doc (see <see cref="PostgresTextIndex"/>), so that the GIN index answers it in one scan; the rest is the
/// shared SQL of <see cref="SearchSql"/>. <paramref name="stems"/>: the stems of the query's plain words.</summary>
internal sealed class PostgresSearchSql(IReadOnlyDictionary<string, string> stems) : SearchSql
{
    protected override string? FullText(SearchNode node) =>
        TsQuery(node) is { } q ? $"m.id IN (SELECT d.message FROM message_doc d WHERE d.doc @@ {Param(q)}::tsquery)" : null;

    protected override string Text(TextNode t) => FullText(t)!;

    /// <summary>The tsquery of a whole query made only of text terms (null otherwise), as a parameter: such a query is
    /// answered from message_doc alone, newest first by its date column.</summary>
    public string? TextOnly(SearchNode node) => TsQuery(node) is { } q ? Param(q) : null;

    /// <summary>The tsquery text of a subtree made only of text terms, or null. A negation alone is left to SQL (NOT IN
    /// the hits), which is cheaper than a tsquery that every document without the word matches.</summary>
    string? TsQuery(SearchNode node)
    {
        switch (node)
        {
            case TextNode t:
                return PostgresTextIndex.Query(t, stems);
            case OrNode o:
                var items = o.Items.Select(TsQuery).ToList();
                return items.Any(i => i is null) ? null : "(" + string.Join(" | ", items) + ")";
            case AndNode a:
                var positive = a.Items.Where(i => i is not NotNode).Select(TsQuery).ToList();
                var negative = a.Items.OfType<NotNode>().Select(n => TsQuery(n.Item)).ToList();
                if (positive.Count == 0 || positive.Any(i => i is null) || negative.Any(i => i is null)) return null;
                return "(" + string.Join(" & ", positive.Concat(negative.Select(n => "!" + n))) + ")";
            default:
                return null;
        }
    }

    protected override string Contains(string haystack, string needle) => $"strpos({haystack}, {needle}) > 0";

    protected override string TaintFlags => "coalesce(cr.report #>> '{taint,flags}', '')";

    protected override string CrashHasFunction(string function) =>
        $"(cr.report #>> '{{crashSite,function}}' = {function} OR EXISTS(SELECT 1 FROM jsonb_array_elements(cr.report -> 'frames') j WHERE j ->> 'function' = {function}))";
}
