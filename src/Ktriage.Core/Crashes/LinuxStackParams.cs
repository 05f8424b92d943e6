using System.Buffers;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// How Linux stack traces look and which frames never identify a bug (syzkaller's linuxStackParams):
/// reporting machinery, allocators, locking, string/memory helpers, syscall entry glue.
/// </summary>
internal static class LinuxStackParams
{
    public static readonly Regex[] StackStartRes =
    [
        Rx.C(@"Call (?:T|t)race", RegexOptions.Compiled),
        Rx.C(@"Allocated:", RegexOptions.Compiled),
        Rx.C(@"Allocated by task [0-9]+:", RegexOptions.Compiled),
        Rx.C(@"Freed:", RegexOptions.Compiled),
        Rx.C(@"Freed by task [0-9]+:", RegexOptions.Compiled),
        // "backtrace:" of kmemleak but not lockdep's "stack backtrace:".
        Rx.C(@"(?:^|[^k] )backtrace(?: \(crc [0-9a-fA-F]*\))?:", RegexOptions.Compiled),
        Rx.C(@"The buggy address belongs to", RegexOptions.Compiled),
    ];

    // The literal each StackStartRes pattern starts with, and how many characters may precede it in a match
    // ("[^k] backtrace"): the regexes need only run where their literal is.
    static readonly (string Literal, int Back)[] StackStartAnchors =
    [
        ("Call ", 0), ("Allocated:", 0), ("Allocated by task ", 0), ("Freed:", 0), ("Freed by task ", 0), ("backtrace", 2),
        ("The buggy address belongs to", 0),
    ];

    /// <summary>StackStartRes[key].Match(text, from), started at the first place the match could begin.</summary>
    public static Match MatchStackStart(int key, string text, int from)
    {
        var (literal, back) = StackStartAnchors[key];
        int at = text.IndexOf(literal, from, StringComparison.Ordinal);
        // No match can start before (first literal - back): its own literal would come earlier.
        return at < 0 ? Match.Empty : StackStartRes[key].Match(text, Math.Max(from, at - back));
    }

    // Every StackStartRes pattern contains one of these: lines without any skip all the regexes.
    static readonly SearchValues<string> StackStartLiterals = SearchValues.Create(
        ["Call T", "Call t", "Allocated", "Freed", "backtrace", "The buggy address belongs to"], StringComparison.Ordinal);

    /// <summary>Where the first stack start of a text could begin: every match holds a literal within 2 chars of its start.</summary>
    public static int FirstStackStartCandidate(string text)
    {
        int at = text.AsSpan().IndexOfAny(StackStartLiterals);
        return at < 0 ? -1 : Math.Max(0, at - 2);
    }

    public static bool IsStackStart(ReadOnlySpan<char> line)
    {
        if (line.IndexOfAny(StackStartLiterals) < 0) return false;
        foreach (var re in StackStartRes)
            if (re.IsMatch(line)) return true;
        return false;
    }

    /// <summary>A frame line needs "func." or "func+": lines with neither skip the frame regexes.</summary>
    public static bool MayBeFrame(ReadOnlySpan<char> line) => line.IndexOfAny('+', '.') >= 0;

    public static bool IsFrame(ReadOnlySpan<char> line)
    {
        if (!MayBeFrame(line)) return false;
        foreach (var re in FrameRes)
            if (re.IsMatch(line)) return true;
        return false;
    }

    public static readonly Regex[] FrameRes =
    [
        Rx.C(@"^ *(?:{{PC}} ){0,2}{{FUNC}}", RegexOptions.Compiled),
        // ARM prints "(callee) from (caller)": both are frames, the callee may only be in LR otherwise.
        Rx.C(@"^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}", RegexOptions.Compiled),
    ];

    public static readonly string[] SkipPatterns =
    [
        "__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan", "kcsan_setup_watchpoint",
        "check_memory_region", "check_heap_object", "check_object", "read_word_at_a_time",
        "(read|write)_once_.*nocheck", "print_address_description", "panic", "invalid_op",
        "report_bug", "fixup_bug", "print_report", "print_usage_bug", "do_error", "invalid_op",
        "_trap$|do_trap_", "show_stack", "dump_stack", "walk_stack", "dump_backtrace", "warn_slowpath",
        "warn_alloc", "warn_bogus", "__warn", "alloc_page", "k?v?(?:m|z|c)alloc", "krealloc", "kmem_cache",
        "allocate_slab", "folio_(?:alloc|unlock)", "filemap_alloc_folio", "__filemap_get_folio",
        "find_or_create_page", "do_read_cache_folio", "read_cache_page", "pagecache_get_page",
        "grab_cache_page_write_begin", "alloc_frozen_pages", "slab_", "debug_object", "timer_is_static_object",
        "work_is_static_object", "__might_fault", "print_unlock", "imbalance_bug", "lockdep", "bh_enable",
        "bh_disable", "perf_trace", "lock_acquire", "lock_release", "lock_class", "mark_lock",
        "(reacquire|mark)_held_locks", "raw_spin_rq", "spin_lock", "spin_trylock", "spin_unlock",
        "read_lock", "read_trylock", "write_lock", "write_trylock", "read_unlock", "write_unlock",
        "^down$", "down_read", "down_write", "down_read_trylock", "down_write_trylock", "down_trylock",
        "up_read", "up_write", "^mutex_", "^__mutex_", "^rt_mutex_", "owner_on_cpu", "osq_lock",
        "osq_unlock", "atomic(64)?_", "(set|clear|change|test)_bit", "__wake_up", "^kfree$",
        "^kfree_sensitive$", "kfree_skb", "^kvfree", "kfree_rcu", "rcu_do_batch", "__free_", "free_pages", "(?:^|_)kobject_", "^refcount_", "^kref_", "ref_tracker", "^(?:get|put)_device$", "^device_(?:add|del)$",
        "get_device_parent", "^sysfs_remove_group", "add_uevent_var", "^xas_", "^xa_", "__phys_addr", "trace_hardirqs",
        "assertfail", "^kthread_stop", "get_taint", "print_tainted", "check_panic_on_warn", "^usb_kill_urb",
        "^usb_kill_anchored_urbs", "^usb_poison_urb", "wait_for_completion", "lock_timer_base", "__queue_work",
        "queue_work_on", "do_raw_spin_lock", "crc32", "^aes_", "lock_sock_nested", "look_up_lock_class", "bad_page",
        "free_page_is_bad", "folios?_put", "^put_page", "va_format", "^__mod_timer", "^mod_timer", "^(?:__)?(?:try_to_)?del_timer", "^(?:__)?timer_delete", "fortify", "printk", "^_?dev_(?:info|warn|err|notice|dbg|emerg|crit|alert)$", "^iput$", "^__kthread_create_on_node", "^kthread_create_on_node",
        "memcpy", "memcmp", "memset", "memchr", "memmove", "memdup", "strcmp", "strncmp", "strlen",
        "strchr", "strcpy", "strlcpy", "strncpy", "strscpy", "strsep", "strstr", "strnlen", "strnstr",
        "strncat", "strlcat", "strcat", "copy_to_user", "copy_from_user", "copy_to_iter", "copy_from_iter",
        "copy_page_to_iter", "copy_page_from_iter", "copy_folio_to_iter", "^copyin$", "^copyout$",
        "put_user", "get_user", "might_fault", "might_sleep", "might_resched", "list_add", "list_del", "list_replace",
        "list_move", "list_splice", "^rb_", "^__rb_", "_indirect_thunk_", "string", "pointer", "number",
        "vsnprintf", "vscnprintf", "vsprintf", "scnprintf", "snprintf", "sprintf", "bitmap_copy_clear_tail",
        "kvasprintf", "match_number",
    ];

    static readonly Regex CommonSkip = new(string.Join("|", SkipPatterns), RegexOptions.Compiled | RegexOptions.CultureInvariant, SafeRegex.Timeout);
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> CommonSkipMemo = new(StringComparer.Ordinal);

    /// <summary>Whether a (prefix-stripped) frame matches the common skip list; memoized, bounded.</summary>
    public static bool IsCommonSkip(string frame)
    {
        if (CommonSkipMemo.TryGetValue(frame, out var skip)) return skip;
        skip = CommonSkip.IsMatch(frame);
        if (CommonSkipMemo.Count > 100_000) CommonSkipMemo.Clear(); // archives hold many names: stay bounded
        CommonSkipMemo[frame] = skip;
        return skip;
    }

    public static readonly Regex[] CorruptedLines =
    [
        // Fault-injection stacks interleave with real reports; symbol may carry .isra.N/.cold suffixes.
        Rx.C(@"^( \[\<?(?:0x)?[0-9a-f]+\>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x", RegexOptions.Compiled),
    ];

    public static bool IsCorruptedLine(ReadOnlySpan<char> line)
    {
        // The only corrupted-line pattern is about fault injection frames.
        if (!line.Contains("should_fail", StringComparison.Ordinal)) return false;
        foreach (var re in CorruptedLines)
            if (re.IsMatch(line)) return true;
        return false;
    }

    /// <summary>Syscall wrapper prefixes removed from frame names (in this order, each at most once).</summary>
    public static readonly string[] StripFramePrefixes =
    [
        "SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_", "___sys_", "__sys_",
        "__se_", "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_",
    ];

    public static string StripPrefixes(string frame)
    {
        foreach (var p in StripFramePrefixes)
            if (frame.StartsWith(p, StringComparison.Ordinal)) frame = frame[p.Length..];
        return frame;
    }

    // Stalls loop across several functions; the representative frame sits just above a dispatcher.
    static readonly Regex StallAnchors = Rx.C(string.Join("|",
    [
        "^queue_work", "^queue_delayed_work", "^call_timer_fn", "^expire_timers", "^__run_timers",
        "^run_timer_softirq", "^run_timer_base", "^process_one_work", "^__queue_work", "^do_syscall_",
        "^do_fast_syscall", "^do_int80", "^entry_SYSCALL", "^entry_SYSENTER", "^entry_INT80",
        "^sysenter_dispatch", "^tracesys_phase2", "^syscall_call", "^system_call", "^invoke_syscall",
        "^el0_svc", "^do_el0_svc", "^smp_call_function", "^tasklet_action",
        "^vfs_", "^do_vfs_", "^__vfs_", "^new_sync_", "^fsnotify", "^__fput", "^____fput", "^task_work_run",
        "^sock_sendmsg", "^sock_recvmsg", "^__sock_sendmsg", "^sock_write_iter", "^sock_read_iter",
        "^sock_ioctl", "^rtnetlink_rcv_msg", "^__netif_receive_skb", "^netif_receive_skb",
        // ioctl dispatches to the driver: the driver function is the identity.
        "^(?:compat_)?(?:sys_)?ioctl$", "compat_ioctl$",
        // So does setsockopt/getsockopt to the protocol (after prefix stripping "__sys_setsockopt" is "setsockopt").
        "^(?:do_sock_)?(?:sys_)?(?:set|get)sockopt$",
        "^kthread$", "^worker_thread", "^rcu_core", "^do_softirq", "^__do_softirq", "^handle_softirqs",
        "^ksoftirqd",
    ]), RegexOptions.Compiled);

    /// <summary>syzkaller's linuxStallFrameExtractor over stripped, non-skipped frames.</summary>
    public static int StallFrameExtractor(List<string> frames)
    {
        if (frames.Count == 0) return -1;
        int prev = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            if (StallAnchors.IsMatch(frames[i]))
            {
                if (frames[i].Contains("smp_call_function", StringComparison.Ordinal))
                {
                    // _single/_many/_any are one bucket.
                    frames[i] = "smp_call_function";
                    return i;
                }
                return prev;
            }
            prev = i;
        }
        // No dispatcher in sight (e.g. an idle or kthread loop): the top frame is all we have.
        return 0;
    }

    static readonly (string Anchor, string Replacement)[] HangAnchors =
    [
        ("rtnl_lock", ""), ("synchronize_rcu", "synchronize_rcu"), ("synchronize_srcu", "synchronize_rcu"),
        ("synchronize_net", "synchronize_rcu"), ("synchronize_sched", "synchronize_rcu"),
    ];

    static readonly string[] HangSkip =
    [
        "sched", "_lock", "_slowlock", "down", "rwsem", "completion", "kthread", "wait", "synchronize",
        "context_switch", "__switch_to", "cancel_delayed_work", "rcu_barrier",
    ];

    /// <summary>Hung tasks show victims; group the common rtnl_lock / synchronize_rcu waits, else skip waiting frames.</summary>
    public static int HangTaskFrameExtractor(List<string> frames)
    {
        for (int i = 0; i < frames.Count; i++)
            foreach (var (anchor, repl) in HangAnchors)
                if (frames[i].Contains(anchor, StringComparison.Ordinal))
                {
                    if (repl != "") frames[i] = repl;
                    return i;
                }
        for (int i = 0; i < frames.Count; i++)
            if (!HangSkip.Any(s => frames[i].Contains(s, StringComparison.Ordinal))) return i;
        return -1;
    }
}
