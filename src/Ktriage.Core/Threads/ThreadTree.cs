namespace Ktriage.Core.Threads;

/// <summary>What the tree needs of a message: its id, its parent hints and a date for ordering siblings.</summary>
public sealed record ThreadItem<T>(string MessageId, string? InReplyTo, IReadOnlyList<string> References, DateTimeOffset Date, T Value);

/// <summary>A node of a nested thread: a message, or a ghost (a referenced message the archive does not have).</summary>
public sealed class ThreadNode<T>
{
    public required string MessageId { get; init; }
    public T? Value { get; init; }
    public bool IsGhost => Value is null;
    public List<ThreadNode<T>> Children { get; } = [];
    public DateTimeOffset Date { get; set; }
}

/// <summary>Nests one thread's messages like lore's /t/ view: parent = In-Reply-To, else the nearest earlier reference
/// present in the thread; a missing direct parent becomes a ghost so that siblings stay together.</summary>
public static class ThreadTree
{
    public static IReadOnlyList<ThreadNode<T>> Build<T>(IEnumerable<ThreadItem<T>> items) where T : class
    {
        var list = items.OrderBy(i => i.Date).ToList();
        var nodes = new Dictionary<string, ThreadNode<T>>(StringComparer.Ordinal);
        foreach (var i in list)
            if (!nodes.ContainsKey(i.MessageId))
                nodes[i.MessageId] = new ThreadNode<T> { MessageId = i.MessageId, Value = i.Value, Date = i.Date };

        var parentOf = new Dictionary<ThreadNode<T>, ThreadNode<T>>();
        foreach (var i in list)
        {
            var node = nodes[i.MessageId];
            if (parentOf.ContainsKey(node) || node.Value != i.Value) continue;
            var chain = i.References.ToList();
            if (i.InReplyTo is { } irt) { chain.Remove(irt); chain.Add(irt); }
            ThreadNode<T>? parent = null;
            for (var k = chain.Count - 1; k >= 0 && parent is null; k--)
            {
                var id = chain[k];
                if (id == i.MessageId) continue;
                if (nodes.TryGetValue(id, out var p)) parent = p;
                else if (k == chain.Count - 1)
                {
                    // Direct parent missing: a ghost, itself hung under the nearest known ancestor.
                    parent = nodes[id] = new ThreadNode<T> { MessageId = id, Date = i.Date };
                    for (var a = k - 1; a >= 0; a--)
                        if (nodes.TryGetValue(chain[a], out var anc) && !Reaches(parentOf, anc, parent)) { parentOf[parent] = anc; break; }
                }
            }
            if (parent is not null && !Reaches(parentOf, parent, node)) parentOf[node] = parent;
        }
        foreach (var (child, parent) in parentOf) parent.Children.Add(child);
        foreach (var n in nodes.Values)
        {
            n.Children.Sort((a, b) => a.Date.CompareTo(b.Date));
            if (n.IsGhost && n.Children.Count > 0) n.Date = n.Children.Min(c => c.Date);
        }
        return nodes.Values.Where(n => !parentOf.ContainsKey(n)).OrderBy(n => n.Date).ToList();
    }

    /// <summary>True when walking up from <paramref name="from"/> reaches <paramref name="target"/> (linking would make a cycle).</summary>
    static bool Reaches<T>(Dictionary<ThreadNode<T>, ThreadNode<T>> parentOf, ThreadNode<T> from, ThreadNode<T> target)
    {
        for (var n = from; n is not null; n = parentOf.GetValueOrDefault(n))
            if (ReferenceEquals(n, target)) return true;
        return false;
    }
}
