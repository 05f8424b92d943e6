using System.Diagnostics;
using System.Text;

namespace Ktriage.Cli.Tests;

/// <summary>Runs the real ktriage binary (built next to the tests) as a user would.</summary>
internal static class Ktriage
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ktriage.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static ProcessStartInfo StartInfo(string db, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--db");
        psi.ArgumentList.Add(db);
        psi.Environment["DOTNET_gcServer"] = "0";
        return psi;
    }

    public static Result Run(string db, params string[] args) => RunWithInput(db, null, args);

    public static Result RunWithInput(string db, byte[]? stdin, params string[] args)
    {
        using var p = Process.Start(StartInfo(db, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException($"ktriage {string.Join(' ', args)} hung"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>blob → threadId from `ktriage messages --json`.</summary>
    public static Dictionary<string, long> ThreadsByBlob(string db)
    {
        var r = Run(db, "messages", "--json");
        Assert.Equal(0, r.ExitCode);
        var map = new Dictionary<string, long>();
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var blob = doc.RootElement.GetProperty("blob").GetString();
            if (blob is not null) map[blob] = doc.RootElement.GetProperty("threadId").GetInt64();
        }
        return map;
    }
}

/// <summary>Pairwise precision/recall of one partition against another, on the items both contain.</summary>
internal static class Partition
{
    public static (double Precision, double Recall, int Common) Compare(IReadOnlyDictionary<string, long> mine, IReadOnlyDictionary<string, string> reference)
    {
        var common = mine.Keys.Where(reference.ContainsKey).ToList();
        // Count pairs per group instead of enumerating all pairs: same-group pairs in mine, in reference, in both.
        static long Pairs(IEnumerable<int> sizes) => sizes.Sum(n => (long)n * (n - 1) / 2);
        var minePairs = Pairs(common.GroupBy(b => mine[b]).Select(g => g.Count()));
        var refPairs = Pairs(common.GroupBy(b => reference[b]).Select(g => g.Count()));
        var both = Pairs(common.GroupBy(b => (mine[b], reference[b])).Select(g => g.Count()));
        return (minePairs == 0 ? 1 : (double)both / minePairs, refPairs == 0 ? 1 : (double)both / refPairs, common.Count);
    }

    public static Dictionary<string, string> ReadTsv(string path) =>
        File.ReadLines(path).Select(l => l.Split('\t')).Where(a => a.Length == 2).ToDictionary(a => a[1], a => a[0]);
}
