using System.Text.RegularExpressions;
using static Ktriage.Core.Crashes.Rx;

namespace Ktriage.Core.Crashes;

/// <summary>
/// The crash kinds the kernel prints, as data (after syzkaller's pkg/report/linux.go): adding a kind means
/// adding an entry here and a golden file under tests/…/Fixtures/Crashes.
/// </summary>
internal static class LinuxOopses
{
    static StackFormat Trace(params string[] skip) => new() { Parts = [CallTrace, ParseStackTrace], Skip = skip };
    // A trapping WARN prints the stack after the RIP of the WARN site; older kernels only have a Call Trace.
    static StackFormat Warning(params string[] skip) => new()
    {
        Parts = [C("(?:" + RipFrame.ToString() + "|--- interrupt: [0-9]+ at {{FUNC}})"), ParseStackTrace],
        Parts2 = [CallTrace, ParseStackTrace],
        Skip = skip,
    };

    static StackFormat RipTrace(params string[] skip) => new() { Parts = [RipFrame, CallTrace, ParseStackTrace], Skip = skip };

    static OopsFormat[] Lockdep(string kw) => kw == "INFO" ? OldLockdep : NewLockdep(kw);

    // Lockdep before 4.x printed "[ INFO: … ]" banners; titles come from the first "at:" after the key line.
    static readonly OopsFormat[] OldLockdep =
    [
        new()
        {
            Title = C(@"INFO: possible circular locking dependency detected"),
            Report = C(@"INFO: possible circular locking dependency detected \]?(?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
            Fmt = "possible deadlock in %[1]v",
        },
        new()
        {
            Title = C(@"INFO: possible irq lock inversion dependency detected"),
            Report = C(@"INFO: possible irq lock inversion dependency detected \]?(?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
            Fmt = "possible deadlock in %[1]v",
        },
        new()
        {
            Title = C(@"INFO: .*-safe -> .*-unsafe lock order detected"),
            Report = C(@"INFO: .*-safe -> .*-unsafe lock order detected \]?(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
            Fmt = "possible deadlock in %[1]v",
        },
        new()
        {
            Title = C(@"INFO: possible recursive locking detected"),
            Report = C(@"INFO: possible recursive locking detected \]?(?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
            Fmt = "possible deadlock in %[1]v",
        },
        new()
        {
            Title = C(@"INFO: inconsistent lock state"),
            Report = C(@"INFO: inconsistent lock state \]?(?:.*\n)+?.*takes(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}"),
            Fmt = "inconsistent lock state in %[1]v",
        },
        new()
        {
            Title = C(@"INFO: suspicious RCU usage"),
            Report = C(@"INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}"),
            Fmt = "INFO: suspicious RCU usage in %[2]v",
            Stack = Trace("rcu", "kmem", "slab"),
        },
    ];

    static OopsFormat[] NewLockdep(string kw) =>
    [
        new()
        {
            Title = C($"{kw}: possible circular locking dependency detected"),
            Report = C($@"{kw}: possible circular locking dependency detected(?:.*\n)+?.*is trying to acquire lock"),
            Fmt = "possible deadlock in %[1]v",
            Stack = new()
            {
                Parts = [C(@"at: (?:{{PC}} +)?{{FUNC}}"), C(@"at: (?:{{PC}} +)?{{FUNC}}"), ParseStackTrace],
                // Workqueue functions take locks of work items: the deadlock is about the work, not them.
                Skip = ["process_one_work", "flush_workqueue", "drain_workqueue", "destroy_workqueue"],
            },
        },
        new()
        {
            Title = C($"{kw}: possible irq lock inversion dependency detected"),
            Report = C($@"{kw}: possible irq lock inversion dependency detected(?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: (?:{{{{PC}}}} +)?{{{{FUNC}}}}"),
            Fmt = "possible deadlock in %[1]v",
        },
        new()
        {
            Title = C($"{kw}: .*-safe -> .*-unsafe lock order detected"),
            Fmt = "possible deadlock in %[1]v",
            Stack = new() { Parts = [C("and this task is already holding:"), C(@"at: (?:{{PC}} +)?{{FUNC}}")] },
        },
        new()
        {
            Title = C($"{kw}: possible recursive locking detected"),
            Report = C($@"{kw}: possible recursive locking detected(?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: (?:{{{{PC}}}} +)?{{{{FUNC}}}}"),
            Fmt = "possible deadlock in %[1]v",
        },
        new()
        {
            Title = C($"{kw}: inconsistent lock state"),
            // The lock site ("takes: … at: f") is often a locking/allocator helper or the victim of the state
            // change: syzkaller titles by the stack and keeps the lock site as the alternative title.
            Report = C($@"{kw}: inconsistent lock state(?:.*\n)+?.*takes(?:.*\n)+?.*at: (?:{{{{PC}}}} +)?{{{{FUNC}}}}"),
            Fmt = "inconsistent lock state in %[2]v",
            Alt = ["inconsistent lock state in %[1]v"],
            Stack = Trace(),
        },
        new()
        {
            Title = C($"{kw}: suspicious RCU usage"),
            Report = C($@"{kw}: suspicious RCU usage(?:.*\n)+?.*?{{{{SRC}}}}"),
            Fmt = $"{kw}: suspicious RCU usage in %[2]v",
            Stack = Trace("rcu", "kmem", "slab"),
        },
        new()
        {
            Title = C($"{kw}: bad unlock balance detected!"),
            Report = C($@"{kw}: bad unlock balance detected!(?:.*\n){{0,15}}?.*is trying to release lock(?:.*\n){{0,15}}?.*{{{{PC}}}} +{{{{FUNC}}}}"),
            Fmt = "BUG: bad unlock balance in %[1]v",
        },
        new()
        {
            Title = C($"{kw}: held lock freed!"),
            Report = C($@"{kw}: held lock freed!(?:.*\n)+?.*{{{{PC}}}} +{{{{FUNC}}}}"),
            Fmt = "BUG: held lock freed in %[1]v",
        },
        new()
        {
            Title = C($"{kw}: lock held when returning to user space"),
            Report = C($@"{kw}: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{{{PC}}}} +)?{{{{FUNC}}}}"),
            Fmt = "BUG: lock held when returning to user space in %[1]v",
            NoStackTrace = true,
        },
        new()
        {
            Title = C($"{kw}: [Nn]ested lock was not taken"),
            Fmt = "WARNING: nested lock was not taken in %[1]v",
            Stack = Trace(),
        },
    ];

    public static readonly OopsKind[] All = Build();

    static OopsKind[] Build() =>
    [
        new("BUG:",
        [
            new()
            {
                Title = C("BUG: KASAN:"),
                Report = C(@"BUG: KASAN: ([a-z\-]+) in {{FUNC}}(?:.*\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)"),
                Fmt = "KASAN: %[1]v %[3]v in %[4]v",
                Alt = ["bad-access in %[4]v"],
                Stack = new()
                {
                    Parts = [C(@"BUG: KASAN: (?:[a-z\-]+) in {{FUNC}}"), CallTrace, ParseStackTrace],
                    // Frames of the arm64 hardware tag-check fault path.
                    Skip = ["kernel_fault", "tag_check", "mem_abort", "do_mem_abort", "el1_abort", "el1h_64_sync", "el1_sync", "do_bad_area", "do_tag_check_fault", "__do_kernel_fault"],
                },
            },
            new()
            {
                Title = C("BUG: KASAN:"),
                Report = C(@"BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}"),
                Fmt = "KASAN: invalid-free in %[2]v",
                Alt = ["invalid-free in %[2]v"],
                Stack = new()
                {
                    Parts = [C(@"BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}"), CallTrace, ParseStackTrace],
                    Skip = ["slab_", "kfree", "vunmap", "vfree"],
                },
            },
            new()
            {
                Title = C(@"BUG: KASAN: ([a-z\-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+)"),
                Fmt = "KASAN: %[1]v %[2]v",
            },
            new()
            {
                Title = C(@"BUG: KASAN: (.*)"),
                Fmt = "KASAN: %[1]v",
                Corrupted = true,
            },
            new()
            {
                Title = C(@"BUG: KMSAN: kernel-usb-infoleak"),
                Report = C(@"BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}"),
                Fmt = "KMSAN: kernel-usb-infoleak in %[2]v",
                Alt = ["KMSAN origin in %[3]v"],
                Stack = new()
                {
                    Parts = [C("BUG: KMSAN:"), ParseStackTrace, C("(Local variable .* created at:|Uninit was created at:)"), ParseStackTrace],
                    Parts2 = [CallTrace, ParseStackTrace, C("(Local variable .* created at:|Uninit was created at:)"), ParseStackTrace],
                    Skip = ["alloc_skb", "usb_submit_urb", "usb_start_wait_urb", "usb_bulk_msg", "usb_interrupt_msg", "usb_control_msg"],
                },
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: KMSAN:"),
                Report = C(@"BUG: KMSAN: ([a-z\-]+) in {{FUNC}}"),
                Fmt = "KMSAN: %[1]v in %[3]v",
                Alt = ["KMSAN origin in %[4]v"],
                Stack = new()
                {
                    Parts = [C("BUG: KMSAN:"), ParseStackTrace, C("(Local variable .* created at:|Uninit was created at:)"), ParseStackTrace],
                    Parts2 = [CallTrace, ParseStackTrace, C("(Local variable .* created at:|Uninit was created at:)"), ParseStackTrace],
                    Skip = ["alloc_skb", "netlink_ack", "netlink_rcv_skb"],
                },
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: KCSAN: data-race"),
                Report = C(@"BUG: KCSAN: (.*)"),
                Fmt = "KCSAN: %[1]v",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: KCSAN:"),
                Report = C(@"BUG: KCSAN: (.*)"),
                Fmt = "KCSAN: %[1]v",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: KFENCE: (use-after-free|out-of-bounds) ([a-z\-]+)"),
                Fmt = "KFENCE: %[1]v %[2]v in %[3]v",
                Alt = ["bad-access in %[3]v"],
                Stack = new() { Parts = [C(@"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}"), ParseStackTrace], Skip = ["kfence"] },
            },
            new()
            {
                Title = C(@"BUG: KFENCE: invalid free"),
                Fmt = "KFENCE: invalid free in %[1]v",
                Alt = ["invalid-free in %[1]v"],
                Stack = new() { Parts = [C(@"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}"), ParseStackTrace], Skip = ["kfence"] },
            },
            new()
            {
                Title = C(@"BUG: KFENCE: invalid (read|write)"),
                Fmt = "KFENCE: invalid %[1]v in %[2]v",
                Alt = ["bad-access in %[2]v"],
                Stack = new() { Parts = [C(@"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}"), ParseStackTrace], Skip = ["kfence"] },
            },
            new()
            {
                Title = C(@"BUG: KFENCE: memory corruption"),
                Fmt = "KFENCE: memory corruption in %[1]v",
                Stack = new() { Parts = [C(@"BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}"), ParseStackTrace], Skip = ["kfence"] },
            },
            new()
            {
                Title = C(@"BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access on read|Unable to handle kernel data access on write)"),
                Fmt = "BUG: unable to handle kernel paging request in %[1]v",
                Alt = ["bad-access in %[1]v"],
                Stack = RipTrace(),
            },
            new()
            {
                Title = C(@"BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference, address)"),
                Fmt = "BUG: unable to handle kernel NULL pointer dereference in %[1]v",
                Alt = ["bad-access in %[1]v"],
                Stack = RipTrace(),
            },
            new()
            {
                // The second half of the header is a separate printk and can get lost.
                Title = C(@"BUG: (?:unable to handle kernel|unable to handle)"),
                Fmt = "BUG: unable to handle kernel",
                Corrupted = true,
            },
            new()
            {
                Title = C(@"BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)"),
                Fmt = "BUG: %[1]v %[2]v in %[3]v",
                Stack = Trace("spin_", "_lock", "_unlock"),
            },
            new()
            {
                Title = C(@"BUG: soft lockup"),
                Fmt = "BUG: soft lockup in %[1]v",
                Alt = ["stall in %[1]v"],
                Stack = new() { Parts = [RipFrame, CallTrace, ParseStackTrace], Extractor = LinuxStackParams.StallFrameExtractor },
            },
            new()
            {
                Title = C(@"BUG: .*still has locks held!"),
                Report = C(@"BUG: .*still has locks held!(?:.*\n)+?.*{{PC}} +{{FUNC}}"),
                Fmt = "BUG: still has locks held in %[1]v",
            },
            new()
            {
                Title = C(@"BUG: scheduling while atomic"),
                Fmt = "BUG: scheduling while atomic in %[1]v",
                Stack = Trace("schedule"),
            },
            new()
            {
                Title = C(@"BUG: Bad rss-counter state"),
                Fmt = "BUG: Bad rss-counter state",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: non-zero nr_ptes on freeing mm"),
                Fmt = "BUG: non-zero nr_ptes on freeing mm",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: non-zero nr_pmds on freeing mm"),
                Fmt = "BUG: non-zero nr_pmds on freeing mm",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]"),
                Fmt = "BUG: Dentry still in use in %[1]v",
                Alt = ["BUG: Dentry still in use [%[1]v of %[2]v]"],
            },
            new()
            {
                Title = C(@"BUG: Bad page state"),
                Fmt = "BUG: Bad page state in %[1]v",
                // page_owner's allocation stack names the user of the page; the free path is generic.
                Stack = new()
                {
                    Parts = [C("page last allocated"), ParseStackTrace],
                    Parts2 = [CallTrace, ParseStackTrace],
                    Skip = ["post_alloc_hook", "get_page_from_freelist", "prep_new_page"],
                },
            },
            new()
            {
                Title = C(@"BUG: Bad page map"),
                Fmt = "BUG: Bad page map",
            },
            new()
            {
                Title = C(@"BUG: workqueue lockup"),
                Fmt = "BUG: workqueue lockup",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: sleeping function called from invalid context at (.*)"),
                Fmt = "BUG: sleeping function called from invalid context in %[2]v",
                Stack = Trace(),
            },
            new()
            {
                Title = C(@"BUG: using __this_cpu_([a-z_]+)\(\) in preemptible"),
                Fmt = "BUG: using __this_cpu_%[1]v() in preemptible code in %[2]v",
                Stack = Trace("dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"),
            },
            new()
            {
                Title = C(@"BUG: workqueue leaked lock or atomic"),
                Report = C(@"BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)\n"),
                Fmt = "BUG: workqueue leaked lock or atomic in %[1]v",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"BUG: memory leak"),
                Fmt = "memory leak in %[1]v",
                Stack = new()
                {
                    Parts = [C(@"backtrace(?: \(crc [0-9a-fA-F]*\))?:"), ParseStackTrace],
                    Skip = ["kmemleak", "mmap", "kmem", "slab", "alloc", "create_object", "idr_get", "list_lru_init",
                        "kasprintf", "kvasprintf", "pool_create", "_register"],
                },
            },
            new()
            {
                Title = C(@"BUG: .*stack guard page was hit at"),
                Fmt = "BUG: stack guard page was hit in %[1]v",
                Alt = ["stack-overflow in %[1]v"],
                // The top of an overflowed stack is whatever recursed last; like stalls, name the frame that
                // called into the dispatcher (syscall, work item, netlink…) instead.
                Stack = new() { Parts = [RipFrame, CallTrace, ParseStackTrace], Extractor = LinuxStackParams.StallFrameExtractor },
            },
            new()
            {
                Title = C(@"BUG: Invalid wait context"),
                // arm64 prints this where x86 prints a lockdep WARNING: share the amd64 title.
                Fmt = "WARNING: locking bug in %[1]v",
                Stack = Trace(),
            },
            new()
            {
                Title = C(@"BUG: using smp_processor_id\(\) in preemptible"),
                Fmt = "BUG: using smp_processor_id() in preemptible code in %[1]v",
                Stack = Trace("dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"),
            },
            new() { Title = C(@"BUG: MAX_LOCKDEP_KEYS too low!"), Fmt = "BUG: MAX_LOCKDEP_KEYS too low!", NoStackTrace = true },
            new() { Title = C(@"BUG: MAX_LOCKDEP_ENTRIES too low!"), Fmt = "BUG: MAX_LOCKDEP_ENTRIES too low!", NoStackTrace = true },
            new() { Title = C(@"BUG: MAX_LOCKDEP_CHAINS too low!"), Fmt = "BUG: MAX_LOCKDEP_CHAINS too low!", NoStackTrace = true },
            new() { Title = C(@"BUG: MAX_LOCKDEP_CHAIN_HLOCKS too low!"), Fmt = "BUG: MAX_LOCKDEP_CHAIN_HLOCKS too low!", NoStackTrace = true },
            new() { Title = C(@"BUG: MAX_STACK_TRACE_ENTRIES too low!"), Fmt = "BUG: MAX_STACK_TRACE_ENTRIES too low!", NoStackTrace = true },
            new() { Title = C(@"BUG: lock_classes too low!"), Fmt = "BUG: lock_classes too low!", NoStackTrace = true },
            new()
            {
                Title = C(@"BUG: bad usercopy in"),
                Fmt = "BUG: bad usercopy in %[1]v",
                Stack = Trace("usercopy", "__check"),
            },
            new()
            {
                Title = C(@"BUG: corrupted list in"),
                Fmt = "BUG: corrupted list in %[1]v",
                Alt = ["bad-access in %[1]v"],
                Stack = Trace(),
            },
            .. Lockdep("BUG"),
        ],
        [
            C("ODEBUG:"), C("Boot_DEBUG:"), C("xlog_status:"), C("DEBUG:"),
            C("BUG: no syscalls can create resource"),
        ]),

        new("WARNING:",
        [
            new()
            {
                Title = C(@"WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check)"),
                Report = C(@"WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check)"),
                Fmt = "WARNING: ODEBUG bug in %[1]v",
                Stack = Warning("debug_object", "__debug_", "debug_check", "debug_print"),
            },
            new()
            {
                Title = C(@"WARNING: .*mm/usercopy\.c.* usercopy_warn"),
                Fmt = "WARNING: bad usercopy in %[1]v",
                Stack = Warning("usercopy", "__check"),
            },
            new()
            {
                Title = C(@"WARNING: .*lib/kobject\.c.* kobject_"),
                Fmt = "WARNING: kobject bug in %[1]v",
                Stack = Warning("kobject_"),
            },
            new()
            {
                Title = C(@"WARNING: .*fs/proc/generic\.c.* proc_register"),
                Fmt = "WARNING: proc registration bug in %[1]v",
                Stack = Warning("proc_"),
            },
            new()
            {
                Title = C(@"WARNING: .*lib/refcount\.c"),
                Fmt = "WARNING: refcount bug in %[1]v",
                Stack = Warning("refcount", "kobject_"),
            },
            new()
            {
                Title = C(@"WARNING: .*kernel/locking/lockdep\.c.*lock_"),
                Fmt = "WARNING: locking bug in %[1]v",
                Stack = Warning("lock_sync", "lock_is_held"),
            },
            new()
            {
                Title = C(@"WARNING: .*mm/slab_common\.c.* kmalloc_slab"),
                Fmt = "WARNING: kmalloc bug in %[1]v",
                Stack = Warning("kmalloc", "krealloc", "slab", "kmem"),
            },
            new()
            {
                Title = C(@"WARNING: .*mm/vmalloc\.c.*__vmalloc_node"),
                Fmt = "WARNING: zero-size vmalloc in %[1]v",
                Stack = Warning("vmalloc"),
            },
            new()
            {
                Title = C(@"WARNING: (?:.* )?{{SRC}} at {{FUNC}}"),
                Fmt = "WARNING in %[3]v",
                Stack = Warning(),
            },
            new()
            {
                Title = C(@"WARNING: .* at {{SRC}} {{FUNC}}"),
                Fmt = "WARNING in %[3]v",
                Stack = Warning(),
            },
            // Symbolized logs (syzbot's mails) print the WARN site as "func file.c:N [inline]" instead of "func+0x…":
            // syzkaller reads the raw log, where the same header names the function with an offset, and titles by
            // the stack either way.
            new()
            {
                Title = C(@"WARNING: (?:.* )?{{SRC}} at (?:[a-zA-Z0-9_]+) (?:[a-zA-Z0-9_/.\-]+\.[a-z]+:[0-9]+)"),
                Fmt = "WARNING in %[2]v",
                Stack = Warning(),
            },
            new()
            {
                Title = C(@"WARNING: .* at {{SRC}} (?:[a-zA-Z0-9_]+) (?:[a-zA-Z0-9_/.\-]+\.[a-z]+:[0-9]+)"),
                Fmt = "WARNING in %[2]v",
                Stack = Warning(),
            },
            .. Lockdep("WARNING"),
            new()
            {
                Title = C(@"WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value"),
                Fmt = "WARNING: kernel stack regs has bad '%[1]v' value",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value"),
                Fmt = "WARNING: kernel stack frame pointer has bad value",
                NoStackTrace = true,
            },
        ],
        [
            C(@"WARNING: /etc/ssh/moduli does not exist, using fixed modulus"),
            C(@"WARNING: workqueue cpumask: online intersect > possible intersect"),
            C(@"WARNING: [Tt]he mand mount option"),
            C(@"WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1"),
            C(@"WARNING: Unprivileged eBPF is enabled with eIBRS"),
            C(@"WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size"),
            C(@"WARNING: See https.* for mitigation options\."),
            C(@"WARNING: kernel not compiled with CPU_SRSO"),
            C(@"EXT4-[Ff][Ss](?: \(.*\))?:"),
            C(@"(?i)warning: unable to open an initial console"),
            // public-inbox's web view, not the kernel.
            C(@"WARNING: multiple messages have this Message-ID"),
            C(@"(?i)warning: .* uses wireless extensions"),
            C(@"XFS \(\w+\): WARNING"),
        ]),

        new("INFO: ",
        [
            .. Lockdep("INFO"),
            new()
            {
                Title = C(@"INFO: rcu_(?:preempt|sched|bh) (?:self-)?detected(?: expedited)? stall"),
                Fmt = "INFO: rcu detected stall in %[1]v",
                Alt = ["stall in %[1]v"],
                Stack = new()
                {
                    Parts = [C(@"apic_timer_interrupt"), RipFrame, ParseStackTrace],
                    Parts2 = [C(@"(?:apic_timer_interrupt|Exception stack|el1h_64_irq)"), ParseStackTrace],
                    Skip = ["apic_timer_interrupt", "rcu"],
                    Extractor = LinuxStackParams.StallFrameExtractor,
                },
            },
            new()
            {
                Title = C(@"INFO: trying to register non-static key"),
                Fmt = "INFO: trying to register non-static key in %[1]v",
                Stack = Trace("stack", "lock", "IRQ"),
            },
            new()
            {
                Title = C(@"INFO: task .* blocked for more than [0-9]+ seconds"),
                Fmt = "INFO: task hung in %[1]v",
                Alt = ["hang in %[1]v"],
                Stack = new() { Parts = [CallTrace, ParseStackTrace], Extractor = LinuxStackParams.HangTaskFrameExtractor },
            },
            new()
            {
                Title = C(@"INFO: task .* blocked in I/O wait for more than [0-9]+ seconds"),
                Fmt = "INFO: task hung in %[1]v",
                Alt = ["hang in %[1]v"],
                Stack = new() { Parts = [CallTrace, ParseStackTrace], Extractor = LinuxStackParams.HangTaskFrameExtractor },
            },
            new()
            {
                // Captured for corrupted old-style KASAN reports.
                Title = C(@"INFO: (Freed|Allocated) in (.*)"),
                Fmt = "INFO: %[1]v in %[2]v",
                Corrupted = true,
            },
            new()
            {
                Title = C(@"INFO: task .* can't die for more than .* seconds"),
                Fmt = "INFO: task can't die in %[1]v",
                Alt = ["hang in %[1]v"],
                Stack = Trace("schedule"),
            },
        ],
        [
            C(@"INFO: lockdep is turned off"),
            C(@"INFO: Stall ended before state dump start"),
            C(@"INFO: NMI handler .* took too long to run"),
            C(@"_INFO:"),
            C(@"INFO: sys_.* is not present in /proc/kallsyms"),
            C(@"INFO: no syscalls can create resource"),
            C(@"INFO: rcu_(?:preempt|sched|bh) detected expedited stalls on CPUs/tasks"),
        ]),

        new("Unable to handle kernel",
        [
            new()
            {
                Title = C(@"Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)"),
                Fmt = "BUG: unable to handle kernel %[1]v in %[2]v",
                Alt = ["bad-access in %[2]v"],
                Stack = RipTrace(),
            },
        ]),

        new("general protection fault",
        [
            new()
            {
                Title = C(@"general protection fault.*:"),
                Fmt = "general protection fault in %[1]v",
                Alt = ["bad-access in %[1]v"],
                Stack = RipTrace(),
            },
        ],
        [C(@"general protection fault .* error:\d+ in ")]),

        new("stack segment: ",
        [
            new()
            {
                Title = C(@"stack segment: 0000"),
                Fmt = "stack segment fault in %[1]v",
                Stack = RipTrace(),
            },
        ]),

        new("Kernel panic",
        [
            new()
            {
                Title = C(@"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in:"),
                Report = C(@"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: (?:{{PC}} +)?{{FUNC}}"),
                Fmt = "kernel panic: stack is corrupted in %[1]v",
            },
            new()
            {
                Title = C(@"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in:"),
                Fmt = "kernel panic: stack is corrupted in %[1]v",
                Stack = Trace("stack_chk"),
            },
            new()
            {
                Title = C(@"Kernel panic - not syncing: corrupted stack end"),
                Report = C(@"Kernel panic - not syncing: corrupted stack end detected inside scheduler"),
                Fmt = "kernel panic: corrupted stack end in %[1]v",
                Alt = ["stack-overflow in %[1]v"],
                Stack = new() { Parts = [CallTrace, ParseStackTrace], Skip = ["schedule", "retint_kernel"], Extractor = LinuxStackParams.StallFrameExtractor },
            },
            new()
            {
                Title = C(@"Kernel panic - not syncing: kernel stack overflow"),
                Fmt = "kernel stack overflow in %[1]v",
                Alt = ["stack-overflow in %[1]v"],
                Stack = new() { Parts = [CallTrace, ParseStackTrace], Skip = ["bad_stack"], Extractor = LinuxStackParams.StallFrameExtractor },
            },
            new() { Title = C(@"Kernel panic - not syncing: Attempted to kill init!"), Fmt = "kernel panic: Attempted to kill init!" },
            new() { Title = C(@"Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+"), Fmt = "kernel panic: Couldn't open N_TTY ldisc" },
            // Printed after BUG/WARNING/hung task: if it is the title, the real header was lost.
            new() { Title = C(@"Kernel panic - not syncing: Fatal exception"), Fmt = "kernel panic: Fatal exception", Corrupted = true },
            new() { Title = C(@"Kernel panic - not syncing: panic_on_warn set"), Fmt = "kernel panic: panic_on_warn set", Corrupted = true },
            new() { Title = C(@"Kernel panic - not syncing: hung_task: blocked tasks"), Fmt = "kernel panic: hung_task: blocked tasks", Corrupted = true },
            new() { Title = C(@"Kernel panic - not syncing: (.*)"), Fmt = "kernel panic: %[1]v" },
        ]),

        new("PANIC: double fault",
        [
            new()
            {
                Title = C(@"PANIC: double fault, error_code: 0x[0-9a-f]+"),
                Fmt = "PANIC: double fault in %[1]v",
                Stack = new() { Parts = [RipFrame] },
            },
        ]),

        new("kernel BUG",
        [
            new()
            {
                Title = C(@"kernel BUG at mm/usercopy.c"),
                Fmt = "BUG: bad usercopy in %[1]v",
                Stack = Trace("usercopy", "__check"),
            },
            new()
            {
                Title = C(@"kernel BUG at lib/list_debug.c"),
                Fmt = "BUG: corrupted list in %[1]v",
                Alt = ["bad-access in %[1]v"],
                Stack = Trace(),
            },
            new()
            {
                Title = C(@"kernel BUG at (.*)"),
                Fmt = "kernel BUG in %[2]v",
                // skb wrappers BUG_ON on behalf of their caller.
                Stack = new() { Parts = [RipFrame, CallTrace, ParseStackTrace], Skip = ["^skb_"] },
            },
            new()
            {
                Title = C(@"kernel BUG (.*)"),
                Fmt = "kernel BUG %[1]v",
            },
        ],
        [C(@"kernel BUG at rust/helpers/bug\.c")]),

        new("Kernel BUG",
        [
            new() { Title = C(@"Kernel BUG (.*)"), Fmt = "kernel BUG %[1]v" },
        ]),

        new("BUG kmalloc-",
        [
            new() { Title = C(@"BUG kmalloc-.*: Object already free"), Fmt = "BUG: Object already free" },
        ]),

        new("divide error:",
        [
            new()
            {
                Title = C(@"divide error: "),
                Fmt = "divide error in %[1]v",
                Stack = new() { Parts = [RipFrame] },
            },
        ]),

        new("invalid opcode:",
        [
            new()
            {
                Title = C(@"invalid opcode: "),
                Fmt = "invalid opcode in %[1]v",
                Stack = new() { Parts = [RipFrame] },
            },
        ]),

        new("UBSAN:",
        [
            new()
            {
                Title = C(@"UBSAN: array-index-out-of-bounds in"),
                Fmt = "UBSAN: array-index-out-of-bounds in %[1]v",
                Stack = Trace("ubsan", "overflow"),
            },
            new()
            {
                Title = C(@"UBSAN: Undefined behaviour in"),
                Fmt = "UBSAN: undefined-behaviour in %[1]v",
                Stack = Trace("ubsan", "overflow"),
            },
            new()
            {
                Title = C(@"UBSAN: (.*?) in"),
                Fmt = "UBSAN: %[1]v in %[2]v",
                Stack = Trace("ubsan", "overflow"),
            },
            new()
            {
                Title = C(@"UBSAN: (.*)"),
                Fmt = "UBSAN: %[1]v",
                NoStackTrace = true,
            },
        ]),

        // Rust code panics (overflow, unwrap on None, index out of range…) with the message on the next line, then
        // the kernel BUG()s: the panic, not the BUG in the rust helper, is the report. Frames are v0-mangled.
        new("rust_kernel: panicked at",
        [
            new()
            {
                Title = C(@"rust_kernel: panicked at"),
                Report = C(@"rust_kernel: panicked at [^\n]*\n(.+)"),
                Fmt = "%[1]v in %[2]v",
                Stack = Trace("rust_begin_unwind"),
            },
        ]),

        new("Booting the kernel.",
        [
            new() { Title = C(@"^Booting the kernel"), Fmt = "unexpected kernel reboot", NoStackTrace = true },
        ],
        // A boot banner echoed back as a bad mount option is not a reboot.
        [C(@"Parsing ELF|Decompressing Linux")]),

        new("unregister_netdevice: waiting for",
        [
            new() { Title = C(@"unregister_netdevice: waiting for (?:.*) to become free"), Fmt = "unregister_netdevice: waiting for DEV to become free", NoStackTrace = true },
        ]),

        new("VFS: Close: file count is 0",
        [
            new() { Title = C(@"VFS: Close: file count is 0"), Fmt = "VFS: Close: file count is zero (use-after-free)", NoStackTrace = true },
        ]),

        new("VFS: Busy inodes after unmount",
        [
            new() { Title = C(@"VFS: Busy inodes after unmount"), Fmt = "VFS: Busy inodes after unmount (use-after-free)", NoStackTrace = true },
        ]),

        new("Internal error:",
        [
            new()
            {
                Title = C(@"Internal error:"),
                Fmt = "Internal error in %[1]v",
                Stack = RipTrace(),
            },
        ]),

        new("Unhandled fault:",
        [
            new()
            {
                Title = C(@"Unhandled fault:"),
                Fmt = "Unhandled fault in %[1]v",
                Stack = RipTrace(),
            },
        ]),

        new("Alignment trap:",
        [
            new()
            {
                Title = C(@"Alignment trap:"),
                Fmt = "Alignment trap in %[1]v",
                Stack = RipTrace(),
            },
        ]),

        new("Bad mode in ",
        [
            new() { Title = C(@"Bad mode in .* handler detected"), Fmt = "kernel panic: bad mode", NoStackTrace = true },
        ]),

        new("trusty: panic",
        [
            new()
            {
                Title = C(@"trusty: panic \(.*?\): (?:DEBUG )?ASSERT FAILED(?: at \(.*?\))?:?(.*)"),
                Fmt = "trusty: ASSERT FAILED:%[1]v",
                NoStackTrace = true,
            },
            new()
            {
                Title = C(@"trusty: panic \(.*?\):(.*)"),
                Fmt = "trusty: panic:%[1]v",
                NoStackTrace = true,
            },
        ]),

        new("SYZFAIL:",
        [
            new() { Title = C(@"SYZFAIL:(.*)"), Fmt = "SYZFAIL:%[1]v", NoStackTrace = true },
        ]),

        new("SYZFATAL:",
        [
            new() { Title = C(@"SYZFATAL:(.*)"), Fmt = "SYZFATAL:%[1]v", NoStackTrace = true },
        ]),

        new("panic:",
        [
            new() { Title = C(@"panic: Sentry detected .* stuck task"), Fmt = "panic: Sentry detected stuck tasks", NoStackTrace = true },
            new() { Title = C(@"panic: (.*)"), Fmt = "panic: %[1]v", NoStackTrace = true },
        ],
        [C(@"_panic:"), C(@"xlog_status:"), C(@"ddb\.onpanic:"), C(@"evtlog_status:"), C(@"trusty: panic")]),

        new("fatal error:",
        [
            new() { Title = C(@"fatal error:"), Fmt = "go runtime error", NoStackTrace = true },
        ],
        [C(@"ALSA"), C(@"fatal error: cannot create timer")]),
    ];

    /// <summary>Header lines that do not end the report they appear in (they follow its real header).</summary>
    public static readonly Regex[] ReportStartIgnores =
    [
        C(@"invalid opcode: 0000"),
        C(@"Kernel panic - not syncing"),
        C(@"unregister_netdevice: waiting for"),
        C(@"PANIC: double fault"),
        C(@"Internal error:"),
    ];
}
