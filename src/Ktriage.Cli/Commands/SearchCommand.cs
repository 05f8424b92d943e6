using System.CommandLine;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

internal static class SearchCommand
{
    static readonly Argument<string[]> Query = new("QUERY") { Arity = ArgumentArity.OneOrMore, Description = "Words to find in subject, author and body" };
    static readonly Option<int> Limit = new("--limit", "-n") { Description = "At most this many results", DefaultValueFactory = _ => 50 };

    public static Command Create()
    {
        var cmd = new Command("search", "Full-text search over subject, author and body: every word must occur") { Query, Limit };
        cmd.SetAction(pr =>
        {
            var text = string.Join(' ', pr.GetValue(Query)!);
            var fts = ToFts(text);
            if (fts.Length == 0) throw new UserError($"search: '{text}' has no words to search for");
            using var store = Globals.OpenStore(pr, readOnly: true);
            foreach (var m in store.Search(fts, pr.GetValue(Limit)))
            {
                if (pr.GetValue(Globals.Json)) Globals.WriteJsonLine(MessagesCommand.ToJson(m));
                else Console.WriteLine($"{m.Date:yyyy-MM-dd}  {MessagesCommand.Trim(m.From, 24),-24}  {m.Subject}  <{m.MessageId}>");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>See <see cref="SearchText.ToFts"/>.</summary>
    internal static string ToFts(string text) => SearchText.ToFts(text);
}
