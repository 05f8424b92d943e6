using System.Text.RegularExpressions;

namespace Ktriage.Core.Links;

/// <summary>A report from a testing bot, and the bug id the bot gave it (syzbot's extid) when it has one.</summary>
public sealed record BotReport(string Bot, string? Id);

/// <summary>Recognises bot senders and bot bug ids in addresses and text.</summary>
public static partial class Bots
{
    // syzbot+045b454ab35fd82a35fb@syzkaller.appspotmail.com: the +tag is the bug's extid.
    [GeneratedRegex(@"\bsyzbot\+([0-9a-f]{8,40})@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex SyzbotAddress();

    // https://syzkaller.appspot.com/bug?extid=045b454ab35fd82a35fb (also ?id= for the dashboard's own hash: not an extid).
    [GeneratedRegex(@"syzkaller\.appspot\.com/bug\?extid=([0-9a-f]{8,40})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, SafeRegex.TimeoutMs)]
    private static partial Regex SyzbotDashboard();

    /// <summary>The syzbot extids named in a text (addresses, dashboard links), in order, without repeats.</summary>
    public static IReadOnlyList<string> SyzbotIds(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains("syz", StringComparison.OrdinalIgnoreCase)) return [];
        return SyzbotAddress().Matches(text).Concat(SyzbotDashboard().Matches(text))
            .OrderBy(m => m.Index).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToList();
    }

    /// <summary>Which bot sent a message, from its sender address (and, for syzbot, the id from the address or,
    /// when the sender is syzbot without a tag, the first dashboard link in the body).</summary>
    public static BotReport? FromSender(string? fromEmail, string? body = null)
    {
        var from = (fromEmail ?? "").ToLowerInvariant();
        if (from.StartsWith("syzbot", StringComparison.Ordinal) && from.Contains("syzkaller"))
            return new BotReport("syzbot", SyzbotIds(from).FirstOrDefault() ?? SyzbotIds(body).FirstOrDefault());
        if (from is "lkp@intel.com" || from.StartsWith("oliver.sang@", StringComparison.Ordinal)) return new BotReport("kernel test robot", null);
        if (from.EndsWith("@kernelci.org", StringComparison.Ordinal)) return new BotReport("KernelCI", null);
        if (from.StartsWith("syzbot", StringComparison.Ordinal)) return new BotReport("syzbot", SyzbotIds(from).FirstOrDefault());
        return null;
    }

    /// <summary>The syzbot extid a report is about: the sender's, else one named in To/Cc or a dashboard link in the body.</summary>
    public static string? SyzbotId(string? fromEmail, string? recipients, string? body) =>
        SyzbotIds(fromEmail).FirstOrDefault() ?? SyzbotIds(recipients).FirstOrDefault() ?? SyzbotIds(body).FirstOrDefault();
}
