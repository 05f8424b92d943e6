using System.CommandLine;
using Stopwatch = System.Diagnostics.Stopwatch;
using Ktriage.Core.Crashes;
using Ktriage.Core.Maintainers;
using Spectre.Console;

namespace Ktriage.Cli.Commands;

/// <summary>ktriage oops [FILE...|-] [--json]: explain kernel crash reports in logs or mails, no database needed.</summary>
internal static class OopsCommand
{
    const int ShownFrames = 12;

    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "Logs, dmesg/syslog dumps or mails to analyse ('-' or none: stdin)", Arity = ArgumentArity.ZeroOrMore };
        // Hidden timing harness used by bench/oops.sh: repeats the analysis and prints MB/s and p99.
        var bench = new Option<int>("--bench") { Description = "Benchmark: analyse the inputs N times", Hidden = true };
        var cmd = new Command("oops", "Find and explain kernel crash reports (oops, BUG, WARNING, KASAN…) in text") { files, bench };
        cmd.SetAction(pr =>
        {
            var inputs = pr.GetValue(files) is { Length: > 0 } f ? f : ["-"];
            if (pr.GetValue(bench) is > 0 and var rounds)
            {
                // A directory stands for all its files (an archive dumped one message per file).
                var expanded = inputs.SelectMany<string, string>(i => Directory.Exists(i) ? Directory.GetFiles(i).Order(StringComparer.Ordinal) : [i]);
                return Bench(expanded.Select(Read).ToList(), rounds);
            }
            var texts = inputs.Select(Read).ToList();
            bool json = pr.GetValue(Globals.Json);
            bool colour = Globals.Interactive(pr);
            // Owners only when the database exists and has a kernel tree: oops itself needs no database.
            var (store, treeFor) = WhoView.Optional(pr);
            using (store)
                foreach (var (source, text) in texts)
                {
                    var reports = CrashAnalyzer.Analyze(text);
                    var who = reports.Select(r => treeFor(r.KernelVersion) is { } tree ? WhoReport.ForCrash(tree, r, text) : null).ToList();
                    if (json)
                    {
                        if (who.Any(w => w is not null)) Globals.WriteJsonLine(new { source, reports, who });
                        else Globals.WriteJsonLine(new { source, reports });
                    }
                    else Print(source, reports, colour, texts.Count > 1, who);
                }
            return 0;
        });
        return cmd;
    }

    static (string Source, string Text) Read(string path)
    {
        try
        {
            return path == "-" ? ("-", Console.In.ReadToEnd()) : (path, File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"{path}: {e.Message}");
        }
    }

    static void Print(string source, IReadOnlyList<CrashReport> reports, bool colour, bool many, IReadOnlyList<WhoReport?> owners)
    {
        var w = colour ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(Console.Out) });
        if (!colour) w.Profile.Width = 4096; // pipes and files get whole lines
        if (many) w.MarkupLine($"[bold]== {Markup.Escape(source)}[/]");
        if (reports.Count == 0)
        {
            w.MarkupLine("[grey]no kernel crash report found[/]");
            return;
        }
        int index = -1;
        foreach (var r in reports)
        {
            index++;
            var extra = new List<string>();
            if (r.Occurrences > 1) extra.Add($"{r.Occurrences} copies");
            if (r.Corrupted) extra.Add("corrupted: " + r.CorruptedReason);
            if (r.Panicked) extra.Add("panicked");
            w.MarkupLine($"[bold red]{Markup.Escape(r.Title)}[/]" + (extra.Count > 0 ? $" [grey]({Markup.Escape(string.Join(", ", extra))})[/]" : ""));
            w.MarkupLine($"  [grey]type[/] {Markup.Escape(r.Type.Length > 0 ? r.Type : "?")}  [grey]lines[/] {r.StartLine}-{r.EndLine}");
            if (r.CrashSite is { } s) w.MarkupLine($"  [grey]crash site[/] [yellow]{Markup.Escape(FrameText(s))}[/]");
            if (r.FaultAddress is { } fa) w.MarkupLine($"  [grey]fault address[/] {fa}");
            var who = new List<string>();
            if (r.KernelVersion is { } kv) who.Add("kernel " + kv);
            if (r.Comm is { } comm) who.Add($"{comm} (pid {r.Pid})");
            if (r.Cpu is { } cpu) who.Add("cpu " + cpu);
            if (r.Taint is { Flags.Length: > 0 } t) who.Add("tainted " + t.Flags);
            if (who.Count > 0) w.MarkupLine("  " + Markup.Escape(string.Join(", ", who)));
            if (r.Hardware is { } hw) w.MarkupLine($"  [grey]hardware[/] {Markup.Escape(hw)}");
            if (r.GuiltyFrame is not null || r.GuiltyFile is not null)
                w.MarkupLine($"  [grey]guilty[/] {Markup.Escape(string.Join("  ", new[] { r.GuiltyFrame, r.GuiltyFile }.Where(x => x is not null)))}");
            foreach (var h in r.Hints) w.MarkupLine($"  [cyan]hint[/] [bold]{Markup.Escape(h.Kind)}[/]: {Markup.Escape(h.Message)}");
            string? section = null;
            foreach (var f in r.Frames.Take(ShownFrames))
            {
                if (f.Section != section)
                {
                    section = f.Section;
                    w.MarkupLine($"  [grey]-- {Markup.Escape(section)}[/]");
                }
                var text = Markup.Escape(FrameText(f));
                w.MarkupLine(f.Reliable ? "    " + text : $"    [dim]? {text}[/]");
            }
            if (r.Frames.Count > ShownFrames) w.MarkupLine($"    [grey]… {r.Frames.Count - ShownFrames} more frames[/]");
            if (owners[index] is { } mine)
            {
                // Plain text (addresses hold '<', '[' and quotes): written straight, after the markup lines.
                w.WriteLine();
                Console.Out.Flush();
                WhoView.Print(mine, "  ");
            }
            w.WriteLine();
        }
    }

    static string FrameText(StackFrame f) =>
        f.Function + (f.Offset is null ? "" : "+" + f.Offset + (f.Size is null ? "" : "/" + f.Size))
        + (f.Module is null ? "" : $" [{f.Module}]") + (f.Source is null ? "" : "  " + f.Source);

    static int Bench(List<(string Source, string Text)> inputs, int rounds)
    {
        var texts = inputs.Select(t => t.Text).ToList();
        long bytes = texts.Sum(t => (long)t.Length);
        foreach (var t in texts) CrashAnalyzer.Analyze(t); // warm-up: JIT and regex construction
        var per = new List<double>();
        var worst = new double[texts.Count];
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
            for (int j = 0; j < texts.Count; j++)
            {
                var sw = Stopwatch.StartNew();
                CrashAnalyzer.Analyze(texts[j]);
                double ms = sw.Elapsed.TotalMilliseconds;
                per.Add(ms);
                worst[j] = Math.Max(worst[j], ms);
            }
        total.Stop();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        per.Sort();
        double mb = bytes * rounds / 1e6;
        Console.WriteLine($"inputs {texts.Count}  bytes {bytes:N0}  rounds {rounds}");
        Console.WriteLine($"throughput {mb / total.Elapsed.TotalSeconds:F1} MB/s  per round {total.Elapsed.TotalSeconds / rounds:F3} s wall, {cpu.TotalSeconds / rounds:F3} s CPU");
        Console.WriteLine($"per-input p50 {per[per.Count / 2]:F3} ms  p99 {per[(int)(per.Count * 0.99)]:F3} ms  max {per[^1]:F3} ms");
        foreach (var j in Enumerable.Range(0, texts.Count).OrderByDescending(j => worst[j]).Take(5))
            Console.WriteLine($"  slowest {worst[j],9:F3} ms  {inputs[j].Source}");
        return 0;
    }
}
