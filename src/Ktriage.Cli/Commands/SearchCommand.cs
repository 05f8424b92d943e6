using System.CommandLine;
using Ktriage.Core.Search;

namespace Ktriage.Cli.Commands;

internal static class SearchCommand
{
    static readonly Argument<string[]> Query = new("QUERY")
    {
        Arity = ArgumentArity.OneOrMore,
        Description = "public-inbox search language: words, \"phrases\", AND/OR/NOT, -term, (…), prefixes s: f: t: c: tc: a: b: bs: nq: q: " +
                      "m: l: d:2023-01-01..2023-02-01|d:last.week.. dfn: dfa: dfb: dfhh: dfctx: patchid:, and crash: type: func: tainted: fixed:yes|no",
    };
    static readonly Option<int> Limit = new("--limit", "-n") { Description = "At most this many results", DefaultValueFactory = _ => 50 };

    public static Command Create()
    {
        var cmd = new Command("search", "Search the archive with public-inbox's query language; newest first") { Query, Limit };
        cmd.SetAction(pr =>
        {
            var text = string.Join(' ', pr.GetValue(Query)!);
            using var store = Globals.OpenStore(pr, readOnly: true);
            IReadOnlyList<Store.MessageRow> rows;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try { rows = store.Search(text, pr.GetValue(Limit)); }
            catch (SearchSyntaxException e) { throw new UserError($"search: '{text}': {e.Message}"); }
            // For bench/search.sh: the query's own time, without process start-up.
            if (Environment.GetEnvironmentVariable("KTRIAGE_SEARCH_TIMING") == "1")
                Console.Error.WriteLine($"search-ms {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F2}");
            foreach (var m in rows)
            {
                if (pr.GetValue(Globals.Json)) Globals.WriteJsonLine(MessagesCommand.ToJson(m));
                else Console.WriteLine($"{m.Date:yyyy-MM-dd}  {MessagesCommand.Trim(m.From, 24),-24}  {m.Subject}  <{m.MessageId}>");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Text → a query requiring each of its words (quoted, so nothing in the text is query syntax), or "".</summary>
    internal static string AllWords(string text, string prefix = "") =>
        string.Join(' ', QueryParser.SplitWords(text).Distinct().Select(w => prefix + "\"" + w + "\""));
}
