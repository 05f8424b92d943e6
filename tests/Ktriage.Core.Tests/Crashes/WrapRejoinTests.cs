using Ktriage.Core.Crashes;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>Lines a mail client cut are re-joined; lines the kernel (or a mail) printed apart stay apart.</summary>
public sealed class WrapRejoinTests
{
    static List<string> Lines(string text) => LogNormalizer.Normalize(text).Select(l => l.Text).ToList();

    [Theory]
    // A header cut after "in", a symbolized frame cut before its source position, an ARM backtrace cut before "(".
    [InlineData("BUG: KASAN: slab-use-after-free in\nio_req_task_work_add+0x2a/0x80 io_uring/io_uring.c:1234",
        "BUG: KASAN: slab-use-after-free in io_req_task_work_add+0x2a/0x80 io_uring/io_uring.c:1234")]
    [InlineData(" io_poll_wake_and_complete_request_with_long_name+0x1f4/0x3a0\nio_uring/poll.c:412",
        " io_poll_wake_and_complete_request_with_long_name+0x1f4/0x3a0 io_uring/poll.c:412")]
    [InlineData("[<8028a384>] (__filemap_fdatawrite_range) from [<8028ac9c>]\n(file_write_and_wait_range+0x78/0xf8)",
        "[<8028a384>] (__filemap_fdatawrite_range) from [<8028ac9c>] (file_write_and_wait_range+0x78/0xf8)")]
    // The last line of a wrapped console log, and a frame whose indent was left on the head.
    [InlineData("[  624.887185] unregister_netdevice: waiting for lo to\nbecome free. Usage count = 5",
        "[  624.887185] unregister_netdevice: waiting for lo to become free. Usage count = 5")]
    [InlineData("[   44.381969][    C4] \nsync_rcu_exp_select_node_cpus+0x28e/0x510\n[   44.381970][    C4]  sync_rcu_exp_select_cpus+0x1/0x2",
        "[   44.381969][    C4]  sync_rcu_exp_select_node_cpus+0x28e/0x510")]
    public void Wrapped_lines_are_rejoined(string text, string first) => Assert.Equal(first, Lines(text)[0]);

    [Theory]
    // KMSAN ends "at:" lines itself, with indented frames under them.
    [InlineData("Uninit was stored to memory at: this line is long enough\n crypto_sha3_finup+0x136/0xe00")]
    // A folded Subject of a mail naming a crash, then the next mail header.
    [InlineData("Subject: Re: [syzbot] [io-uring?] general protection fault in\n io_uring_show_fdinfo (4)")]
    [InlineData(" [io-uring?] general protection fault in __ep_remove)\nMessage-ID: <20240504-irrsinn-sinnlich@brauner>")]
    // Short lines that fit the width: nothing was cut.
    [InlineData("BUG: KASAN: use-after-free in\nfoo+0x1/0x2")]
    // A raw console log (a prefixed line longer than 100 columns): prefix-less lines are other programs' output.
    [InlineData("[    1.000000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo_function_with_a_long_name+0x12/0x34 [some_module]\nsyz-executor output\n[    1.000001] CPU: 0 PID: 1")]
    public void Separate_lines_stay_apart(string text) => Assert.Equal(text.Split('\n').Length, Lines(text).Count);
}
