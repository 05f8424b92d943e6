using System.Globalization;
using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>
/// What an experienced triager reads in the numbers: slab poison, list poison, NULL/ERR_PTR/negative offsets,
/// non-canonical addresses, page-fault error bits, explicit BUG_ON, recursive faults and inherited taint.
/// </summary>
public static partial class Hints
{
    static readonly Regex OopsCode = OopsCodeRegex();
    [GeneratedRegex(@"Oops: (?<code>[0-9a-f]{4}) \[#(?<n>\d+)\]", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex OopsCodeRegex();
    static readonly Regex NewOopsCode = NewOopsCodeRegex();
    [GeneratedRegex(@"#PF: error_code\((?<code>0x[0-9a-f]+)\)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex NewOopsCodeRegex();
    static readonly Regex BugAt = BugAtRegex();
    [GeneratedRegex(@"kernel BUG at (?<loc>[^\s!]+)!?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex BugAtRegex();
    static readonly Regex RegisterValue = RegisterValueRegex();
    [GeneratedRegex(@"\b(?<v>[0-9a-f]{8}|[0-9a-f]{16})\b", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex RegisterValueRegex();

    public static List<Hint> For(CrashReport r, IReadOnlyList<string> body)
    {
        var hints = new List<Hint>();
        ulong addr = ulong.MaxValue;
        if (r.FaultAddress is { } fa && TryHex(fa, out var fav, out int width))
        {
            addr = fav;
            AddressHints(hints, fav, width, "fault address " + fa);
        }

        // Poison in registers is a strong use-after-free signal even when the fault address is elsewhere.
        foreach (var (name, value) in r.Registers)
        {
            var v = value.Contains(':') ? value[(value.IndexOf(':') + 1)..] : value;
            if (!TryHex(v, out var rv, out int w) || rv == addr) continue;
            var poison = SlabPoison(rv, w);
            if (poison is not null && !hints.Any(h => h.Kind == "slab-poison" && h.Message.Contains(name + " ")))
                hints.Add(new Hint("slab-poison", $"register {name} = {v}: {poison}"));
        }

        foreach (var line in body.Take(60))
        {
            // Both patterns need their literal: most lines skip the regexes.
            var oc = line.Contains("Oops: ", StringComparison.Ordinal) ? OopsCode.Match(line) : Match.Empty;
            if (oc.Success && (r.Title.Contains("paging request") || r.Title.Contains("NULL pointer") || r.Title.Contains("unable to handle")))
            {
                hints.Add(new Hint("page-fault-error-code", PageFaultBits(int.Parse(oc.Groups["code"].Value, NumberStyles.HexNumber), "Oops: " + oc.Groups["code"].Value)));
                break;
            }
            var nc = line.Contains("#PF: error_code(", StringComparison.Ordinal) ? NewOopsCode.Match(line) : Match.Empty;
            // A code too long for 32 bits is no page-fault error code (a mangled log): no hint rather than an exception.
            if (nc.Success && int.TryParse(nc.Groups["code"].ValueSpan[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                hints.Add(new Hint("page-fault-error-code", PageFaultBits(code, "error_code " + nc.Groups["code"].Value)));
                break;
            }
        }
        if (body.Count > 0 && BugAt.Match(string.Join('\n', body.Take(3))) is { Success: true } bug)
            hints.Add(new Hint("bug-on", $"kernel BUG at {bug.Groups["loc"].Value}: an explicit BUG_ON()/BUG() assertion failed there; read that line for the violated invariant"));
        if (r.Title.StartsWith("WARNING", StringComparison.Ordinal) && !r.Title.Contains("lock"))
            hints.Add(new Hint("warn-on", "a WARN_ON() condition fired: the kernel kept running; with panic_on_warn (syzbot) it is fatal"));
        if (body.Any(l => l.Contains("Fixing recursive fault", StringComparison.Ordinal)))
            hints.Add(new Hint("recursive-fault", "\"Fixing recursive fault but reboot is needed!\": the kernel oopsed while handling an oops; the machine must be rebooted and later reports are consequences of the first"));
        if (r.Taint is { } t)
        {
            if (t.Flags.Contains('D'))
                hints.Add(new Hint("taint", "tainted D: an earlier oops/BUG happened on this boot; this report may be a consequence, look for the first one"));
            if (t.Flags.Contains('W'))
                hints.Add(new Hint("taint", "tainted W: an earlier WARNING fired on this boot; it may be the real first symptom"));
            if (t.Flags.Contains('P') || t.Flags.Contains('O') || t.Flags.Contains('E'))
                hints.Add(new Hint("taint", "tainted by a proprietary/out-of-tree/unsigned module: upstream may not be able to debug it"));
            if (t.Flags.Contains('B'))
                hints.Add(new Hint("taint", "tainted B: a bad page was seen earlier, memory corruption may predate this report"));
            if (t.Flags.Contains('L'))
                hints.Add(new Hint("taint", "tainted L: a soft lockup happened earlier on this boot"));
        }
        if (r.Code?.TrappingByte is "0f0b" or "0f" && r.Code.Bytes.Contains("<0f> 0b", StringComparison.Ordinal))
            hints.Add(new Hint("ud2", "the trapping instruction is ud2 (0f 0b): a BUG()/WARN() site, not a wild jump"));
        return hints;
    }

    static void AddressHints(List<Hint> hints, ulong a, int width, string what)
    {
        var poison = SlabPoison(a, width);
        if (poison is not null) hints.Add(new Hint("slab-poison", $"{what}: {poison}"));
        ulong lp1 = width > 8 ? 0xdead000000000100UL : 0x00100100UL, lp2 = width > 8 ? 0xdead000000000122UL : 0x00200200UL;
        if (a >= lp1 && a < lp1 + 0x40)
            hints.Add(new Hint("list-poison", $"{what} is LIST_POISON1{Off(a - lp1)}: a list entry was used after list_del() (its ->next)"));
        else if (a >= lp2 && a < lp2 + 0x40)
            hints.Add(new Hint("list-poison", $"{what} is LIST_POISON2{Off(a - lp2)}: a list entry was used after list_del() (its ->prev)"));
        if (a < 0x1000)
            hints.Add(new Hint("null-offset", a == 0 ? $"{what}: NULL pointer dereference" : $"{what}: NULL + 0x{a:x}, a field at offset 0x{a:x} of a NULL struct pointer"));
        ulong neg = width > 8 ? unchecked((ulong)-(long)a) : (0x1_0000_0000UL - a) & 0xffffffffUL;
        if (neg is > 0 and <= 4095)
        {
            hints.Add(new Hint("negative-offset", $"{what} = -0x{neg:x} (-{neg}): " + (neg <= 133
                ? $"an ERR_PTR(-{neg}) dereferenced (missing IS_ERR check), or a field at a negative offset from a NULL pointer (container_of(), kthread_data() on a task that is not a kthread)"
                : $"a negative offset from a NULL pointer, e.g. container_of() or kthread_data() on a task that is not a kthread")));
        }
        if (width > 8 && !IsCanonical(a))
        {
            if ((a & 0xffff_f000_0000_0000UL) == 0xdfff_f000_0000_0000UL || (a >> 44) == 0xdffff)
            {
                ulong orig = (a - 0xdffffc0000000000UL) << 3;
                hints.Add(new Hint("kasan-shadow", $"{what} is non-canonical, in the KASAN shadow of 0x{orig:x}" + (orig < 0x10000 ? $": a NULL-pointer dereference at offset 0x{orig:x}" : "")));
            }
            else hints.Add(new Hint("non-canonical", $"{what} is non-canonical: a corrupted or poisoned pointer (x86-64 raises #GP, not a page fault)"));
        }
    }

    static string Off(ulong d) => d == 0 ? "" : $" + 0x{d:x}";

    /// <summary>Describes slab poison bytes (SLUB/SLAB debug) and poison + small offset.</summary>
    static string? SlabPoison(ulong a, int width)
    {
        var bytes = width > 8 ? 8 : 4;
        foreach (var (b, meaning) in new (byte, string)[]
        {
            (0x6b, "POISON_FREE (0x6b): memory of a freed object, a use-after-free"),
            (0x5a, "POISON_INUSE (0x5a): allocated but never initialised, or read past the object's end"),
            (0xa5, "POISON_END (0xa5): the end marker of a poisoned object, read past its end"),
            (0xcc, "SLUB red zone (0xcc): out-of-bounds access next to an object"),
            (0xbb, "SLUB red zone inactive (0xbb): access to a free object's red zone"),
        })
        {
            ulong pattern = 0;
            for (int i = 0; i < bytes; i++) pattern = (pattern << 8) | b;
            if (a == pattern) return $"is pure {meaning}";
            if (a > pattern && a - pattern < 0x100 && (a & 0xff) != b)
                return $"is poison 0x{pattern:x} + 0x{a - pattern:x}: a field at offset 0x{a - pattern:x} of a pointer read from {meaning}";
            // A poisoned pointer plus a large-ish offset still starts with poison bytes.
            if (bytes == 8 && a >> 32 == pattern >> 32 && (a & 0xffff0000UL) == (pattern & 0xffff0000UL) && a != pattern)
                return $"is poison-derived ({meaning})";
        }
        return null;
    }

    static bool IsCanonical(ulong a) => a >> 47 == 0 || a >> 47 == 0x1ffff;

    static string PageFaultBits(int code, string label)
    {
        var parts = new List<string>
        {
            (code & 1) != 0 ? "protection violation on a present page" : "page not present",
            (code & 2) != 0 ? "write" : "read",
            (code & 4) != 0 ? "user mode" : "kernel mode",
        };
        if ((code & 8) != 0) parts.Add("reserved bit set in a page table (corrupted page tables)");
        if ((code & 16) != 0) parts.Add("instruction fetch (jumped to a bad address)");
        if ((code & 32) != 0) parts.Add("protection-key violation");
        return $"{label}: {string.Join(", ", parts)}";
    }

    static bool TryHex(string s, out ulong v, out int width)
    {
        s = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        width = s.Length;
        return ulong.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
    }
}
