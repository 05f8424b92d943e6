using Ktriage.Core.Crashes;

namespace Ktriage.Core.Links;

/// <summary>A stack frame reduced to what identifies a bug: its bare name and how much to trust it.</summary>
public sealed record NormalizedFrame(string Name, double Weight);

/// <summary>Frame normalisation and stack similarity for crash clustering.</summary>
public static class CrashFrames
{
    /// <summary>Frames of the stack that crashed; allocation/free stacks of KASAN and lockdep's chains describe other code.</summary>
    static readonly HashSet<string> MainSections = new(StringComparer.Ordinal) { "task", "irq", "softirq", "nmi", "exception", "hardirq" };

    /// <summary>Architecture- and context-specific plumbing (syscall entry, kthread/workqueue trampolines): present in
    /// most stacks and different between i686 and x86_64, so they say little about which bug this is.</summary>
    static readonly HashSet<string> Plumbing = new(StringComparer.Ordinal)
    {
        "ret_from_fork", "ret_from_fork_asm", "kthread", "worker_thread", "process_one_work", "process_scheduled_works",
        "entry_SYSCALL_64_after_hwframe", "entry_SYSCALL_64_fastpath", "entry_SYSCALL_64", "do_syscall_64", "do_syscall_x64",
        "system_call_fastpath", "sysenter_do_call", "syscall_call", "do_fast_syscall_32", "entry_SYSENTER_32",
        "do_int80_syscall_32", "__do_fast_syscall_32", "el0_svc", "el0t_64_sync", "el0t_64_sync_handler", "ia32_sysenter_target",
        "sys_socketcall", "__sys_socketcall", "smpboot_thread_fn", "run_ksoftirqd", "__do_softirq", "handle_softirqs",
        "irq_exit_rcu", "sysvec_apic_timer_interrupt", "asm_sysvec_apic_timer_interrupt", "apic_timer_interrupt",
        "__irq_exit_rcu", "__sysvec_apic_timer_interrupt", "hrtimer_interrupt", "__hrtimer_run_queues", "rcu_core", "rcu_core_si",
        "task_work_run", "exit_to_user_mode_prepare", "exit_to_user_mode_loop", "syscall_exit_to_user_mode", "do_group_exit",
        "get_signal", "arch_do_signal_or_restart", "__fput", "____fput", "ktime_get",
    };

    /// <summary>Fault handling and oops printing that older kernels leave in the call trace above the crash site.</summary>
    static readonly HashSet<string> Reporting = new(StringComparer.Ordinal)
    {
        "show_trace", "show_trace_log_lvl", "show_stack_log_lvl", "show_registers", "show_regs", "__show_regs", "die", "__die",
        "oops_end", "oops_begin", "do_page_fault", "__do_page_fault", "page_fault", "error_code", "do_general_protection",
        "general_protection", "exc_general_protection", "asm_exc_general_protection", "exc_page_fault", "asm_exc_page_fault",
        "do_user_addr_fault", "do_kern_addr_fault", "handle_page_fault", "no_context", "bad_area_nosemaphore",
        "__bad_area_nosemaphore", "page_fault_oops", "kernelmode_fixup_or_oops", "do_invalid_op", "exc_invalid_op",
        "asm_exc_invalid_op", "handle_bug", "do_trap", "do_error_trap", "do_exit", "make_task_dead", "rewind_stack_and_make_dead",
        // A hung task is always asleep in the scheduler: the waiter below it is what identifies the hang.
        "__schedule", "schedule", "schedule_timeout", "schedule_preempt_disabled", "io_schedule", "io_schedule_timeout",
        "__wait_for_common", "wait_for_common", "wait_for_completion_timeout", "schedule_hrtimeout_range", "context_switch",
        "__ubsan_handle_out_of_bounds", "__ubsan_handle_shift_out_of_bounds", "ubsan_epilogue", "__ubsan_handle_load_invalid_value",
    };

    public const double UnreliableWeight = 0.3;
    public const double PlumbingWeight = 0.2;

    /// <summary>Crash site then the crashing stack, top first: suffixes (.isra.N…) and syscall prefixes stripped,
    /// generic frames (reporting, allocators, locking…) dropped, consecutive repeats folded, at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<NormalizedFrame> Normalize(CrashReport report, int max = 16)
    {
        var result = new List<NormalizedFrame>();
        void Add(StackFrame f)
        {
            var name = FrameNames.StripSyscallPrefixes(FrameNames.StripSuffixes(f.Function));
            if (name.Length == 0 || Reporting.Contains(name) || FrameNames.IsGeneric(name)) return;
            var weight = Plumbing.Contains(name) ? PlumbingWeight : f.Reliable ? 1.0 : UnreliableWeight;
            // Unreliable "? foo" frames often repeat a reliable one: keep the name once, with its best weight.
            var existing = result.FindIndex(x => x.Name == name);
            if (existing >= 0)
            {
                if (weight > result[existing].Weight) result[existing] = new NormalizedFrame(name, weight);
                return;
            }
            result.Add(new NormalizedFrame(name, weight));
        }
        if (report.CrashSite is { } site) Add(site);
        foreach (var f in report.Frames)
        {
            if (result.Count >= max) break;
            if (MainSections.Contains(f.Section)) Add(f);
        }
        return result;
    }

    /// <summary>The frames a fix is likely to touch: reliable, non-plumbing, top first; with no usable stack, the
    /// functions the title names ("… in foo", "data-race in foo / bar").</summary>
    public static IReadOnlyList<string> KeyFunctions(IReadOnlyList<NormalizedFrame> frames, string? title = null, int max = 5)
    {
        var key = frames.Where(f => f.Weight >= 1.0).Select(f => f.Name).Take(max).ToList();
        if (key.Count > 0 || title is null) return key;
        var at = title.LastIndexOf(" in ", StringComparison.Ordinal);
        if (at < 0) return key;
        // "data-race in a / b": each side's first word; "in foo mm/x.c:LINE [inline]": only foo.
        return title[(at + 4)..].Split(" / ").Select(part => part.Split(' ')[0])
            .Where(w => SafeRegex.IsMatch(w, @"^[A-Za-z_][A-Za-z0-9_]{3,}$") && w != "corrupted" && !FrameNames.IsGeneric(w))
            .Take(max).ToList();
    }

    /// <summary>Frames needed on both sides before stacks alone may join two reports: with fewer, any two
    /// short stacks through the same helper would look alike.</summary>
    public const int MinFramesForStackMatch = 3;

    /// <summary>
    /// Similarity in [0,1]: 0.6 × weighted Jaccard over the frame sets + 0.4 × (1 − normalised edit distance)
    /// over the top 5 frames. Jaccard tolerates what differs between builds of the same bug (inlining, extra
    /// "? foo" stack garbage, arch entry code); the edit distance rewards the same order near the crash
    /// site, where the bug is. Unreliable and plumbing frames count with their lower weight.
    /// </summary>
    public static double Similarity(IReadOnlyList<NormalizedFrame> a, IReadOnlyList<NormalizedFrame> b)
    {
        if (a.Count == 0 || b.Count == 0) return 0;
        var wa = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var f in a) wa[f.Name] = Math.Max(f.Weight, wa.GetValueOrDefault(f.Name));
        var wb = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var f in b) wb[f.Name] = Math.Max(f.Weight, wb.GetValueOrDefault(f.Name));
        double min = 0, maxSum = 0;
        foreach (var name in wa.Keys.Union(wb.Keys))
        {
            var x = wa.GetValueOrDefault(name);
            var y = wb.GetValueOrDefault(name);
            min += Math.Min(x, y);
            maxSum += Math.Max(x, y);
        }
        var jaccard = maxSum == 0 ? 0 : min / maxSum;
        var ta = Top(a, 5);
        var tb = Top(b, 5);
        var edit = 1.0 - (double)EditDistance(ta, tb) / Math.Max(ta.Count, tb.Count);
        return 0.6 * jaccard + 0.4 * edit;
    }

    /// <summary>
    /// One stack compared with many (a new report against every candidate of the frame index): the Jaccard part is
    /// computed first without allocating, and the full <see cref="Similarity"/> only for stacks that can still reach
    /// the threshold (the edit part adds at most 0.4). Same results as calling Similarity on every stack.
    /// </summary>
    public sealed class Comparer
    {
        readonly IReadOnlyList<NormalizedFrame> query;
        readonly Dictionary<string, double> weights = new(StringComparer.Ordinal);
        readonly HashSet<string> seen = new(StringComparer.Ordinal);
        readonly double total;

        public Comparer(IReadOnlyList<NormalizedFrame> query)
        {
            this.query = query;
            foreach (var f in query) weights[f.Name] = Math.Max(f.Weight, weights.GetValueOrDefault(f.Name));
            total = weights.Values.Sum();
        }

        /// <summary><see cref="Similarity"/>(query, stack), or 0 when it is certainly below <paramref name="threshold"/>.</summary>
        public double Similarity(IReadOnlyList<NormalizedFrame> stack, double threshold)
        {
            if (query.Count == 0 || stack.Count == 0) return 0;
            seen.Clear();
            double shared = 0, other = 0;
            foreach (var f in stack)
            {
                // Normalised stacks name each frame once; anything else takes the exact path.
                if (!seen.Add(f.Name)) return CrashFrames.Similarity(query, stack);
                other += f.Weight;
                if (weights.TryGetValue(f.Name, out var w)) shared += Math.Min(w, f.Weight);
            }
            var union = total + other - shared;
            var jaccard = union <= 0 ? 0 : shared / union;
            return 0.6 * jaccard + 0.4 < threshold ? 0 : CrashFrames.Similarity(query, stack);
        }
    }

    /// <summary>Total weight of a stack's distinct frames, as <see cref="Similarity"/> weighs them.</summary>
    public static double TotalWeight(IReadOnlyList<NormalizedFrame> frames) =>
        frames.GroupBy(f => f.Name, StringComparer.Ordinal).Sum(g => g.Max(f => f.Weight));

    /// <summary>
    /// Which total weights a stack can have to reach <paramref name="threshold"/> against a stack of total
    /// <paramref name="total"/>: the edit part adds at most 0.4, so the weighted Jaccard must reach
    /// (threshold − 0.4) / 0.6, and it is at most min(totals) / max(totals). Lets an index skip stacks that
    /// cannot match without changing what matches.
    /// </summary>
    public static (double Min, double Max) TotalWeightRange(double total, double threshold)
    {
        var jaccard = (threshold - 0.4) / 0.6;
        if (jaccard <= 0) return (0, double.MaxValue);
        return (total * jaccard - 1e-9, total / jaccard + 1e-9);
    }

    static List<string> Top(IReadOnlyList<NormalizedFrame> frames, int n)
    {
        // Order near the crash site is only meaningful for frames that really are the call chain.
        var reliable = frames.Where(f => f.Weight >= 1.0).Select(f => f.Name).Take(n).ToList();
        return reliable.Count > 0 ? reliable : frames.Select(f => f.Name).Take(n).ToList();
    }

    static int EditDistance(List<string> a, List<string> b)
    {
        var prev = new int[b.Count + 1];
        var cur = new int[b.Count + 1];
        for (var j = 0; j <= b.Count; j++) prev[j] = j;
        for (var i = 1; i <= a.Count; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Count; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Count];
    }
}
