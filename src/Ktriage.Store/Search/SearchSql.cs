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
        NotNode n => "NOT " + Compile(n.Item),
        TextNode t => Text(t),
        MessageIdNode id => $"m.message_id = {Param(id.MessageId)}",
        // A list name ("io-uring") or a List-Id ("io-uring.vger.kernel.org"), whose first label is the name.
        ListNode l => $"m.id IN (SELECT c.message FROM copies c JOIN lists l ON l.id = c.list_id WHERE lower(l.name) IN ({Param(l.List)}, {Param(l.List.Split('.', '@')[0])}))",
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
