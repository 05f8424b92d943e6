using Ktriage.Core.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>Frames, taint and modules agree with ABRT satyr's known results on its own oopses.</summary>
public sealed class SatyrCrossCheckTests
{
    static CrashReport Oops(string name) =>
        CrashAnalyzer.Analyze(File.ReadAllText(SharedData.Path("crashes/satyr-kerneloopses/" + name)))[0];

    [SharedFact("crashes/satyr-kerneloopses")]
    public void Rhbz827868_has_32_frames_no_taint_and_119_modules()
    {
        var r = Oops("rhbz-827868");
        Assert.Equal(32, r.Frames.Count);
        Assert.Equal("", r.Taint?.Flags);
        Assert.Equal(119, r.Modules.Count);
        Assert.DoesNotContain(r.Modules, m => m.Contains('[') || m.Contains('('));
    }

    [SharedFact("crashes/satyr-kerneloopses")]
    public void Taint_flags_are_decoded()
    {
        Assert.Equal("P B D O", Oops("rhbz-827868-modified").Taint?.Flags);
        var r = Oops("rhbz-865695-0");
        Assert.Equal("P C O", r.Taint?.Flags);
        Assert.Equal(56, r.Modules.Count);
        var g = Oops("github-102").Taint!;
        Assert.Equal("P F B W C O", g.Flags);
        Assert.Contains(g.Meanings, m => m.StartsWith("C: staging driver"));
    }

    [SharedFact("crashes/satyr-kerneloopses")]
    public void New_style_rip_gives_the_crash_site_satyr_misses()
    {
        var r = Oops("rhbz-1518943");
        Assert.Equal("amdgpu_vm_sdma_commit", r.CrashSite?.Function);
        Assert.Equal("amdgpu", r.CrashSite?.Module);
        Assert.Equal("0x46", r.CrashSite?.Offset);
    }

    [SharedFact("crashes/satyr-kerneloopses")]
    public void Every_satyr_oops_yields_a_titled_report()
    {
        var missing = Directory.GetFiles(SharedData.Path("crashes/satyr-kerneloopses"))
            .Where(f => CrashAnalyzer.Analyze(File.ReadAllText(f)) is not [{ Title.Length: > 0 }, ..])
            .Select(Path.GetFileName).ToList();
        Assert.True(missing.Count <= 2, "no report for: " + string.Join(", ", missing));
    }
}
