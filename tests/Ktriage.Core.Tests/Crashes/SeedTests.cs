using Ktriage.Core.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>The lore thread pages the project started from: what a triager must get out of them.</summary>
public sealed class SeedTests
{
    static IReadOnlyList<CrashReport> Seed(string prefix)
    {
        var dir = SharedData.Path("seeds");
        var file = Directory.GetFiles(dir, prefix + "*").Single();
        return CrashAnalyzer.Analyze(File.ReadAllText(file));
    }

    [SharedFact("seeds")]
    public void Seed000_flattened_nfsd_oops_is_found_with_its_quoted_copies_folded()
    {
        var reports = Seed("000_");
        var first = reports[0];
        Assert.Equal("BUG: unable to handle kernel paging request in cache_clean", first.Title);
        Assert.Equal("cache_clean", first.CrashSite?.Function);
        Assert.Equal("0x124", first.CrashSite?.Offset);
        Assert.Equal("0x1e0", first.CrashSite?.Size);
        Assert.Equal("2.6.21.5-x160", first.KernelVersion);
        Assert.Equal("nfsd", first.Comm);
        Assert.Equal(4420, first.Pid);
        Assert.Equal("6b6b6b6f", first.FaultAddress);
        Assert.Contains(first.Hints, h => h.Kind == "slab-poison" && h.Message.Contains("0x4") && h.Message.Contains("use-after-free"));
        Assert.Equal(3, first.Occurrences);
        Assert.Contains(first.Frames, f => f.Function == "nfsd_export_flush");
        // The soft lockup nine seconds later is its own report, after the oops.
        var lockup = Assert.Single(reports, r => r.Title.StartsWith("BUG: soft lockup", StringComparison.Ordinal));
        Assert.True(reports.ToList().IndexOf(lockup) > 0);
        Assert.Equal(2, reports.Count);
    }

    [SharedFact("seeds")]
    public void Seed003_wrapped_virtio_bug_and_the_recursive_kthread_data_fault()
    {
        var reports = Seed("003_");
        Assert.Equal(2, reports.Count);
        var bug = reports[0];
        Assert.Equal("kernel BUG in virtio_device_ready", bug.Title);
        Assert.Equal("virtio_device_ready.part.12", bug.CrashSite?.Function);
        Assert.Equal("virtio_console", bug.CrashSite?.Module);
        Assert.Equal("virtio_device_ready", FrameNames.StripSuffixes(bug.CrashSite!.Function));
        Assert.Contains(bug.Hints, h => h.Kind == "bug-on" && h.Message.Contains("include/linux/virtio_config.h:125"));
        // Wrapped "Modules linked in:" and "Code:" lines are re-joined.
        Assert.Contains("virtio_console", bug.Modules);
        Assert.Contains("virtio_pci", bug.Modules);
        Assert.Equal("0f", bug.Code?.TrappingByte);
        Assert.Equal(2, bug.Occurrences);

        var fault = reports[1];
        Assert.Equal("BUG: unable to handle kernel paging request in kthread_data", fault.Title);
        Assert.Equal("ffffffffffffffd8", fault.FaultAddress);
        Assert.Contains(fault.Hints, h => h.Kind == "negative-offset" && h.Message.Contains("-0x28"));
        Assert.Equal("D", fault.Taint?.Flags);
        Assert.Contains(fault.Hints, h => h.Kind == "taint" && h.Message.Contains("earlier oops"));
        Assert.Contains(fault.Hints, h => h.Kind == "recursive-fault");
        Assert.Contains(fault.Frames, f => f.Function == "virtio_device_ready.part.12" && !f.Reliable);
    }
}
