using System.CommandLine;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

internal static class MessagesCommand
{
    static readonly Option<string?> ListOpt = new("--list") { Description = "Only messages of this list" };

    public static Command Create()
    {
        var cmd = new Command("messages", "List stored messages (one per distinct message; --json gives JSON Lines)") { ListOpt };
        cmd.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var json = pr.GetValue(Globals.Json);
            foreach (var m in store.Messages(pr.GetValue(ListOpt)))
            {
                if (json) Globals.WriteJsonLine(ToJson(m));
                else Console.WriteLine($"{m.Date:yyyy-MM-dd HH:mm}  {Trim(m.From, 24),-24}  {m.Subject}  <{m.MessageId}>");
            }
            return 0;
        });
        return cmd;
    }

    public static object ToJson(MessageRow m) => JsonShapes.Row(m);

    public static string Trim(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}
