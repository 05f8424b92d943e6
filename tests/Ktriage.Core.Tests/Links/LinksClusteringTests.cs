using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Links;

public sealed class LinksClusteringTests
{
    static CrashReport Oops(string name) =>
        CrashAnalyzer.Analyze(File.ReadAllText(SharedData.Path("crashes/satyr-kerneloopses/" + name)))[0];

    static NormalizedFrame F(string name, double w = 1) => new(name, w);

    static CrashItem Item(long key, long message, long thread, string title, IReadOnlyList<NormalizedFrame>? frames = null,
        bool reply = false, bool corrupted = false, string? bot = null, params string[] alt) =>
        new(key, message, thread, reply, title, alt, corrupted, bot, frames ?? []);

    [SharedFact("crashes/satyr-kerneloopses")]
    public void Same_bug_on_i686_and_x86_64_clusters_together_by_stack_alone()
    {
        var i686 = CrashFrames.Normalize(Oops("rhbz-865695-0"));
        var x86 = CrashFrames.Normalize(Oops("rhbz-865695-2"));
        Assert.Equal("wdev_priv", i686[0].Name); // .part.8 stripped
        Assert.True(CrashFrames.Similarity(i686, x86) >= CrashClusterer.StackThreshold, $"similarity {CrashFrames.Similarity(i686, x86):F2}");

        // Titles made different on purpose: only the stacks can bring them together.
        var clusterer = new CrashClusterer();
        var a = clusterer.Add(Item(1, 1, 1, "title A", i686));
        var b = clusterer.Add(Item(2, 2, 2, "title B", x86));
        Assert.Equal(a.Cluster, b.Cluster);
        Assert.StartsWith("stack similarity", b.Reason);
    }

    [SharedFact("crashes/satyr-kerneloopses")]
    public void Same_bug_on_two_architectures_shares_its_title()
    {
        var clusterer = new CrashClusterer();
        var i686 = Oops("rhbz-865695-0");
        var x86 = Oops("rhbz-865695-2");
        var a = clusterer.Add(Item(1, 1, 1, i686.Title, CrashFrames.Normalize(i686)));
        var b = clusterer.Add(Item(2, 2, 2, x86.Title, CrashFrames.Normalize(x86)));
        Assert.Equal(a.Cluster, b.Cluster);
    }

    [SharedFact("crashes/satyr-kerneloopses")]
    public void A_different_bug_does_not_join()
    {
        var clusterer = new CrashClusterer();
        var a = clusterer.Add(Item(1, 1, 1, "A", CrashFrames.Normalize(Oops("rhbz-865695-0"))));
        var other = CrashFrames.Normalize(Oops("rhbz-827868"));
        Assert.True(CrashFrames.Similarity(CrashFrames.Normalize(Oops("rhbz-865695-0")), other) < CrashClusterer.StackThreshold);
        Assert.NotEqual(a.Cluster, clusterer.Add(Item(2, 2, 2, "B", other)).Cluster);
    }

    [Fact]
    public void Normalisation_strips_suffixes_drops_generic_frames_and_weights_unreliable_ones()
    {
        var r = new CrashReport
        {
            CrashSite = new StackFrame { Function = "cache_clean.isra.3" },
            Frames =
            [
                new StackFrame { Function = "dump_stack" },
                new StackFrame { Function = "kfree" },
                new StackFrame { Function = "cache_flush", Reliable = false },
                new StackFrame { Function = "__x64_sys_write" },
                new StackFrame { Function = "kasan_report" },
                new StackFrame { Function = "alloc_thing", Section = "allocated" },
                new StackFrame { Function = "entry_SYSCALL_64_after_hwframe" },
            ],
        };
        var frames = CrashFrames.Normalize(r);
        Assert.Equal(["cache_clean", "cache_flush", "sys_write", "entry_SYSCALL_64_after_hwframe"], frames.Select(f => f.Name));
        Assert.Equal(CrashFrames.UnreliableWeight, frames[1].Weight);
        Assert.Equal(CrashFrames.PlumbingWeight, frames[3].Weight);
        Assert.Equal(["cache_clean", "sys_write"], CrashFrames.KeyFunctions(frames));
    }

    [Fact]
    public void Key_functions_fall_back_to_the_title_when_there_is_no_stack()
    {
        Assert.Equal(["io_submit_sqes", "io_uring_show_fdinfo"], CrashFrames.KeyFunctions([], "KCSAN: data-race in io_submit_sqes / io_uring_show_fdinfo"));
        Assert.Equal(["io_req_local_work_add"], CrashFrames.KeyFunctions([], "KASAN: slab-use-after-free in io_req_local_work_add io_uring/io_uring.c:LINE [inline]"));
        // Generic helpers never stand for the bug, even when the title names them.
        Assert.Empty(CrashFrames.KeyFunctions([], "KASAN: use-after-free in instrument_atomic_write include/linux/instrumented.h:LINE [inline]"));
        Assert.Empty(CrashFrames.KeyFunctions([], "BUG: soft lockup in corrupted"));
    }

    [Fact]
    public void Quoted_copy_in_a_reply_folds_into_the_report_it_quotes()
    {
        var stack = new[] { F("cache_clean"), F("do_cache_clean"), F("run_workqueue") };
        var clusterer = new CrashClusterer();
        var report = clusterer.Add(Item(1, 10, 7, "BUG: unable to handle kernel paging request in cache_clean", stack));
        var tail = clusterer.Add(Item(2, 10, 7, "BUG: soft lockup in corrupted", corrupted: true));
        var quote = clusterer.Add(Item(3, 11, 7, "BUG: unable to handle kernel paging request in cache_clean", stack, reply: true));
        var mangled = clusterer.Add(Item(4, 12, 7, "BUG: unable to handle kernel paging request in corrupted", reply: true, corrupted: true));
        Assert.Null(report.CopyOf);
        Assert.Equal(1, tail.CopyOf);
        Assert.Equal(1, quote.CopyOf);
        Assert.Equal(1, mangled.CopyOf);
        Assert.Equal(1, clusterer.Count);

        // The same title in another thread is a new report of the same bug, not a copy.
        var again = clusterer.Add(Item(5, 20, 8, "BUG: unable to handle kernel paging request in cache_clean", stack));
        Assert.Null(again.CopyOf);
        Assert.Equal(report.Cluster, again.Cluster);
    }

    [Fact]
    public void Alt_titles_join_and_different_syzbot_ids_do_not()
    {
        var clusterer = new CrashClusterer();
        var a = clusterer.Add(Item(1, 1, 1, "WARNING in foo_bar", bot: "aaaa1111", alt: "WARNING in foo_bar_common"));
        var viaAlt = clusterer.Add(Item(2, 2, 2, "WARNING in foo_bar_common"));
        Assert.Equal(a.Cluster, viaAlt.Cluster);
        var recurrence = clusterer.Add(Item(3, 3, 3, "WARNING in foo_bar", bot: "bbbb2222"));
        Assert.NotEqual(a.Cluster, recurrence.Cluster);
        var sameBug = clusterer.Add(Item(4, 4, 4, "WARNING in foo_bar", bot: "aaaa1111"));
        Assert.Equal(a.Cluster, sameBug.Cluster);
    }

    [Fact]
    public void Short_stacks_never_join_by_stack()
    {
        var clusterer = new CrashClusterer();
        var a = clusterer.Add(Item(1, 1, 1, "A", [F("helper"), F("caller")]));
        var b = clusterer.Add(Item(2, 2, 2, "B", [F("helper"), F("caller")]));
        Assert.NotEqual(a.Cluster, b.Cluster);
    }
}
