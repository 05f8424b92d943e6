using System.Text;

namespace Ktriage.Core.Tests.Bounds;

/// <summary>Inputs built to make regexes backtrack and per-line loops go quadratic: long runs of one character,
/// bracket runs, "+0x" repetitions, a flattened lore page repeated into one 10 MB line, deep mail quoting.</summary>
public static class HostileText
{
    public const int Size = 10 << 20;

    const string Oops = "BUG: kernel NULL pointer dereference, address: 0000000000000008";

    /// <summary>A real oops in the shape the crash tests know (it must still be found after the hostile part).</summary>
    public const string RealOops = """
        BUG: kernel NULL pointer dereference, address: 0000000000000008
        #PF: supervisor read access in kernel mode
        Oops: 0000 [#1] PREEMPT SMP NOPTI
        CPU: 1 PID: 4242 Comm: kworker/1:2 Not tainted 6.8.0-rc1 #1
        RIP: 0010:io_poll_wake+0x1a/0x140
        Call Trace:
         <TASK>
         __wake_up_common+0x7a/0x190
         __wake_up+0x3a/0x60
         io_req_task_work_add+0x10/0x20
         </TASK>
        """;

    static string Repeat(string unit, int size = Size)
    {
        var sb = new StringBuilder(size + unit.Length);
        while (sb.Length < size) sb.Append(unit);
        return sb.ToString();
    }

    /// <summary>Name → body. Each body is a single huge line (or a huge run of lines) followed by a real oops.</summary>
    public static IEnumerable<object[]> Names() => Bodies.Keys.Select(k => new object[] { k });

    public static readonly IReadOnlyDictionary<string, Func<string>> Bodies = new Dictionary<string, Func<string>>
    {
        ["spaces"] = () => Repeat(" "),
        ["tabs and spaces"] = () => Repeat(" \t"),
        ["brackets"] = () => Repeat("[<"),
        ["open brackets and parens"] = () => Repeat("[[(( <"),
        ["plus-0x runs"] = () => Repeat("foo+0x"),
        ["frame-like runs"] = () => Repeat(" [<ffffffff81000000>] ? foo+0x1/0x2"),
        ["hex run"] = () => Repeat("0123456789abcdef"),
        ["flattened seed page x 10 MB"] = () => Repeat(Seed000Flat() + " "),
        ["quote marks on one line"] = () => Repeat("> "),
        ["quote marks then timestamp-like text"] = () => Repeat("> > [ 1.1"),
        ["deeply quoted lines"] = () => Repeat(new string('>', 200) + " " + Oops + "\n"),
        ["lore header fields"] = () => Repeat("From: A Subject: B Date: C To: D "),
        ["crash header flood"] = () => Repeat(Oops + "\n"),
        ["crash header on one line"] = () => Repeat(Oops + " "),
        ["message-id refs"] = () => Repeat("Message-ID: <a@b.c msgid <x@"),
        ["lore links"] = () => Repeat("https://lore.kernel.org/r/a@"),
        ["patch subject"] = () => Repeat("Subject: [PATCH [PATCH "),
        ["diff headers"] = () => Repeat("diff --git a/x b/y "),
        ["commit mentions"] = () => Repeat("commit 0123456789ab (\"x "),
        ["blank lines"] = () => Repeat(" \n"),
        ["syslog prefixes"] = () => Repeat("Jul  3 09:10:39 host kernel: "),
    };

    /// <summary>Inputs made of crash headers, one per line: more reports than the limit.</summary>
    public static bool IsFlood(string name) => name is "crash header flood" or "deeply quoted lines";

    static string Seed000Flat()
    {
        // The flattened lore page the project started from, when ../shared is there; a stand-in of its shape otherwise.
        var seed = Ktriage.TestSupport.SharedData.Has("seeds") ? Directory.GetFiles(Ktriage.TestSupport.SharedData.Path("seeds"), "000_*").FirstOrDefault() : null;
        var text = seed is not null ? File.ReadAllText(seed)
            : "Jul  3 09:10:39 host kernel: [ 12.345678] " + RealOops.Replace("\n", " [ 12.345679] ") + " > > " + RealOops;
        return text.Replace("\r", "").Replace('\n', ' ');
    }

    /// <summary>The hostile body with a real oops after it (a timeout inside analysis would lose the oops).</summary>
    public static string WithOops(string name) => Bodies[name]() + "\n\n" + RealOops + "\n";

    /// <summary>As an RFC 5322 message.</summary>
    public static byte[] AsMail(string body, string subject = "[PATCH] hostile") =>
        Encoding.UTF8.GetBytes($"From: Hostile <h@example.com>\nTo: list@example.com\nSubject: {subject}\nMessage-ID: <hostile@example.com>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n{body}");
}
