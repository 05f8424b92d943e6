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
            // KTRIAGE_SEARCH_TIMING=N (bench/search.sh): run the query N times and print the last run's time, warm, as
            // a long-running server (ktriage serve) would see it, without process start-up and JIT.
            var runs = int.TryParse(Environment.GetEnvironmentVariable("KTRIAGE_SEARCH_TIMING"), out var n) && n > 0 ? n : 1;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                do
                {
                    started = System.Diagnostics.Stopwatch.GetTimestamp();
                    rows = store.Search(text, pr.GetValue(Limit));
                } while (--runs > 0);
            }
            catch (SearchSyntaxException e) { throw new UserError($"search: '{text}': {e.Message}"); }
            if (Environment.GetEnvironmentVariable("KTRIAGE_SEARCH_TIMING") is { Length: > 0 })
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
}
