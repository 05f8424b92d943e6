using System.CommandLine;
using Ktriage.Core.Mail;
using Ktriage.Core.Threads;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

internal static class ThreadCommand
{
    static readonly Argument<string> Id = new("MSGID") { Description = "Message-ID of any message in the thread" };
    static readonly Option<bool> Mbox = new("--mbox") { Description = "Write the whole thread as mboxrd (like lore's t.mbox.gz) to stdout" };

    public static Command Create()
    {
        var cmd = new Command("thread", "Show the whole thread of a message, nested") { Id, Mbox };
        cmd.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var first = Lookup.One(store, pr.GetValue(Id)!);
            var messages = store.ThreadMessages(first.ThreadId);
            if (pr.GetValue(Mbox))
            {
                using var stdout = Console.OpenStandardOutput();
                WriteMbox(store, messages, stdout);
                return 0;
            }
            var roots = ThreadTree.Build(messages.Select(m => new ThreadItem<MessageRow>(m.MessageId, m.InReplyTo, m.References, m.Date, m)));
            if (pr.GetValue(Globals.Json))
            {
                Globals.WriteJsonLine(JsonShapes.Thread(first.ThreadId, messages.Count, roots));
                return 0;
            }
            foreach (var r in roots) Print(r, "", true, true, first.MessageId);
            return 0;
        });
        return cmd;
    }

    /// <summary>The thread as mboxrd, each message's first copy as stored (re-ingesting it gives the same thread).</summary>
    internal static void WriteMbox(IArchiveStore store, IEnumerable<MessageRow> messages, Stream output)
    {
        foreach (var m in messages) MboxWriter.Write(output, store.Copies(m.Id)[0].Raw);
    }

    static void Print(ThreadNode<MessageRow> n, string indent, bool last, bool root, string selected)
    {
        var branch = root ? "" : last ? "`-- " : "|-- ";
        var mark = n.MessageId == selected ? "* " : "";
        var text = n.Value is { } m
            ? $"{mark}{m.Date:yyyy-MM-dd HH:mm} {m.Subject} — {(string.IsNullOrEmpty(m.From) ? m.FromEmail : m.From)} <{m.MessageId}>"
            : $"[not found] <{n.MessageId}>";
        Console.WriteLine(indent + branch + text);
        var childIndent = root ? indent : indent + (last ? "    " : "|   ");
        for (var i = 0; i < n.Children.Count; i++) Print(n.Children[i], childIndent, i == n.Children.Count - 1, false, selected);
    }
}
