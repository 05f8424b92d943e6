using Ktriage.Core.Search;
using Ktriage.Store.Search;

namespace Ktriage.Store.Postgres;

/// <summary>The search language on PostgreSQL: a text term is a tsquery (phrase: &lt;-&gt;, prefix: :*) matched against
/// the tsvector column of each field it names; the rest is the shared SQL of <see cref="SearchSql"/>.</summary>
internal sealed class PostgresSearchSql : SearchSql
{
    protected override string Text(TextNode t)
    {
        // Words are letters, digits and '_' only (QueryParser.SplitWords): nothing in them is tsquery syntax.
        var query = string.Join(" <-> ", t.Words.Select(PostgresIngestBatch.Word)) + (t.Prefix ? ":*" : "");
        var q = $"to_tsquery('ktriage', {Param(query)})";
        var cols = SearchFields.Columns.Where(c => t.Fields.HasFlag(c)).Select(c => $"t.{PostgresIngestBatch.ColumnOf(c)} @@ {q}");
        return $"m.id IN (SELECT t.message FROM message_text t WHERE {string.Join(" OR ", cols)})";
    }

    protected override string Contains(string haystack, string needle) => $"strpos({haystack}, {needle}) > 0";

    protected override string TaintFlags => "coalesce(cr.report #>> '{taint,flags}', '')";

    protected override string CrashHasFunction(string function) =>
        $"(cr.report #>> '{{crashSite,function}}' = {function} OR EXISTS(SELECT 1 FROM jsonb_array_elements(cr.report -> 'frames') j WHERE j ->> 'function' = {function}))";
}
