namespace Ktriage.Store.Sqlite;

/// <summary>Browsing queries of the web UI: lists, a list's threads by last activity, a list's newest messages.</summary>
public sealed partial class SqliteArchiveStore
{
    // A message is on a list when one of its copies is (cross-posts appear on each list, like on lore).
    const string OnList = "SELECT c.message FROM copies c WHERE c.list_id = (SELECT id FROM lists WHERE name = $l)";

    public IReadOnlyList<ListRow> Lists() => Rows("""
        SELECT l.name, (SELECT count(DISTINCT c.message) FROM copies c WHERE c.list_id = l.id),
               (SELECT max(m.date) FROM messages m WHERE m.id IN (SELECT c.message FROM copies c WHERE c.list_id = l.id))
        FROM lists l ORDER BY l.name
        """, r => new ListRow(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2))));

    public IReadOnlyList<ThreadRow> ListThreads(string list, int offset, int limit)
    {
        var threads = Rows($"""
            SELECT m.thread_id, max(m.date) AS last, count(*) FROM messages m WHERE m.id IN ({OnList})
            GROUP BY m.thread_id ORDER BY last DESC, m.thread_id DESC LIMIT $n OFFSET $o
            """, r => (Tid: r.GetInt64(0), Last: r.GetInt64(1), Count: r.GetInt32(2)), ("$l", list), ("$n", limit), ("$o", offset));
        if (threads.Count == 0) return [];
        // The root is the thread's earliest message (on any list: a reply cross-posted here still shows its thread's start).
        var roots = Query($"""
            WHERE m.id IN (SELECT (SELECT r.id FROM messages r WHERE r.thread_id = t.value ORDER BY r.date, r.id LIMIT 1)
                           FROM json_each($t) t)
            """, ("$t", "[" + string.Join(",", threads.Select(t => t.Tid)) + "]")).ToDictionary(m => m.ThreadId);
        return threads.Where(t => roots.ContainsKey(t.Tid))
            .Select(t => new ThreadRow(t.Tid, roots[t.Tid], t.Count, DateTimeOffset.FromUnixTimeSeconds(t.Last))).ToList();
    }

    public IReadOnlyList<MessageRow> NewestMessages(string list, int limit) =>
        Query($"WHERE m.id IN ({OnList}) ORDER BY m.date DESC, m.id DESC LIMIT $n", ("$l", list), ("$n", limit)).ToList();
}
