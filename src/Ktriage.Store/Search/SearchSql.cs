using System.Data.Common;
using Ktriage.Core.Search;

namespace Ktriage.Store.Search;

/// <summary>
/// Compiles a parsed query (<see cref="QueryParser"/>) into a SQL condition on <c>messages m</c>. The structure, the
/// archive prefixes (m:, l:, d:, patchid:) and the crash prefixes are plain SQL shared by both stores; the dialects
/// supply full-text matching and the few functions that differ. Values are always parameters (@p0, @p1...), which
/// both Microsoft.Data.Sqlite and Npgsql accept.
/// </summary>
public abstract class SearchSql
{
    readonly List<(string Name, object Value)> parameters = [];
    public IReadOnlyList<(string Name, object Value)> Parameters => parameters;

    /// <summary>The search connection: list terms (l:) are looked up on it while compiling (see <see cref="List"/>).</summary>
    public required DbConnection Connection { get; init; }

    /// <summary>Whether the query reads the crash knowledge base (fixed:), which may not exist yet.</summary>
    public bool UsesCrashLinks { get; private set; }

    protected string Param(object value)
    {
        var name = "@p" + parameters.Count;
        parameters.Add((name, value));
        return name;
    }

    public string Compile(SearchNode node) => FullText(node) ?? node switch
    {
        AndNode a => "(" + string.Join(" AND ", a.Items.Select(Compile)) + ")",
        OrNode o => "(" + string.Join(" OR ", o.Items.Select(Compile)) + ")",
        NotNode { Item: ListNode l } => List(l, negated: true),
        NotNode n => "NOT " + Compile(n.Item),
        TextNode t => Text(t),
        MessageIdNode id => $"m.message_id = {Param(id.MessageId)}",
        ListNode l => List(l, negated: false),
        DateNode d => Date(d, "m.date"),
        PatchIdNode p => $"m.id IN (SELECT message FROM patches WHERE patch_id = {Param(p.PatchId)})",
        CrashTitleNode c => Crash(string.Join(" AND ", c.Words.Select(w => Contains("lower(cr.title)", Param(w.ToLowerInvariant()))))),
        // Types are syzkaller's (KASAN-USE-AFTER-FREE-READ): type:KASAN means every KASAN-… type too.
        CrashTypeNode c => Crash($"(lower(cr.type) = {Param(c.Type.ToLowerInvariant())} OR substr(lower(cr.type), 1, {c.Type.Length + 1}) = {Param(c.Type.ToLowerInvariant() + "-")})"),
        CrashFunctionNode f => Crash(CrashHasFunction(Param(f.Function))),
        TaintedNode { Flags: { } flags } => Crash(string.Join(" AND ", flags.Distinct().Select(ch => Contains(TaintFlags, Param(ch.ToString()))))),
        TaintedNode { Tainted: var yes } => Crash(yes == true ? $"{TaintFlags} <> ''" : $"{TaintFlags} = ''"),
        FixedNode f => Fixed(f.Fixed),
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    /// <summary>How many of the newest messages <see cref="LookUpList"/> samples to tell a list that holds most of them.</summary>
    const int ListSample = 500;

    /// <summary>A list term: the message has (or, negated, has no) copy on the list. The lists are looked up first, so
    /// that the SQL names their ids (the planners know an id's share of the copies; a join on the name hid it), and how
    /// the condition is written depends on how much of the newest mail is on them. A list that holds at least half of
    /// the newest messages (io-uring in its own archive) is an EXISTS probe per message: a page walks messages newest
    /// first (date index) and stops after the page, where reading every copy of the list took 135 ms on PostgreSQL;
    /// beside a text term it checks only the text's hits. A list that holds less (a small or old list among others) is
    /// the set of its messages (<see cref="InSet"/>), read once through copies_list, which drives the query: walking by
    /// date would read every newer message of the other lists first. A negated list is always a probe: the other terms
    /// say which messages to check. <paramref name="message"/>: the column holding the message's id;
    /// <paramref name="probe"/>: the EXISTS form whatever the list (where the planner may choose the join itself).</summary>
    protected string List(ListNode l, bool negated, string message = "m.id", bool probe = false)
    {
        var (ids, dense) = LookUpList(l.List);
        if (ids.Count == 0) return negated ? "1=1" : "1=0";
        var onList = ids.Count == 1 ? $"c.list_id = {Param(ids[0])}" : $"c.list_id IN ({string.Join(", ", ids.Select(i => Param(i)))})";
        var exists = $"EXISTS(SELECT 1 FROM copies c WHERE c.message = {message} AND {onList})";
        if (negated) return "NOT " + exists;
        return dense || probe ? exists : InSet(message, $"SELECT c.message FROM copies c WHERE {onList}");
    }

    /// <summary>The ids of the lists a list term names — a list name ("io-uring") or a List-Id
    /// ("io-uring.vger.kernel.org", whose first label is the name) — and whether they hold at least half of the newest
    /// messages. Sampling the newest messages costs the same on any archive, where counting the list's copies grows with
    /// the list; and the newest messages are those a page walking by date reads first.</summary>
    (List<long> Ids, bool Dense) LookUpList(string list)
    {
        // Once per query: a dialect may compile a subtree more than once (trying a form that does not fit, then another).
        if (lists.TryGetValue(list, out var known)) return known;
        using var cmd = Connection.CreateCommand();
        // A probe per sampled message (LIMIT 1 keeps PostgreSQL from hashing every copy of the list instead: 24 → 2 ms).
        cmd.CommandText = $"""
            SELECT l.id,
                   (SELECT count(*) FROM (SELECT r.id FROM messages r ORDER BY r.date DESC LIMIT {ListSample}) r
                    WHERE (SELECT 1 FROM copies c WHERE c.message = r.id AND c.list_id = l.id LIMIT 1) IS NOT NULL),
                   (SELECT count(*) FROM (SELECT 1 FROM messages LIMIT {ListSample}) n)
            FROM lists l WHERE lower(l.name) IN (@list, @name)
            """;
        foreach (var (name, value) in new[] { ("@list", list), ("@name", list.Split('.', '@')[0]) })
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        var ids = new List<long>();
        long onList = 0, sampled = 0;
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                ids.Add(Convert.ToInt64(r.GetValue(0)));
                onList += Convert.ToInt64(r.GetValue(1));
                sampled = Convert.ToInt64(r.GetValue(2));
            }
        return lists[list] = (ids, sampled > 0 && 2 * onList >= sampled);
    }

    readonly Dictionary<string, (List<long>, bool)> lists = [];

    /// <summary>SQL that is true when <paramref name="column"/> is among the values of <paramref name="subquery"/>,
    /// computed once for the query rather than joined (a join the planner may turn back into a walk by date).</summary>
    protected virtual string InSet(string column, string subquery) => $"{column} IN ({subquery})";

    /// <summary>A date range on a column holding the store's dates.</summary>
    protected string Date(DateNode d, string column) => "(" + string.Join(" AND ", new[]
    {
        d.From is { } f ? $"{column} >= {Param(DateValue(f))}" : null,
        d.To is { } t ? $"{column} < {Param(DateValue(t))}" : null,
    }.OfType<string>().DefaultIfEmpty("1=1")) + ")";

    string Fixed(bool yes)
    {
        UsesCrashLinks = true;
        var fix = "EXISTS(SELECT 1 FROM fix_links f WHERE f.cluster = cm.cluster)";
        return $"EXISTS(SELECT 1 FROM cluster_members cm WHERE cm.message = m.id AND {(yes ? "" : "NOT ")}{fix})";
    }

    static string Crash(string condition) => $"EXISTS(SELECT 1 FROM crash_reports cr WHERE cr.message = m.id AND {condition})";

    /// <summary>How the store keeps dates (SQLite: unix seconds; PostgreSQL: the same, as bigint).</summary>
    protected virtual object DateValue(DateTimeOffset d) => d.ToUnixTimeSeconds();

    /// <summary>A whole subtree of text terms as one full-text match, when the dialect can (null: compile node by node).</summary>
    protected virtual string? FullText(SearchNode node) => null;

    /// <summary>A full-text leaf: the words (or phrase) in one of the fields.</summary>
    protected abstract string Text(TextNode t);

    /// <summary>SQL that is true when <paramref name="haystack"/> contains <paramref name="needle"/> (case-sensitive).</summary>
    protected abstract string Contains(string haystack, string needle);

    /// <summary>The taint flags of report <c>cr</c> ("" when not tainted or unknown).</summary>
    protected abstract string TaintFlags { get; }

    /// <summary>True when report <c>cr</c> names <paramref name="function"/> as crash site or in a frame.</summary>
    protected abstract string CrashHasFunction(string function);

    /// <summary>Words of a leaf joined into one phrase text.</summary>
    protected static string Joined(TextNode t) => string.Join(' ', t.Words);

}
