using System.CommandLine;
using Ktriage.Core.Mail;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

internal static class ShowCommand
{
    static readonly Argument<string> Id = new("MSGID") { Description = "Message-ID (brackets optional; a lore URL works too)" };
    static readonly Option<bool> Raw = new("--raw") { Description = "The message bytes exactly as stored" };

    public static Command Create()
    {
        var cmd = new Command("show", "Show one message (every copy when a Message-ID is shared)") { Id, Raw };
        cmd.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var rows = Lookup.All(store, pr.GetValue(Id)!);
            var copies = rows.SelectMany(r => store.Copies(r.Id)).ToList();
            if (pr.GetValue(Raw))
            {
                using var stdout = Console.OpenStandardOutput();
                if (copies.Count == 1) stdout.Write(copies[0].Raw);
                else foreach (var c in copies) MboxWriter.Write(stdout, c.Raw);
                return 0;
            }
            if (pr.GetValue(Globals.Json))
            {
                foreach (var c in copies)
                {
                    var m = MailParser.Parse(c.Raw);
                    Globals.WriteJsonLine(JsonShapes.Copy(c, m));
                }
                return 0;
            }
            if (copies.Count > 1)
                Console.WriteLine(rows.Count > 1
                    ? $"WARNING: multiple messages have this Message-ID ({rows.Count} different messages, {copies.Count} copies)\n"
                    : $"({copies.Count} copies of this message: {string.Join(", ", copies.Select(c => c.List).Distinct())})\n");
            var shown = new HashSet<long>();
            foreach (var c in copies)
            {
                if (!shown.Add(c.MessageRowId)) continue; // identical bodies: show the message once
                var m = MailParser.Parse(c.Raw);
                Console.WriteLine($"From: {m.From}");
                if (m.To.Count > 0) Console.WriteLine($"To: {string.Join(", ", m.To)}");
                if (m.Cc.Count > 0) Console.WriteLine($"Cc: {string.Join(", ", m.Cc)}");
                Console.WriteLine($"Subject: {m.Subject}");
                Console.WriteLine($"Date: {m.Date:ddd, dd MMM yyyy HH:mm:ss zzz}");
                Console.WriteLine($"Message-ID: <{m.MessageId}>");
                if (m.InReplyTo is not null) Console.WriteLine($"In-Reply-To: <{m.InReplyTo}>");
                Console.WriteLine($"List: {c.List}{(c.Blob is null ? "" : $"  blob {c.Blob}")}");
                Console.WriteLine();
                Console.WriteLine(m.AllText.TrimEnd());
                Console.WriteLine();
            }
            return 0;
        });
        return cmd;
    }
}
