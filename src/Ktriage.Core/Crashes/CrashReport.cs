namespace Ktriage.Core.Crashes;

/// <summary>One kernel crash report found in a text, explained. Serialises to the Report JSON of DESIGN.md.</summary>
public sealed class CrashReport
{
    /// <summary>syzkaller-compatible title, e.g. "KASAN: use-after-free Read in foo".</summary>
    public string Title { get; set; } = "";
    public List<string> AltTitles { get; set; } = [];
    /// <summary>syzkaller crash type name (WARNING, HANG, KASAN-USE-AFTER-FREE-READ, …); "" when unknown.</summary>
    public string Type { get; set; } = "";
    public bool Corrupted { get; set; }
    public string? CorruptedReason { get; set; }
    public bool Panicked { get; set; }
    public StackFrame? CrashSite { get; set; }
    public List<StackFrame> Frames { get; set; } = [];
    public string? GuiltyFrame { get; set; }
    public string? GuiltyFile { get; set; }
    public string? KernelVersion { get; set; }
    public TaintInfo? Taint { get; set; }
    public string? Hardware { get; set; }
    public int? Cpu { get; set; }
    public int? Pid { get; set; }
    public string? Comm { get; set; }
    public List<string> Modules { get; set; } = [];
    public CodeBytes? Code { get; set; }
    public Dictionary<string, string> Registers { get; set; } = [];
    public string? FaultAddress { get; set; }
    public List<Hint> Hints { get; set; } = [];
    /// <summary>1-based line numbers in the analysed text (first copy when folded).</summary>
    public int StartLine { get; set; }
    public int EndLine { get; set; }
    /// <summary>How many copies (quotes, repeats) of this same report the text holds.</summary>
    public int Occurrences { get; set; } = 1;
}

/// <summary>A stack frame or crash site: "[&lt;addr&gt;] ? func+0x1/0x2 [module]" and its newer forms.</summary>
public sealed class StackFrame
{
    public string Function { get; set; } = "";
    public string? Offset { get; set; }
    public string? Size { get; set; }
    public string? Module { get; set; }
    public string? Address { get; set; }
    /// <summary>False for "? func" and "(unreliable)" frames: stale stack contents, not the call chain.</summary>
    public bool Reliable { get; set; } = true;
    /// <summary>Which trace this frame belongs to: task, irq, softirq, nmi, exception, allocated, freed, lockdep, …</summary>
    public string Section { get; set; } = "task";
    /// <summary>"file.c:line" when the log is symbolized.</summary>
    public string? Source { get; set; }
}

public sealed record TaintInfo(string Flags, List<string> Meanings);

public sealed record CodeBytes(string Bytes, string? TrappingByte);

public sealed record Hint(string Kind, string Message);
