using System.Buffers;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// The source file to blame in a symbolized report, chosen like syzkaller: the first file:line that is not a
/// header, library, sanitizer, locking/RCU/scheduler or arch fault/trap path; then deeper files in the same
/// directory win.
/// </summary>
public static partial class GuiltyFile
{
    // syzkaller's file regexp is ([a-zA-Z0-9_\-./]*[a-zA-Z0-9_\-]+\.(?:c|h)):[0-9]+ ; as a regex it retries from every
    // character of long hex/identifier runs (quadratic per line), so FindFile matches it from its ".c:"/".h:" anchor.
    static readonly SearchValues<string> FileEnds = SearchValues.Create([".c:", ".h:"], StringComparison.Ordinal);
    static readonly SearchValues<char> PathChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./");

    /// <summary>The leftmost "path.c:NN" / "path.h:NN" file of a line, exactly as the regex above would find it.</summary>
    internal static string? FindFile(string line)
    {
        int from = 0;
        while (from < line.Length)
        {
            int at = line.AsSpan(from).IndexOfAny(FileEnds);
            if (at < 0) return null;
            int dot = from + at;
            from = dot + 1;
            // ":" then a digit, and a name character right before the dot.
            if (dot + 3 >= line.Length || !char.IsAsciiDigit(line[dot + 3]) || dot == 0) continue;
            char before = line[dot - 1];
            if (before is '.' or '/' || !PathChars.Contains(before)) continue;
            // The match starts where the run of path characters before it starts (the regex is leftmost-first and
            // no run can hold an earlier ".c:" since ':' ends a run).
            int start = line.AsSpan(0, dot).LastIndexOfAnyExcept(PathChars) + 1;
            return line[start..(dot + 2)];
        }
        return null;
    }
    static readonly Regex LineIgnore = LineIgnoreRegex();
    [GeneratedRegex(@"(hardirqs|softirqs)\s+last\s+(enabled|disabled)|^Register r\d+ information|^\s*#\d+: ", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex LineIgnoreRegex();
    static readonly Regex DeeperPath = DeeperPathRegex();
    [GeneratedRegex(@"^/[a-zA-Z0-9_\-]+/[a-zA-Z0-9_.\-]+$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex DeeperPathRegex();

    // syzkaller writes the header rule ".*\.h$"; unanchored, that is quadratic on a long name, "\.h$" is the same test.
    static readonly Regex Ignores = new(string.Join("|", new[]
    {
        @"\.h$", @"^lib/.*", @"^virt/lib/.*", @"^mm/kasan/.*", @"^mm/kmsan/.*", @"^mm/kfence/.*", @"^kernel/kcov\.c",
        @"^mm/sl.b\.c", @"^mm/filemap\.c", @"^mm/folio-compat\.c", @"^mm/truncate\.c", @"^mm/memory\.c",
        @"^mm/percpu.*", @"^mm/vmalloc\.c", @"^mm/page_alloc\.c", @"^mm/mempool\.c", @"^mm/util\.c",
        @"^kernel/rcu/.*", @"^arch/.*/kernel/traps\.c", @"^arch/.*/kernel/unwind.*\.c", @"^arch/.*/mm/fault\.c",
        @"^arch/.*/mm/physaddr\.c", @"^arch/.*/kernel/stacktrace\.c", @"^arch/.*/kernel/apic/apic\.c",
        @"^arch/arm64/kernel/entry.*\.c", @"^arch/arm64/kernel/syscall\.c", @"^arch/x86/entry/common\.c",
        @"^kernel/locking/.*", @"^kernel/panic\.c", @"^kernel/printk/printk.*\.c", @"^kernel/softirq\.c",
        @"^kernel/kthread\.c", @"^kernel/sched/.*\.c", @"^kernel/stacktrace\.c", @"^kernel/time/timer\.c",
        @"^kernel/workqueue\.c", @"^net/core/dev\.c", @"^net/core/sock\.c", @"^net/core/skbuff\.c",
        @"^fs/proc/generic\.c", @"^trusty/", @"^drivers/usb/core/urb\.c", @"^include/.*", @"^kernel/irq/.*",
        @"^arch/x86/kernel/dumpstack.*\.c", @"^kernel/entry/common\.c", @"^arch/.*/kernel/process\.c",
        @"^mm/slab_common\.c", @"^mm/failslab\.c",
    }.Select(p => "(?:" + p + ")")), RegexOptions.Compiled, SafeRegex.Timeout);

    /// <summary>Files syzkaller never blames (headers, lib/, allocators, locking, scheduler, entry code…).</summary>
    internal static bool IsGeneric(string path) => Ignores.IsMatch(path);

    static readonly string[] StallEntries = ["apic_timer_interrupt+", "update_process_times+", "trace_hardirqs_off_thunk+", "el1h_64_irq+"];

    public static string? Extract(string title, IReadOnlyList<string> reportLines)
    {
        if (title.StartsWith("INFO: rcu detected stall", StringComparison.Ordinal))
        {
            foreach (var entry in StallEntries)
            {
                int at = -1;
                for (int i = 0; i < reportLines.Count && at < 0; i++)
                    if (reportLines[i].Contains(entry, StringComparison.Ordinal)) at = i;
                if (at >= 0 && Impl(reportLines, at) is { } f) return f;
            }
        }
        return Impl(reportLines, 0);
    }

    static string? Impl(IReadOnlyList<string> lines, int from)
    {
        string? guilty = null;
        int i = from;
        for (; i < lines.Count; i++)
        {
            if (FindFile(lines[i]) is not { } file) continue;
            guilty ??= Clean(file);
            if (Ignores.IsMatch(file) || LineIgnore.IsMatch(lines[i])) continue;
            guilty = Clean(file);
            i++;
            break;
        }
        if (guilty is null) return null;
        var deepest = Dir(guilty);
        for (; i < lines.Count; i++)
        {
            if (FindFile(lines[i]) is not { } file) continue;
            if (Ignores.IsMatch(file) || LineIgnore.IsMatch(lines[i])) continue;
            var clean = Clean(file);
            if (deepest.Length > 0 && clean.StartsWith(deepest, StringComparison.Ordinal) && DeeperPath.IsMatch(clean[deepest.Length..]))
            {
                guilty = clean;
                deepest = Dir(guilty);
            }
        }
        return guilty;
    }

    static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Split('/'))
        {
            if (p is "" or ".") continue;
            if (p == ".." && parts.Count > 0) parts.RemoveAt(parts.Count - 1);
            else parts.Add(p);
        }
        return string.Join('/', parts);
    }

    static string Dir(string path) => path.LastIndexOf('/') is var i and > 0 ? path[..i] : "";
}
