using System.CommandLine;
using Stopwatch = System.Diagnostics.Stopwatch;
using Ktriage.Core.Crashes;
using Ktriage.Core.Maintainers;
using Spectre.Console;

namespace Ktriage.Cli.Commands;

/// <summary>ktriage oops [FILE...|-] [--json]: explain kernel crash reports in logs or mails, no database needed; with
/// --db (or $KTRIAGE_DB), also the matching crash clusters of the archive and their best fixes.</summary>
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
                using var benchArchive = OopsMatches.Open(pr);
                return Bench(expanded.Select(Read).ToList(), rounds, benchArchive);
            }
            var texts = inputs.Select(Read).ToList();
            bool json = pr.GetValue(Globals.Json);
            bool colour = Globals.Interactive(pr);
            using var archive = OopsMatches.Open(pr);
            // Owners only when the database exists and has a kernel tree: oops itself needs no database.
            var (store, treeFor) = WhoView.Optional(pr);
            using (store)
                foreach (var (source, text) in texts)
                {
                    var reports = CrashAnalyzer.Analyze(text);
                    var matches = archive is null ? null : reports.Select(archive.Find).ToList();
                    var who = reports.Select(r => treeFor(r.KernelVersion) is { } tree ? WhoReport.ForCrash(tree, r, text) : null).ToList();
                    if (json)
                    {
                        object shown = matches is null ? reports : reports.Select((r, i) => OopsMatches.ReportJson(r, matches[i])).ToList();
                        if (who.Any(w => w is not null)) Globals.WriteJsonLine(new { source, reports = shown, who });
                        else Globals.WriteJsonLine(new { source, reports = shown });
                    }
                    else Print(source, reports, colour, texts.Count > 1, matches, who);
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

    static void Print(string source, IReadOnlyList<CrashReport> reports, bool colour, bool many, List<List<OopsMatches.Match>>? matches,
        IReadOnlyList<WhoReport?> owners)
    {
        var w = colour ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(Console.Out) });
        if (!colour) w.Profile.Width = 4096; // pipes and files get whole lines
        if (many) w.MarkupLine($"[bold]== {Markup.Escape(source)}[/]");
        if (reports.Count == 0)
        {
            w.MarkupLine("[grey]no kernel crash report found[/]");
            return;
        }
        for (var ri = 0; ri < reports.Count; ri++)
        {
            var r = reports[ri];
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
            if (matches is not null) OopsMatches.Print(w, matches[ri]);
            if (owners[ri] is { } mine)
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

    static int Bench(List<(string Source, string Text)> inputs, int rounds, OopsMatches? archive)
    {
        var texts = inputs.Select(t => t.Text).ToList();
        long bytes = texts.Sum(t => (long)t.Length);
        // With --db only matching is measured (per input, beyond parsing).
        if (archive is not null) return BenchMatches(inputs, texts.Select(t => CrashAnalyzer.Analyze(t)).ToList(), rounds, archive);
        // Cold: the first pass pays for JIT (tier 0) and regex construction, as a one-shot `ktriage oops` does.
        var cold = Stopwatch.StartNew();
        foreach (var t in texts) CrashAnalyzer.Analyze(t);
        Console.WriteLine($"first pass (cold) {cold.Elapsed.TotalSeconds:F3} s");
        // Warm: keep going for 3 s of CPU so the runtime has re-jitted the hot methods (tier 1), which is what a
        // long ingest runs on; rounds measured before that mostly measure the JIT. CPU, not wall: on a busy machine
        // the process gets a fraction of a core.
        // On a loaded machine the JIT's background thread gets so little of a core that 3 s are not enough: the
        // warm-up also goes on until three passes in a row compiled nothing (tier-1 re-jits included).
        // KTRIAGE_BENCH_WARMUP_CPU_S=0 skips it (instruction counting under valgrind, where a second is a few rounds).
        double warmCpu = double.TryParse(Environment.GetEnvironmentVariable("KTRIAGE_BENCH_WARMUP_CPU_S"), out var w) ? w : 3;
        var warm = Stopwatch.StartNew();
        var cpuStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        for (int quietPasses = 0; warmCpu > 0 && warm.Elapsed.TotalSeconds < 60
             && ((System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds < warmCpu || quietPasses < 3);)
        {
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            foreach (var t in texts) CrashAnalyzer.Analyze(t);
            quietPasses = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled ? quietPasses + 1 : 0;
        }
        Console.WriteLine($"warm-up {warm.Elapsed.TotalSeconds:F1} s");
        var per = new List<double>();
        var worst = new double[texts.Count];
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        // Allocation per round does not depend on machine load: the one figure comparable across busy runs.
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        // Also this thread's CPU per round: on a shared machine the least disturbed round (the minimum) is the figure
        // that compares across runs; process CPU also counts the JIT and other threads.
        var roundCpu = new List<double>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
        {
            var r0 = ThreadCpu.Milliseconds();
            for (int j = 0; j < texts.Count; j++)
            {
                var sw = Stopwatch.StartNew();
                CrashAnalyzer.Analyze(texts[j]);
                double ms = sw.Elapsed.TotalMilliseconds;
                per.Add(ms);
                worst[j] = Math.Max(worst[j], ms);
            }
            roundCpu.Add(ThreadCpu.Milliseconds() - r0);
        }
        total.Stop();
        roundCpu.Sort();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        per.Sort();
        double mb = bytes * rounds / 1e6;
        Console.WriteLine($"inputs {texts.Count}  bytes {bytes:N0}  rounds {rounds}");
        Console.WriteLine($"throughput {mb / total.Elapsed.TotalSeconds:F1} MB/s wall, {mb / cpu.TotalSeconds:F1} MB/s CPU  per round {total.Elapsed.TotalSeconds / rounds:F3} s wall, {cpu.TotalSeconds / rounds:F3} s CPU, {allocated / rounds / 1e6:F1} MB allocated");
        Console.WriteLine($"analysis thread CPU per round: min {roundCpu[0]:F1} ms ({bytes / roundCpu[0] / 1e3:F1} MB/s), median {roundCpu[roundCpu.Count / 2]:F1} ms ({bytes / roundCpu[roundCpu.Count / 2] / 1e3:F1} MB/s)");
        Console.WriteLine($"per-input p50 {per[per.Count / 2]:F3} ms  p99 {per[(int)(per.Count * 0.99)]:F3} ms  max {per[^1]:F3} ms");
        foreach (var j in Enumerable.Range(0, texts.Count).OrderByDescending(j => worst[j]).Take(5))
            Console.WriteLine($"  slowest {worst[j],9:F3} ms  {inputs[j].Source}");
        return 0;
    }

    /// <summary>What matching costs beyond parsing (bench/oops-db.sh): per input, every report matched and its
    /// clusters' best fixes ranked, as <c>oops --db</c> does. Wall time and this thread's CPU time (SQLite runs on
    /// it too): on a shared machine the wall time mostly measures waiting for a core.</summary>
    static int BenchMatches(List<(string Source, string Text)> inputs, List<IReadOnlyList<CrashReport>> parsed, int rounds, OopsMatches archive)
    {
        foreach (var reports in parsed) foreach (var r in reports) archive.Find(r); // warm-up: JIT, statement cache
        var wall = new List<double>();
        var cpu = new List<double>();
        var worst = new double[parsed.Count];
        int matched = 0, reportCount = 0;
        for (int i = 0; i < rounds; i++)
            for (int j = 0; j < parsed.Count; j++)
            {
                var c0 = ThreadCpu.Milliseconds();
                var sw = Stopwatch.StartNew();
                foreach (var r in parsed[j]) archive.Find(r);
                double ms = sw.Elapsed.TotalMilliseconds;
                var cms = ThreadCpu.Milliseconds() - c0;
                wall.Add(ms);
                cpu.Add(cms);
                worst[j] = Math.Max(worst[j], cms);
                if (i == 0) { matched += parsed[j].Count(r => archive.Find(r).Count > 0); reportCount += parsed[j].Count; }
            }
        wall.Sort();
        cpu.Sort();
        static string P(List<double> v) => $"p50 {v[v.Count / 2]:F3} ms  p99 {v[(int)(v.Count * 0.99)]:F3} ms  max {v[^1]:F3} ms";
        Console.WriteLine($"inputs {parsed.Count}  reports {reportCount} ({matched} matched a cluster)  rounds {rounds}");
        Console.WriteLine($"match per input, wall  {P(wall)}");
        Console.WriteLine($"match per input, CPU   {P(cpu)}");
        foreach (var j in Enumerable.Range(0, parsed.Count).OrderByDescending(j => worst[j]).Take(5))
            Console.WriteLine($"  slowest {worst[j],9:F3} ms CPU  {inputs[j].Source}");
        return 0;
    }

    /// <summary>CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
    static class ThreadCpu
    {
        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        struct Timespec { public long Seconds; public long Nanoseconds; }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        static extern int ClockGetTime(int clock, out Timespec ts);

        public static double Milliseconds() => ClockGetTime(3, out var ts) == 0 ? ts.Seconds * 1e3 + ts.Nanoseconds / 1e6 : double.NaN;
    }
}
