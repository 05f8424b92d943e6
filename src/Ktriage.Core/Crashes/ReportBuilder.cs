using System.Text.RegularExpressions;

namespace Ktriage.Core.Crashes;

/// <summary>Reads the structure of one report (site, frames, registers, taint, modules, code…) from its lines.</summary>
internal static partial class ReportBuilder
{
    static readonly Regex CpuLine = CpuLineRegex();
    [GeneratedRegex(@"CPU: (?<cpu>\d+)(?: UID: \d+)? PID: (?<pid>-?\d+) Comm: (?<comm>.+?)(?: (?:Not tainted|Tainted: (?<taint>[A-Z](?:[A-Z ]*[A-Z])?))(?: +(?<ver>\S+)(?: #| \d|$))?|$)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex CpuLineRegex();
    static readonly Regex OldPid = OldPidRegex();
    [GeneratedRegex(@"^\s*Pid: (?<pid>\d+), comm: (?<comm>\S+)\s+(?:Not tainted|Tainted: (?<taint>[A-Z](?:[A-Z ]*[A-Z])?))\s+(?<ver>\S+)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex OldPidRegex();
    static readonly Regex OldProcess = OldProcessRegex();
    [GeneratedRegex(@"^\s*Process (?<comm>\S+) \(pid: (?<pid>\d+),", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex OldProcessRegex();
    static readonly Regex OldCpu = OldCpuRegex();
    [GeneratedRegex(@"^\s*CPU: (?<cpu>\d+)\s*$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex OldCpuRegex();
    static readonly Regex EflagsVersion = EflagsVersionRegex();
    [GeneratedRegex(@"EFLAGS: [0-9a-f]+\s+\((?<ver>[^ )]+) #", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex EflagsVersionRegex();
    static readonly Regex TaintOnly = TaintOnlyRegex();
    [GeneratedRegex(@"(?:^|\s)(?:Not tainted|Tainted: (?<taint>[A-Z](?:[A-Z ]*[A-Z])?))(?:\s+(?<ver>\d\S*))?", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex TaintOnlyRegex();
    static readonly Regex Hardware = HardwareRegex();
    [GeneratedRegex(@"Hardware name: (?<hw>.+)$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex HardwareRegex();
    static readonly Regex Modules = ModulesRegex();
    [GeneratedRegex(@"Modules linked in:(?<m>.*)$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex ModulesRegex();
    static readonly Regex ModuleFlags = ModuleFlagsRegex();
    [GeneratedRegex(@"\([A-Z+\-]+\)|\[last unloaded: [^\]]*\]|\[[A-Z]+\]", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex ModuleFlagsRegex();
    static readonly Regex Code = CodeRegex();
    [GeneratedRegex(@"^\s*Code:\s*(?<b>.*)$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex CodeRegex();
    static readonly Regex Trapping = TrappingRegex();
    [GeneratedRegex(@"<(?<t>[0-9a-f]+)>|\((?<t>[0-9a-f]+)\)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex TrappingRegex();
    static readonly Regex RegLineStart = RegLineStartRegex();
    [GeneratedRegex(@"^\s*(?:R[A-Z0-9]{1,3}|E[A-Z]{2}|CR\d|DR\d|FS|GS|CS|[re]?[a-d]x|e?[sd]i|e?[bs]p|[cdefgs]s|x\d{1,2}|r\d{1,2}|GPR\d\d|pc|lr|sp|fp|pstate|epc|ra|MSR|NIP|LR|CTR|XER|REGS|Krnl GPRS)\s*:", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex RegLineStartRegex();
    static readonly Regex RegPair = RegPairRegex();
    [GeneratedRegex(@"(?<![\w.])(?<n>[A-Za-z][A-Za-z0-9]{0,5}):\s*(?<v>(?:[0-9a-f]{4}:)?[0-9a-fA-F]{4,16})\b", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex RegPairRegex();
    static readonly Regex SiteLine = SiteLineRegex();
    [GeneratedRegex(@"^\s*(?:RIP|EIP|IP|NIP|PC is at|pc\s*:|epc\s*:|Krnl PSW\s*:|PC:|(?:E|R)?IP is at)\b|^\s*(?:RIP|EIP|IP):", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex SiteLineRegex();
    static readonly Regex HeaderAddress = HeaderAddressRegex();
    [GeneratedRegex(@"(?:paging request|NULL pointer dereference|page fault for address|access to user memory|data access on (?:read|write)) at (?:virtual address )?(?:0x)?(?<a>[0-9a-fA-F]{4,16})|(?:NULL pointer dereference|page fault for address|paging request), address: (?:0x)?(?<a>[0-9a-fA-F]{4,16})|virtual address (?:0x)?(?<a>[0-9a-fA-F]{4,16})|(?:non-canonical|for) address (?:0x)?(?<a>[0-9a-fA-F]{6,16})", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex HeaderAddressRegex();
    static readonly Regex KasanAddress = KasanAddressRegex();
    [GeneratedRegex(@"(?:Read|Write) (?:of size \d+ )?at addr (?:0x)?(?<a>[0-9a-f]+)|in range \[(?:0x)?(?<a>[0-9a-f]+)-", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex KasanAddressRegex();
    static readonly Regex Cr2 = Cr2Regex();
    [GeneratedRegex(@"^\s*CR2: (?<a>[0-9a-f]{8,16})\b", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex Cr2Regex();
    static readonly Regex Lockdep = LockdepRegex();
    [GeneratedRegex(@"^\s*-> #(?<n>\d+)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex LockdepRegex();
    static readonly Regex CodeContinuation = CodeContinuationRegex();
    [GeneratedRegex(@"^(?:[0-9a-f]{2,8}|<[0-9a-f]{2,8}>|\([0-9a-f]{2,8}\))(?:\s+(?:[0-9a-f]{2,8}|<[0-9a-f]{2,8}>|\([0-9a-f]{2,8}\)))*$", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex CodeContinuationRegex();
    static readonly Regex LocalVariable = LocalVariableRegex();
    [GeneratedRegex(@"^Local variable .* created at:", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex LocalVariableRegex();
    static readonly Regex NmiBacktrace = NmiBacktraceRegex();
    [GeneratedRegex(@"NMI backtrace for cpu (?<n>\d+)|Task dump for CPU (?<n>\d+)", RegexOptions.None, SafeRegex.TimeoutMs)] private static partial Regex NmiBacktraceRegex();

    // The literals the header-address, KASAN address, CR2, CPU/Pid/Process, EFLAGS, taint, hardware, modules and
    // Code checks of ReadStructure look for ("at addr" contains " at ").
    static readonly System.Buffers.SearchValues<string> StructureMarks = System.Buffers.SearchValues.Create(
        [" at ", "address", "in range [", "CR2: ", "CPU: ", "Pid: ", "Process ", "EFLAGS: ", "Not tainted", "Tainted: ",
         "Hardware name: ", "Modules linked in:", "Code:"], StringComparison.Ordinal);

    public static CrashReport Build(SyzParse p, List<LogLine> lines, int end)
    {
        var r = new CrashReport
        {
            Title = TitleCleaner.Clean(p.Title),
            AltTitles = p.AltTitles.Select(TitleCleaner.Clean).Distinct().ToList(),
            Corrupted = p.Corrupted,
            CorruptedReason = p.CorruptedReason,
            StartLine = lines[p.HeaderLine].SourceLine,
            EndLine = lines[end].SourceLine,
        };
        r.AltTitles.Remove(r.Title);
        r.Type = CrashTypes.ForTitle(r.Title);

        var body = new List<string>();
        for (int i = p.HeaderLine; i <= end; i++)
        {
            var l = lines[i];
            if (l.HasConsolePrefix && l.Context != p.Context) continue;
            body.Add(l.PrefixLength == 0 ? l.Text : l.Text[l.PrefixLength..]);
        }
        ReadStructure(r, body);
        var (panicked, recursive) = ScanTail(lines, p, end);
        r.Panicked = panicked;
        if (recursive) body.Add("Fixing recursive fault but reboot is needed!");
        r.GuiltyFile = GuiltyFile.Extract(r.Title, body);
        // The function syzkaller put in the title is the guilty frame; otherwise the first meaningful frame.
        var inFunc = r.Title.LastIndexOf(" in ", StringComparison.Ordinal) is var at and >= 0 ? r.Title[(at + 4)..] : null;
        // ("<T as Trait>::f" is one Rust function despite its spaces.)
        r.GuiltyFrame = inFunc is not null && inFunc != "corrupted" && (!inFunc.Contains(' ') || inFunc.StartsWith('<')) ? inFunc : r.Frames.FirstOrDefault(f => f.Reliable && f.Section is "task" or "irq" or "softirq" && !FrameNames.IsGeneric(f.Function))?.Function is { } g
            ? FrameNames.StripSuffixes(g) : r.CrashSite is { } cs && !FrameNames.IsGeneric(cs.Function) ? FrameNames.StripSuffixes(cs.Function) : null;
        r.Hints = Hints.For(r, body);
        return r;
    }

    /// <summary>Lines right after a report (up to the next one) still belong to its story: panics, recursive faults.</summary>
    static readonly System.Buffers.SearchValues<string> TailMarks = System.Buffers.SearchValues.Create(
        ["Kernel panic - not syncing", "---[ end Kernel panic", "Fixing recursive fault"], StringComparison.Ordinal);

    /// <summary>Lines right after a report (up to the next one) still belong to its story: panics, recursive faults.</summary>
    static (bool Panicked, bool Recursive) ScanTail(List<LogLine> lines, SyzParse p, int end)
    {
        int limit = p.SecondReportLine > p.HeaderLine ? p.SecondReportLine : Math.Min(lines.Count, end + 200);
        bool panicked = false, recursive = false;
        // One pass with a multi-string search instead of one pass per marker.
        for (int i = p.HeaderLine; i < limit && !(panicked && recursive); i++)
        {
            var t = lines[i].Text;
            if (t.AsSpan().IndexOfAny(TailMarks) < 0) continue;
            panicked |= t.Contains("Kernel panic - not syncing", StringComparison.Ordinal) || t.Contains("---[ end Kernel panic", StringComparison.Ordinal);
            recursive |= t.Contains("Fixing recursive fault", StringComparison.Ordinal);
        }
        return (panicked, recursive);
    }

    // \d also matches non-ASCII digits, and a mangled log can carry any number of them: no number, not an exception.
    static int? Int(string digits) => int.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    static void ReadStructure(CrashReport r, List<string> body)
    {
        string section = "task";
        bool inModules = false, inCode = false, sawCallTrace = false;
        var modules = new List<string>();
        string? codeBytes = null;
        string? headerAddr = null, kasanAddr = null, cr2 = null;
        for (int i = 0; i < body.Count; i++)
        {
            var line = body[i];
            // A span: most lines are indented frames, and trimming them as strings was a copy per line.
            var trimmed = line.AsSpan().Trim();

            if (inModules)
            {
                // Module lists wrap onto following lines until the CPU/Pid line.
                var unflagged = ModuleFlags.Replace(trimmed.ToString(), " ").Trim();
                if (unflagged.Length > 0 && !unflagged.Contains(':') && !unflagged.StartsWith('[') && FrameParser.Parse(line, section) is null)
                {
                    AddModules(modules, trimmed.ToString());
                    continue;
                }
                inModules = false;
            }
            if (inCode)
            {
                if (CodeContinuation.IsMatch(trimmed))
                {
                    codeBytes += " " + trimmed.ToString();
                    continue;
                }
                inCode = false;
            }

            // Every check below needs one of StructureMarks: most lines (frames) skip them all with one search.
            if (line.AsSpan().IndexOfAny(StructureMarks) >= 0)
            {
                if (i == 0 || headerAddr is null)
                {
                    // Every HeaderAddress alternative contains " at " or "address": most lines skip the regex.
                    var ha = line.Contains(" at ", StringComparison.Ordinal) || line.Contains("address", StringComparison.Ordinal) ? HeaderAddress.Match(line) : Match.Empty;
                    if (ha.Success && (i == 0 || line.Contains("BUG", StringComparison.Ordinal) || line.Contains("Unable", StringComparison.Ordinal) || line.Contains("general protection", StringComparison.Ordinal)))
                        headerAddr ??= ha.Groups["a"].Value;
                }
                if (kasanAddr is null && (line.Contains("at addr", StringComparison.Ordinal) || line.Contains("in range [", StringComparison.Ordinal)) && KasanAddress.Match(line) is { Success: true } ka) kasanAddr = ka.Groups["a"].Value;
                if (cr2 is null && line.Contains("CR2: ", StringComparison.Ordinal) && Cr2.Match(line) is { Success: true } c2) cr2 = c2.Groups["a"].Value;

                if (r.Cpu is null && line.Contains("CPU: ", StringComparison.Ordinal) && CpuLine.Match(line) is { Success: true } cm)
                {
                    r.Cpu = Int(cm.Groups["cpu"].Value);
                    r.Pid = Int(cm.Groups["pid"].Value);
                    r.Comm = cm.Groups["comm"].Value.Trim();
                    r.Taint ??= cm.Groups["taint"].Success ? Taint.Decode(cm.Groups["taint"].Value) : line.Contains("Not tainted") ? Taint.None : null;
                    if (cm.Groups["ver"].Success) r.KernelVersion ??= cm.Groups["ver"].Value;
                }
                else if (r.Pid is null && line.Contains("Pid: ", StringComparison.Ordinal) && OldPid.Match(line) is { Success: true } op)
                {
                    r.Pid = Int(op.Groups["pid"].Value);
                    r.Comm = op.Groups["comm"].Value;
                    r.Taint ??= op.Groups["taint"].Success ? Taint.Decode(op.Groups["taint"].Value) : Taint.None;
                    r.KernelVersion ??= op.Groups["ver"].Value;
                }
                else if (r.Pid is null && line.Contains("Process ", StringComparison.Ordinal) && OldProcess.Match(line) is { Success: true } pr)
                {
                    r.Pid = Int(pr.Groups["pid"].Value);
                    r.Comm = pr.Groups["comm"].Value;
                }
                if (r.Cpu is null && line.Contains("CPU: ", StringComparison.Ordinal) && OldCpu.Match(line) is { Success: true } oc) r.Cpu = Int(oc.Groups["cpu"].Value);
                if (r.KernelVersion is null && line.Contains("EFLAGS: ", StringComparison.Ordinal) && EflagsVersion.Match(line) is { Success: true } ev) r.KernelVersion = ev.Groups["ver"].Value;
                if (r.Taint is null && (line.Contains("Not tainted", StringComparison.Ordinal) || line.Contains("Tainted: ", StringComparison.Ordinal))
                    && TaintOnly.Match(line) is { Success: true } to)
                {
                    r.Taint = to.Groups["taint"].Success ? Taint.Decode(to.Groups["taint"].Value) : Taint.None;
                    if (to.Groups["ver"].Success) r.KernelVersion ??= to.Groups["ver"].Value;
                }
                if (r.Hardware is null && line.Contains("Hardware name: ", StringComparison.Ordinal) && Hardware.Match(line) is { Success: true } hw) r.Hardware = hw.Groups["hw"].Value.Trim();
                if (modules.Count == 0 && line.Contains("Modules linked in:", StringComparison.Ordinal) && Modules.Match(line) is { Success: true } mm)
                {
                    AddModules(modules, mm.Groups["m"].Value);
                    inModules = true;
                    continue;
                }
                if (codeBytes is null && line.Contains("Code:", StringComparison.Ordinal) && Code.Match(line) is { Success: true } co && !co.Groups["b"].Value.StartsWith("Bad", StringComparison.Ordinal))
                {
                    codeBytes = co.Groups["b"].Value.Trim();
                    inCode = true;
                    continue;
                }
            }
            if (MayBeRegisterLine(trimmed) && RegLineStart.IsMatch(line) && !SiteLine.IsMatch(line))
            {
                // Value matches and a span lookup: register dumps are a tenth of a report's lines, and Match objects
                // with named groups plus two strings per register (usually already known) were most of their cost.
                var known = r.Registers.GetAlternateLookup<ReadOnlySpan<char>>();
                foreach (var rp in RegPair.EnumerateMatches(line))
                {
                    var pair = line.AsSpan(rp.Index, rp.Length);
                    int colon = pair.IndexOf(':');
                    var name = pair[..colon];
                    if (known.ContainsKey(name)) continue;
                    r.Registers.Add(name.ToString(), pair[(colon + 1)..].TrimStart().ToString());
                }
            }

            // Crash site: the first RIP/EIP/NIP/PC line naming a function.
            if (r.CrashSite is null && MayBeSiteLine(trimmed) && SiteLine.IsMatch(line) && FrameParser.ParseSite(line) is { } site)
            {
                r.CrashSite = site;
                continue;
            }

            // Trace sections.
            if (trimmed is "<IRQ>" or "<SOFTIRQ>" or "<NMI>" or "<TASK>" or "</IRQ>" or "</SOFTIRQ>" or "</NMI>" or "</TASK>" or "<EOI>" or "<<EOE>>" || trimmed.StartsWith("<EOI>", StringComparison.Ordinal))
            {
                section = trimmed switch
                {
                    "<IRQ>" => "irq", "<SOFTIRQ>" => "softirq", "<NMI>" => "nmi", _ => "task",
                };
                continue;
            }
            if (trimmed.StartsWith("Call Trace", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("Call trace:", StringComparison.Ordinal) || trimmed is "Backtrace:")
            {
                if (!section.StartsWith("lockdep", StringComparison.Ordinal) && !section.StartsWith("cpu", StringComparison.Ordinal)) section = "task";
                sawCallTrace = true;
                continue;
            }
            if (trimmed.StartsWith("Allocated by task", StringComparison.Ordinal) || trimmed is "Allocated:" || trimmed.StartsWith("allocated by task", StringComparison.Ordinal)) { section = "allocated"; continue; }
            if (trimmed.StartsWith("Freed by task", StringComparison.Ordinal) || trimmed is "Freed:" || trimmed.StartsWith("freed by task", StringComparison.Ordinal)) { section = "freed"; continue; }
            if (trimmed.StartsWith("Last potentially related work creation", StringComparison.Ordinal) || trimmed.StartsWith("Second to last potentially related", StringComparison.Ordinal)) { section = "aux"; continue; }
            if (trimmed.StartsWith("Uninit was created at", StringComparison.Ordinal) || trimmed.StartsWith("Uninit was stored to memory at", StringComparison.Ordinal) || (trimmed.StartsWith("Local variable ", StringComparison.Ordinal) && LocalVariable.IsMatch(trimmed))) { section = "origin"; continue; }
            if (trimmed.StartsWith("backtrace", StringComparison.Ordinal) && trimmed.EndsWith(':')) { section = "allocated"; continue; }
            if (trimmed.StartsWith("stack backtrace:", StringComparison.Ordinal)) { section = "task"; continue; }
            if (trimmed.StartsWith("Exception stack", StringComparison.Ordinal)) { section = "exception"; continue; }
            if (trimmed.StartsWith("-> #", StringComparison.Ordinal) && Lockdep.Match(trimmed.ToString()) is { Success: true } ld) { section = "lockdep #" + ld.Groups["n"].Value; continue; }
            if ((trimmed.Contains("NMI backtrace", StringComparison.Ordinal) || trimmed.Contains("Task dump", StringComparison.Ordinal)) && NmiBacktrace.Match(trimmed.ToString()) is { Success: true } nb) { section = "cpu " + nb.Groups["n"].Value; continue; }
            if (trimmed.StartsWith("The buggy address belongs to", StringComparison.Ordinal) || trimmed.StartsWith("Memory state around", StringComparison.Ordinal)) { section = "info"; continue; }

            if (section == "info") continue;
            var f = FrameParser.Parse(line, section);
            if (f is not null && f.Function.StartsWith("_R", StringComparison.Ordinal)) f.Function = RustDemangler.Demangle(f.Function);
            if (f is not null && (sawCallTrace || section != "task" || LooksLikeTraceLine(line))) r.Frames.Add(f);
        }
        if (modules.Count > 0) r.Modules = modules;
        if (codeBytes is not null)
        {
            var t = Trapping.Match(codeBytes);
            r.Code = new CodeBytes(codeBytes, t.Success ? t.Groups["t"].Value : null);
        }
        r.FaultAddress = headerAddr ?? kasanAddr ?? (IsPageFault(r.Title) ? cr2 : null);
        r.CrashSite ??= CrashSiteFromFrames(r);
    }

    // Register names are at most 9 characters ("Krnl GPRS") before their colon.
    static bool MayBeRegisterLine(ReadOnlySpan<char> trimmed) => trimmed.IndexOf(':') is > 0 and < 24;

    // Every SiteLine alternative starts with one of these letters.
    static bool MayBeSiteLine(ReadOnlySpan<char> trimmed) => trimmed.Length > 0 && trimmed[0] is 'R' or 'E' or 'I' or 'N' or 'P' or 'p' or 'e' or 'K';

    // Before "Call Trace:", only bracketed or indented frame lines are frames (not prose mentioning foo+0x1).
    static bool LooksLikeTraceLine(string line) => line.StartsWith(' ') || line.TrimStart().StartsWith('[') || line.TrimStart().StartsWith('(');

    static bool IsPageFault(string title) =>
        title.Contains("unable to handle", StringComparison.Ordinal) || title.Contains("paging request", StringComparison.Ordinal)
        || title.Contains("NULL pointer", StringComparison.Ordinal) || title.Contains("general protection", StringComparison.Ordinal);

    /// <summary>Sanitizer and WARNING reports have no RIP line for the bug itself: use the first meaningful frame.</summary>
    static StackFrame? CrashSiteFromFrames(CrashReport r)
    {
        var f = r.Frames.FirstOrDefault(f => f.Reliable && !FrameNames.IsGeneric(f.Function));
        if (f is null) return null;
        return new StackFrame { Function = f.Function, Offset = f.Offset, Size = f.Size, Module = f.Module, Address = f.Address, Section = "crash", Source = f.Source };
    }

    static void AddModules(List<string> into, string text)
    {
        foreach (var tok in ModuleFlags.Replace(text, " ").Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!SafeRegex.IsMatch(tok, @"^[A-Za-z0-9_\-]+$")) continue;
            if (!into.Contains(tok)) into.Add(tok);
        }
    }
}
