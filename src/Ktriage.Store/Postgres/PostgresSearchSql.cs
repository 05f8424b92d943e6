using Ktriage.Core.Search;
using Ktriage.Store.Search;

namespace Ktriage.Store.Postgres;

/// <summary>The search language on PostgreSQL: every subtree made only of text terms becomes conditions on message_doc
/// (see <see cref="PostgresTextIndex"/>) — one tsquery per document part where the terms allow, so that a GIN index
/// answers it in one scan; the rest is the shared SQL of <see cref="SearchSql"/>. <paramref name="stems"/>: the stems
/// of the query's plain words.</summary>
internal sealed class PostgresSearchSql(IReadOnlyDictionary<string, string> stems) : SearchSql
{
    // A negation alone is left to the shared SQL (NOT IN the hits): cheaper than testing every document.
    protected override string? FullText(SearchNode node) =>
        node is not NotNode && Condition(node) is { } c ? $"m.id IN (SELECT d.message FROM message_doc d WHERE {c})" : null;

    protected override string Text(TextNode t) => FullText(t)!;

    /// <summary>The condition on <c>message_doc d</c> of a whole query made only of text terms (null otherwise): such a
    /// query is answered from message_doc alone, newest first by its date column.</summary>
    public string? TextOnly(SearchNode node) => Condition(node);

    /// <summary>Whether the query has text terms (reads message_doc).</summary>
    public bool UsesText { get; private set; }

    string Match(DocPart part, string tsquery)
    {
        UsesText = true;
        return $"d.{PostgresTextIndex.Column(part)} @@ {Param(tsquery)}::tsquery";
    }

    /// <summary>SQL on <c>d</c> for a subtree of text terms, or null.</summary>
    string? Condition(SearchNode node)
    {
        if (Single(node) is var (part, q)) return Match(part, q);
        switch (node)
        {
            case TextNode t:
                return "(" + string.Join(" OR ", PostgresTextIndex.Parts(t.Fields).Select(p => Match(p, PostgresTextIndex.Query(t, p, stems)!))) + ")";
            case OrNode o:
                var items = o.Items.Select(Condition).ToList();
                return items.Any(i => i is null) ? null : "(" + string.Join(" OR ", items) + ")";
            case AndNode a:
                // Dates beside text terms are message_doc's own column, lists a probe on its message: no join with
                // messages for s:… d:2024-01-01.. l:io-uring (the planner joins copies as a semi- or anti-join, after
                // the sort when the list holds most hits: l:io-uring s:fix 30 → 14 ms).
                static bool OnMessage(SearchNode i) => i is DateNode or ListNode or NotNode { Item: ListNode };
                var text = a.Items.Where(i => !OnMessage(i)).ToList();
                var conditions = text.Select(Condition).ToList();
                if (text.Count == 0 || conditions.Any(i => i is null)) return null;
                foreach (var item in a.Items.Where(OnMessage))
                    conditions.Add(item switch
                    {
                        DateNode d => Date(d, "d.date"),
                        ListNode l => List(l, negated: false, "d.message", probe: true),
                        NotNode { Item: ListNode l } => List(l, negated: true, "d.message"),
                        _ => throw new InvalidOperationException(item.GetType().Name),
                    });
                return "(" + string.Join(" AND ", conditions) + ")";
            case NotNode n:
                return Condition(n.Item) is { } c ? "NOT " + c : null;
            default:
                return null;
        }
    }

    /// <summary>A subtree whose terms all search one document part, as one tsquery on it; null otherwise. A negated
    /// term fits only inside an AND that has a positive one.</summary>
    (DocPart, string)? Single(SearchNode node)
    {
        switch (node)
        {
            case TextNode t:
                var parts = PostgresTextIndex.Parts(t.Fields).ToList();
                return parts.Count == 1 ? (parts[0], PostgresTextIndex.Query(t, parts[0], stems)!) : null;
            case OrNode o:
                var items = o.Items.Select(Single).ToList();
                if (items.Any(i => i is null) || items.Select(i => i!.Value.Item1).Distinct().Count() != 1) return null;
                return (items[0]!.Value.Item1, "(" + string.Join(" | ", items.Select(i => i!.Value.Item2)) + ")");
            case AndNode a:
                var positive = a.Items.Where(i => i is not NotNode).Select(Single).ToList();
                var negative = a.Items.OfType<NotNode>().Select(n => Single(n.Item)).ToList();
                var all = positive.Concat(negative).ToList();
                if (positive.Count == 0 || all.Any(i => i is null) || all.Select(i => i!.Value.Item1).Distinct().Count() != 1) return null;
                return (all[0]!.Value.Item1, "(" + string.Join(" & ", positive.Select(i => i!.Value.Item2).Concat(negative.Select(n => "!" + n!.Value.Item2))) + ")");
            default:
                return null;
        }
    }

    // The subquery as an InitPlan (an array read once): a plain IN becomes a semi-join that the planner, which assumes a
    // list's messages are spread evenly over time, turns into a walk by date: for an old list it read every newer
    // message first (l:virtualization among io-uring: 33 ms instead of 5). Unnested under IN, so that beside OR it is
    // a hashed lookup per message, not a scan of the array.
    protected override string InSet(string column, string subquery) => $"{column} IN (SELECT unnest(ARRAY({subquery})))";

    protected override string Contains(string haystack, string needle) => $"strpos({haystack}, {needle}) > 0";

    protected override string TaintFlags => "coalesce(cr.report #>> '{taint,flags}', '')";

    protected override string CrashHasFunction(string function) =>
        $"(cr.report #>> '{{crashSite,function}}' = {function} OR EXISTS(SELECT 1 FROM jsonb_array_elements(cr.report -> 'frames') j WHERE j ->> 'function' = {function}))";
}
