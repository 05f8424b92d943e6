using System.CommandLine;

namespace Ktriage.Cli.Commands;

internal static class StatsCommand
{
    public static Command Create()
    {
        var cmd = new Command("stats", "Counts of what the archive holds");
        cmd.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var s = store.Stats();
            var counts = new Dictionary<string, long>
            {
                ["messages"] = s.Messages, ["copies"] = s.Copies, ["threads"] = s.Threads, ["lists"] = s.Lists, ["problems"] = s.Problems,
            };
            foreach (var (k, v) in s.Extra) counts[k] = v;
            if (pr.GetValue(Globals.Json))
            {
                Globals.WriteJsonLine(new { counts, problems = store.Problems(1000).Select(p => new { p.Origin, p.Locator, p.Problem }) });
                return 0;
            }
            foreach (var (k, v) in counts) Console.WriteLine($"{k,-10} {v,10:N0}");
            foreach (var p in store.Problems(20)) Console.WriteLine($"problem: {p.Locator}: {p.Problem}");
            return 0;
        });
        return cmd;
    }
}
