using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>Frame-name normalisation shared with crash clustering.</summary>
public static partial class FrameNames
{
    // GCC clones: foo.isra.3, foo.part.12, foo.constprop.0, foo.cold, foo.llvm.123456, stacked in any order.
    static readonly Regex Suffix = SuffixRegex();
    [GeneratedRegex(@"(?:\.(?:isra|part|constprop|cold|lto_priv|llvm|clone|localalias|specialized)(?:\.\d+)?)+$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex SuffixRegex();

    /// <summary>"virtio_device_ready.part.12" → "virtio_device_ready"; also drops a leading '.' (ppc64 ABI).</summary>
    public static string StripSuffixes(string function)
    {
        if (function.StartsWith('.') && function.Length > 1) function = function[1..];
        return Suffix.Replace(function, "");
    }

    /// <summary>Syscall wrapper prefixes stripped as syzkaller does in titles: "__x64_sys_read" → "read".</summary>
    public static string StripSyscallPrefixes(string function) => LinuxStackParams.StripPrefixes(function);

    /// <summary>
    /// True for frames that never identify a bug: reporting machinery (dump_stack, warn_slowpath, kasan…),
    /// allocators, locking, mem*/str* helpers, list helpers (syzkaller's skip list).
    /// </summary>
    public static bool IsGeneric(string function)
    {
        // Memoized on the raw name: every report asks this for many of the same function names.
        if (GenericMemo.TryGetValue(function, out var known)) return known;
        known = LinuxStackParams.IsCommonSkip(StripSyscallPrefixes(StripSuffixes(function)));
        if (GenericMemo.Count > 100_000) GenericMemo.Clear(); // archives hold many names: stay bounded
        GenericMemo[function] = known;
        return known;
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> GenericMemo = new(StringComparer.Ordinal);
}
