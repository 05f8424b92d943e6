using System.Runtime.InteropServices;
namespace Ktriage.Core.Crashes;
internal static partial class Prof
{
    static readonly Dictionary<string, long> T = [];
    static Prof() { AppDomain.CurrentDomain.ProcessExit += (_, _) => { foreach (var kv in T.OrderByDescending(k => k.Value)) Console.Error.WriteLine($"{kv.Key,-20} {kv.Value / 1e6:F1} ms"); }; }
    [StructLayout(LayoutKind.Sequential)] struct TS { public long s, ns; }
    [DllImport("libc")] static extern int clock_gettime(int id, out TS ts);
    public static long Now { get { clock_gettime(3, out var t); return t.s * 1_000_000_000 + t.ns; } }
    public static T1 Time<T1>(string k, Func<T1> f) { var t0 = Now; var r = f(); Add(k, t0); return r; }
    public static void Add(string k, long t0) { T[k] = T.GetValueOrDefault(k) + (Now - t0); }
}
