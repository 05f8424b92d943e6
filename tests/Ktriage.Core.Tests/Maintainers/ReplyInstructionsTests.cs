using Ktriage.Core.Crashes;
using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

public sealed class ReplyInstructionsTests
{
    static readonly Owners Owners = MaintainerMatcher.Who(MaintainersFile.Parse(MaintainersFixture.Text), ["drivers/char/virtio_console.c"]);

    [Fact]
    public void Git_send_email_goes_to_the_maintainers_with_lists_and_reporter_in_cc()
    {
        var text = ReplyInstructions.SendEmail(Owners, "<abc@example.org>", "Reporter O'Neil <rep@example.org>", "virtio_console oops");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().TrimEnd('\\').Trim()).ToList();
        Assert.Equal("git send-email", lines[0]);
        Assert.Contains("--in-reply-to='<abc@example.org>'", lines);
        Assert.Contains("--subject='Re: virtio_console oops'", lines);
        Assert.Contains("--to='Amit Shah <amit@kernel.org>'", lines);
        Assert.Contains("--cc='virtualization@lists.linux-foundation.org'", lines);
        Assert.Contains("--cc='Reporter O'\\''Neil <rep@example.org>'", lines);
        Assert.Equal("/path/to/YOUR_REPLY", lines[^1]);
    }

    [Fact]
    public void A_new_report_mail_has_headers_the_trimmed_report_and_hints()
    {
        var log = "boot ok\n" + string.Join("\n", Enumerable.Range(0, 200).Select(i => $"line {i}")) + "\nafter\n";
        var report = new CrashReport
        {
            Title = "kernel BUG in virtio_device_ready", StartLine = 2, EndLine = 201, KernelVersion = "3.18.0",
            Hints = [new Hint("module", "virtio_console is an out-of-tree test")],
        };
        var mail = ReplyInstructions.NewReport(Owners, report, log);
        Assert.StartsWith("To: Amit Shah <amit@kernel.org>,\n", mail);
        var cc = mail[mail.IndexOf("\nCc: ", StringComparison.Ordinal)..mail.IndexOf("\nSubject: ", StringComparison.Ordinal)];
        Assert.Contains("Greg KH <GREGKH@linuxfoundation.org>", cc);
        Assert.Contains("    virtualization@lists.linux-foundation.org,\n", cc);
        Assert.Contains("Subject: [BUG] kernel BUG in virtio_device_ready\n", mail);
        Assert.Contains("(kernel 3.18.0)", mail);
        Assert.Contains("\nline 0\n", mail);
        Assert.Contains("\nline 79\n", mail);
        Assert.DoesNotContain("\nline 80\n", mail);
        Assert.Contains("[... 120 more lines trimmed ...]", mail);
        Assert.DoesNotContain("boot ok", mail);
        Assert.Contains("- module: virtio_console is an out-of-tree test", mail);
    }
}
