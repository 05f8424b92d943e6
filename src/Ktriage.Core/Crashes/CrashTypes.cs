namespace Ktriage.Core.Crashes;

/// <summary>syzkaller's crash TYPE for a title (first matching prefix wins; order matters).</summary>
public static class CrashTypes
{
    static readonly (string[] Prefixes, string Type)[] Table =
    [
        (["SYZFAIL", "SYZFATAL"], "SYZ_FAILURE"),
        (["WARNING: refcount bug"], "REFCOUNT_WARNING"),
        (["KASAN: use-after-free Read", "KASAN: slab-use-after-free Read"], "KASAN-USE-AFTER-FREE-READ"),
        (["KASAN: use-after-free Write", "KASAN: slab-use-after-free Write"], "KASAN-USE-AFTER-FREE-WRITE"),
        (["KASAN: invalid-free", "KASAN: double-free"], "KASAN-INVALID-FREE"),
        (["KASAN: null-ptr-deref Read"], "KASAN-NULL-DEREF-READ"),
        (["KASAN: null-ptr-deref Write"], "KASAN-NULL-DEREF-WRITE"),
        (["KASAN: slab-out-of-bounds Write", "KASAN: global-out-of-bounds Write", "KASAN: stack-out-of-bounds Write",
          "KASAN: invalid-access Write", "KASAN: wild-memory-access Write", "KASAN: user-memory-access Write",
          "KASAN: vmalloc-out-of-bounds Write", "KASAN: use-after-scope Write", "KASAN: out-of-bounds Write"], "KASAN-WRITE"),
        (["KASAN: "], "KASAN-READ"),
        (["KMSAN: uninit-value"], "KMSAN-UNINIT-VALUE"),
        (["KMSAN: kernel-infoleak", "KMSAN: kernel-usb-infoleak"], "KMSAN-INFO-LEAK"),
        (["KMSAN: "], "KMSAN-UNINIT-VALUE"),
        (["KCSAN: data-race"], "KCSAN-DATARACE"),
        (["KFENCE: use-after-free read"], "KFENCE-USE-AFTER-FREE-READ"),
        (["KFENCE: use-after-free write"], "KFENCE-USE-AFTER-FREE-WRITE"),
        (["KFENCE: invalid free"], "KFENCE-INVALID-FREE"),
        (["KFENCE: invalid read", "KFENCE: out-of-bounds read"], "KFENCE-READ"),
        (["KFENCE: invalid write", "KFENCE: out-of-bounds write"], "KFENCE-WRITE"),
        (["KFENCE: memory corruption"], "KFENCE-MEMORY-CORRUPTION"),
        (["UBSAN: array-index-out-of-bounds"], "MEMORY_SAFETY_UBSAN"),
        (["UBSAN: "], "UBSAN"),
        (["BUG: unable to handle kernel NULL pointer dereference"], "NULL-POINTER-DEREFERENCE"),
        (["BUG: unable to handle kernel paging request", "BUG: corrupted list", "BUG: unable to handle kernel access to user memory"], "MEMORY_SAFETY_BUG"),
        (["memory leak in"], "LEAK"),
        (["BUG: scheduling while atomic", "BUG: sleeping function called from invalid context"], "ATOMIC_SLEEP"),
        (["possible deadlock", "inconsistent lock state", "WARNING: locking bug", "WARNING: nested lock was not taken",
          "WARNING: suspicious RCU usage", "BUG: bad unlock balance", "BUG: held lock freed", "BUG: spinlock",
          "BUG: rwlock", "BUG: using __this_cpu", "BUG: using smp_processor_id", "BUG: still has locks held",
          "BUG: lock held when returning to user space"], "LOCKDEP"),
        (["INFO: task hung", "INFO: task can't die", "INFO: rcu detected stall", "BUG: soft lockup", "BUG: workqueue lockup"], "HANG"),
        (["WARNING: ", "WARNING in "], "WARNING"),
        (["kernel BUG", "BUG: bad usercopy", "BUG: Bad page state", "BUG: Bad rss-counter"], "BUG"),
        (["unexpected kernel reboot"], "REBOOT"),
        (["general protection fault", "Internal error", "Unhandled fault", "PANIC: double fault", "divide error",
          "kernel panic", "kernel stack overflow", "stack segment fault", "go runtime error", "trusty:",
          "unregister_netdevice", "invalid opcode", "Alignment trap", "panic:"], "DoS"),
    ];

    public static string ForTitle(string title)
    {
        foreach (var (prefixes, type) in Table)
            foreach (var p in prefixes)
                if (title.StartsWith(p, StringComparison.Ordinal)) return type;
        return "";
    }
}
