using Ktriage.Core.Crashes;
using Xunit.Abstractions;
namespace Ktriage.Core.Tests.Crashes;
public sealed class ScratchDebug(ITestOutputHelper o)
{
    [Fact]
    public void Dump()
    {
        var name = Environment.GetEnvironmentVariable("SYZ_CASE");
        if (name is null) return;
        foreach (var n in name.Split(','))
        {
            var c = SyzkallerCase.Load(Path.Combine("/work/shared/crashes/syzkaller-report", n));
            var lines = c.Log.Split('\n');
            var p = SyzReportParser.Parse(lines, 0, lines.Length);
            o.WriteLine($"{n}: expected {c.Title} got {p?.Title} kind={p?.Kind.Header} corrupted={p?.CorruptedReason} header={p?.HeaderLine} second={p?.SecondReportLine} ctx={p?.Context}");
        }
    }
}
