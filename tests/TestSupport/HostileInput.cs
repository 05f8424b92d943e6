using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Ktriage.TestSupport;

/// <summary>
/// FsCheck generators of hostile input for the "never throws" properties. Uniformly random bytes almost never reach
/// a parser's interesting states, so inputs are lines built from the parser's own vocabulary (headers, markers,
/// boundaries) mixed with random junk, odd line ends, non-ASCII and control characters.
/// </summary>
public static class HostileInput
{
    /// <summary>Property runs: enough cases to matter, few enough for every `dotnet test`.</summary>
    public static Config Config(int cases = 300) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true);

    static readonly string[] Junk =
    [
        "", " ", "  ", "\t", ":", "<", ">", "@", "[", "]", "(", ")", "\"", "\\", "=", "?", "-", "--", "+", "*", "/", "0x",
        "+0x1b/0x2c0", "ffff888012345678", "99999999999", "-1", "0", "\u0661\u0662", "\u00e9", "\u200b", "\ufffd",
        "\u0000", "\u001b[0m", "\r", "=?utf-8?q?", "?=", "%", "..", "\U0001F600",
    ];

    static Gen<string> Word(string[] vocabulary) =>
        Gen.Frequency(
            (5, Gen.Elements(vocabulary)),
            (3, Gen.Elements(Junk)),
            (2, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
            (1, Gen.Choose(0, 9999).Select(n => n.ToString())));

    /// <summary>A line of 0–6 pieces drawn from <paramref name="vocabulary"/> and junk.</summary>
    public static Gen<string> Line(string[] vocabulary) =>
        Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Word(vocabulary), n)).Select(string.Concat);

    /// <summary>Text of 0–40 such lines joined by LF, CRLF or lone CR.</summary>
    public static Gen<string> Text(params string[] vocabulary) =>
        from lines in Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Line(vocabulary), n))
        from eol in Gen.Elements("\n", "\n", "\n", "\r\n", "\r")
        select string.Join(eol, lines);

    /// <summary>Bytes of such text, sometimes with invalid UTF-8 or random bytes spliced in.</summary>
    public static Gen<byte[]> Bytes(params string[] vocabulary) =>
        from text in Text(vocabulary)
        from extra in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n * 8))
        from at in Gen.Choose(0, 100)
        select Splice(Encoding.UTF8.GetBytes(text), extra, at);

    static byte[] Splice(byte[] text, byte[] extra, int percent)
    {
        var at = text.Length * percent / 100;
        return [.. text.AsSpan(0, at), .. extra, .. text.AsSpan(at)];
    }

    /// <summary>Vocabulary of mail headers and MIME structure.</summary>
    public static readonly string[] Mail =
    [
        "From: ", "To: ", "Cc: ", "Subject: ", "Date: ", "Message-ID: ", "Message-Id: <a@b>", "In-Reply-To: <", "References: <a@b> <c@d>",
        "X-Alt-Message-ID: ", "MIME-Version: 1.0", "Content-Type: ", "multipart/mixed; boundary=\"b\"", "multipart/alternative; boundary=b",
        "message/rfc822", "text/plain; charset=", "utf-8", "koi8-r", "x-unknown", "text/x-patch", "text/html", "--b", "--b--",
        "Content-Transfer-Encoding: ", "base64", "quoted-printable", "8bit", "Content-Disposition: attachment; filename=",
        "=?iso-8859-1?q?a=E9?=", "=?utf-8?b?w6k=?=", "Mon, 3 Mar 2025 10:00:00 +0100", "31 Feb 1969 25:61 +9999", " ", "\t",
    ];

    /// <summary>Vocabulary of diffs, patches and pull requests.</summary>
    public static readonly string[] Diff =
    [
        "diff --git a/x.c b/x.c", "--- a/x.c", "+++ b/x.c", "--- /dev/null", "+++ /dev/null", "@@ -1,3 +1,4 @@ static int f(void)",
        "@@ -0,0 +1 @@", "@@ -99999999999 +1 @@", " context", "-removed", "+added", "\\ No newline at end of file", "new file mode 100644",
        "deleted file mode 100755", "old mode 100644", "new mode 100755", "similarity index 90%", "rename from a", "rename to b",
        "copy from a", "copy to b", "index 1111111..2222222 100644", "GIT binary patch", "literal 3", "delta 5", "Kc${NkU|;|M00aO5",
        "Binary files a/x and b/x differ", "Index: x.c", "===================================================================",
        "The following changes since commit 1234567890abcdef1234567890abcdef12345678:", "are available in the Git repository at:",
        "for you to fetch changes up to abcdefabcdefabcdefabcdefabcdefabcdefabcd:", "-- ", "---",
    ];

    /// <summary>Vocabulary of kernel crash reports as they appear in logs and mail.</summary>
    public static readonly string[] Crash =
    [
        "[   32.123456] ", "[   32.123456][ T1234] ", "Jul  3 09:10:39 host kernel: ", "> ", ">> ", "BUG: KASAN: use-after-free in ",
        "slab-out-of-bounds", "BUG: unable to handle page fault for address: ", "general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] SMP KASAN",
        "WARNING: CPU: 0 PID: 1 at net/core/dev.c:123 ", "kernel BUG at mm/slub.c:42!", "Kernel panic - not syncing: ", "Oops: 0002 [#1] SMP",
        "#PF: error_code(0x0002) - not-present page", "RIP: 0010:", "Call Trace:", " <TASK>", " </TASK>", " <IRQ>", "Modules linked in: a(O) b",
        "CPU: 1 PID: 5000 Comm: syz-executor.0 Tainted: G        W  O      6.8.0-rc1 #1", "CPU: ", " PID: ", " Comm: a", "Pid: ", "Process ", "Hardware name: QEMU", "io_poll_wake+0x1b/0x2c0",
        " fs/io_uring.c:5000 [inline]", "------------[ cut here ]------------", "---[ end trace 0000000000000000 ]---", "Code: 48 89 <0f> 0b",
        "==================================================================", "INFO: task a:1 blocked for more than 120 seconds.",
        "watchdog: BUG: soft lockup - CPU#0 stuck for 22s!", "UBSAN: shift-out-of-bounds in a.c:1:2", "possible circular locking dependency detected",
        "Read of size 8 at addr ffff888012345678 by task a/1", "pc : f+0x1/0x2", "lr : g+0x3/0x4", "NIP [c0000000] f+0x1/0x2",
        "_RNvMNtCs1234_6kernel4sync4lock+0x12/0x40", "syzbot found the following issue on:", "Reported-by: syzbot+0123@syzkaller.appspotmail.com",
    ];

    static readonly Gen<string> Number = Gen.Elements("0", "1", "42", "65535", "99999999999", "-1", "\u0661\u0662", "0x10", "");
    static readonly Gen<string> Function = Gen.Elements("io_poll_wake", "f", "_RNvMNtCs1234_6kernel4sync4lock", "a.b.c", "", "?", "0");
    static readonly Gen<string> Offset = Gen.Elements("+0x1b/0x2c0", "+0x0/0x0", "+0xffffffffffffffffffff/0x1", "+0x", "", "+0x1b/0x2c0 [mod]");
    static readonly Gen<string> Prefix = Gen.Elements("", "[   32.123456] ", "[   32.123456][ T1234] ", "[ 9999999999.999999] ", "Jul  3 09:10:39 h kernel: ", "> ", "> > [ 1.0] ");

    /// <summary>A crash report from a template whose numbers, names and offsets are drawn from hostile pools, with lines
    /// dropped, junk lines mixed in, one console-prefix style and sometimes a second report after it.</summary>
    public static Gen<string> CrashLog()
    {
        var template =
            from header in Gen.Elements("BUG: KASAN: use-after-free in ", "general protection fault, probably for non-canonical address 0xdffffc0000000001: ",
                "WARNING: CPU: 0 PID: 1 at net/core/dev.c:123 ", "BUG: unable to handle page fault for address: ", "kernel BUG at mm/slub.c:", "Oops: ", "UBSAN: array-index-out-of-bounds in a.c:")
            from f1 in Function
            from o1 in Offset
            from cpu in Number
            from pid in Number
            from code in Gen.Elements("0002", "ffff", "zz", "0x0002", "", "123456789abcdef0")
            from f2 in Function
            from o2 in Offset
            from n in Number
            select new[]
            {
                header + f1 + o1, $"Read of size {n} at addr ffff888012345678 by task a/{pid}", $"Oops: {code} [#{n}] SMP",
                $"#PF: error_code(0x{code}) - not-present page", $"CPU: {cpu} PID: {pid} Comm: a Tainted: G W {n}.1.0 #1", $"CPU: {cpu}",
                $"Pid: {pid}, comm: a Not tainted {n}", $"Process a (pid: {pid}, threadinfo ffff, task ffff)", $"RIP: 0010:{f1}{o1}",
                $"Code: 48 89 <0f> 0b", "Call Trace:", " <TASK>", $" {f2}{o2}", $" {f1}{o1} a.c:{n} [inline]", " </TASK>",
                $"Modules linked in: a({n}) b", $"---[ end trace {n} ]---", $"Kernel panic - not syncing: Fatal exception in interrupt",
            };
        return from lines in template
               from keep in Gen.ArrayOf(Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))), lines.Length)
               from junk in Gen.ArrayOf(Line(Crash), lines.Length)
               from mix in Gen.ArrayOf(Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true))), lines.Length)
               from prefix in Prefix
               from twice in Gen.Elements(false, false, true)
               let one = string.Join("\n", lines.Select((l, i) => (keep[i] ? prefix + l : "") + (mix[i] ? "\n" + junk[i] : "")))
               select twice ? one + "\n\n" + one : one;
    }

    /// <summary>Vocabulary of the search language.</summary>
    public static readonly string[] Query =
    [
        "s:", "f:", "t:", "c:", "tc:", "a:", "b:", "bs:", "nq:", "q:", "m:", "mid:", "l:", "d:", "dt:", "n:", "dfn:", "dfa:", "dfb:", "dfhh:",
        "dfctx:", "patchid:", "crash:", "type:", "func:", "tainted:", "fixed:", " OR ", " AND ", " NOT ", "(", ")", "\"", "-", "+", "*", "..",
        "last.week", "2.days.ago", "999999.years.ago", "yesterday", "today", "now", "2023-01-01", "20230101", "9999-99-99", "yes", "no", "KASAN",
        "io_uring", "use-after-free", " ",
    ];
}
