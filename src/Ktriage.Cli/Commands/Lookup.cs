using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary>CLI side of <see cref="MessageLookup"/>: not found is a <see cref="UserError"/> naming close ids.</summary>
internal static class Lookup
{
    public static string Clean(string id) => MessageLookup.Clean(id);

    public static IReadOnlyList<MessageRow> All(IArchiveStore store, string given)
    {
        var (found, similar) = MessageLookup.Find(store, given);
        if (found.Count > 0) return found;
        throw new UserError(similar.Count > 0
            ? $"{given}: no message with this Message-ID; did you mean {string.Join(", ", similar.Select(s => "<" + s + ">"))}?"
            : $"{given}: no message with this Message-ID in the archive");
    }

    public static MessageRow One(IArchiveStore store, string given) => All(store, given)[0];
}
