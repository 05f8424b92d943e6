namespace Ktriage.Core.Crashes;
internal static class Prof
{
    static readonly Dictionary<string, long> T = [];
    static Prof() { AppDomain.CurrentDomain.ProcessExit += (_, _) => { foreach (var kv in T.OrderByDescending(k => k.Value)) Console.Error.WriteLine($"{kv.Key,-20} {kv.Value / (double)System.Diagnostics.Stopwatch.Frequency * 1000:F1} ms"); }; }
    public static long Now => System.Diagnostics.Stopwatch.GetTimestamp();
    public static void Add(string k, long t0) { T[k] = T.GetValueOrDefault(k) + (Now - t0); }
}
