using SharpFuzz;

namespace Ktriage.Fuzz;

/// <summary>
/// One host for every fuzz target, chosen by name:
///   ktriage-fuzz TARGET                     run under afl-fuzz (or once on stdin: reproduce a crash with `… TARGET &lt; file`)
///   ktriage-fuzz seeds TARGET DIR [SHARED]  write TARGET's seed corpus to DIR (real inputs from SHARED + own fixtures)
///   ktriage-fuzz list                       the target names
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["list"]:
                foreach (var name in Targets.All.Keys) Console.WriteLine(name);
                return 0;
            case ["seeds", var target, var dir, ..] when Targets.All.ContainsKey(target):
                var n = Seeds.Write(target, dir, args.Length > 3 ? args[3] : null);
                Console.Error.WriteLine($"{target}: {n} seeds in {dir}");
                return n > 0 ? 0 : 1;
            case [var target] when Targets.All.TryGetValue(target, out var run) && Environment.GetEnvironmentVariable("__AFL_SHM_ID") is null:
                // Not under afl-fuzz: reproduce one finding from stdin, with the exception on stderr and exit code 1.
                try
                {
                    using (var stdin = Console.OpenStandardInput()) using (var ms = new MemoryStream()) { stdin.CopyTo(ms); run(ms.ToArray()); }
                    Console.Error.WriteLine($"{target}: ok");
                    return 0;
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"{target}: {e}");
                    return 1;
                }
            case [var target] when Targets.All.TryGetValue(target, out var run):
                // Out of process: the instrumented code runs in a child that SharpFuzz restarts when it dies, so a stack
                // overflow or a hang is reported to AFL as a crash/hang instead of taking the fork server down.
                Fuzzer.OutOfProcess.Run(stream =>
                {
                    using var ms = new MemoryStream();
                    stream.CopyTo(ms);
                    run(ms.ToArray());
                });
                return 0;
            default:
                Console.Error.WriteLine($"usage: ktriage-fuzz list | TARGET | seeds TARGET DIR [SHARED]; targets: {string.Join(", ", Targets.All.Keys)}");
                return 2;
        }
    }
}
