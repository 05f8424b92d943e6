using System.CommandLine;
using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.Store;

namespace Ktriage.Cli.Commands;

/// <summary><c>ktriage series MSGID [--mbox] [--sloppy]</c>: the series a message belongs to, with its revisions.</summary>
internal static class SeriesCommand
{
    static readonly Argument<string> Id = new("MSGID") { Description = "Message-ID of a patch, cover letter or reply in the series" };
    static readonly Option<bool> Mbox = new("--mbox") { Description = "Write the latest revision as a git-am-ready mbox with collected trailers (like b4 am -o -)" };
    static readonly Option<bool> Sloppy = new("--sloppy") { Description = "Accept trailers whose address does not match the sender" };
    // b4 am's options, same letters.
    static readonly Option<bool> NoAdd = new("--no-add-trailers", "-T") { Description = "With --mbox: do not add collected trailers (b4 am -T)" };
    static readonly Option<bool> AddMySob = new("--add-my-sob", "-s") { Description = "With --mbox: add your Signed-off-by (git config user.name/user.email) (b4 am -s)" };
    static readonly Option<bool> CopyCcs = new("--copy-ccs", "-c") { Description = "With --mbox: add the mails' To/Cc as Cc: trailers (b4 am -c)" };
    static readonly Option<bool> AddLink = new("--add-link", "-l") { Description = "With --mbox: add a Link: trailer to the message (b4 am -l)" };
    static readonly Option<bool> AddMessageId = new("--add-message-id", "-i") { Description = "With --mbox: add a Message-ID: trailer (b4 am -i)" };
    static readonly Option<string?> LinkPrefix = new("--link-prefix") { Description = "With --add-link: URL prefix (default https://patch.msgid.link/, b4's linkmask)" };
    static readonly Option<string?> TrailerOrder = new("--trailer-order") { Description = "With --mbox: comma-separated trailer name globs for the trailers in your custody, e.g. 'fixes*,link*,reported*,suggested*,original*,co-*,signed-off*,tested*,reviewed*,acked*,cc*,*' (b4's trailer-order; default '*': as collected)" };

    public static Command Create()
    {
        var cmd = new Command("series", "Show the patch series of a message: revisions, patches, collected trailers, status")
        {
            Id, Mbox, Sloppy, NoAdd, AddMySob, CopyCcs, AddLink, AddMessageId, LinkPrefix, TrailerOrder,
        };
        cmd.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var first = Lookup.One(store, pr.GetValue(Id)!);
            var (series, messages) = SeriesFinder.Find(store, first, new SeriesOptions(Sloppy: pr.GetValue(Sloppy)));
            if (series is null) throw new UserError($"{pr.GetValue(Id)}: no patch series in this message's thread");
            if (pr.GetValue(Mbox))
            {
                // Like b4 am: the newest revision posted in the message's own thread; newer ones elsewhere are named.
                var inThread = store.ThreadMessages(first.ThreadId).Select(r => r.MessageId).ToHashSet(StringComparer.Ordinal);
                var revision = series.Revisions.LastOrDefault(r => r.Patches.Any(p => inThread.Contains(p.MessageId))) ?? series.Latest;
                if (!ReferenceEquals(revision, series.Latest) && series.Latest.Patches.FirstOrDefault() is { } newer)
                    Console.Error.WriteLine($"note: a newer revision exists: v{series.Latest.Version} <{newer.MessageId}> (ktriage series '{newer.MessageId}' --mbox)");
                Console.Out.Write(AmMbox.Write(revision, messages, AmOptionsOf(pr)));
                return 0;
            }
            if (pr.GetValue(Globals.Json))
            {
                Globals.WriteJsonLine(series);
                return 0;
            }
            Print(series);
            return 0;
        });
        return cmd;
    }

    /// <summary>b4 am's options from the command line.</summary>
    static AmOptions AmOptionsOf(System.CommandLine.ParseResult pr)
    {
        var identity = Identity();
        if (pr.GetValue(AddMySob) && identity is null)
            throw new UserError("--add-my-sob: who are you? Set git config user.email (and user.name), or GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL");
        return new AmOptions(
            NoAddTrailers: pr.GetValue(NoAdd), AddMySob: pr.GetValue(AddMySob), CopyCcs: pr.GetValue(CopyCcs),
            AddLink: pr.GetValue(AddLink), AddMessageId: pr.GetValue(AddMessageId),
            TrailerOrder: pr.GetValue(TrailerOrder) ?? "*", Identity: identity,
            LinkPrefix: pr.GetValue(LinkPrefix) ?? AmOptions.Default.LinkPrefix);
    }

    /// <summary>The user, as git (and so b4) knows them: the committer environment, else git config.</summary>
    static MailAddress? Identity()
    {
        var name = Environment.GetEnvironmentVariable("GIT_COMMITTER_NAME") ?? GitConfig("user.name");
        var email = Environment.GetEnvironmentVariable("GIT_COMMITTER_EMAIL") ?? GitConfig("user.email");
        return string.IsNullOrEmpty(email) ? null : new MailAddress(name ?? "", email);
    }

    static string? GitConfig(string key)
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("git", ["config", "--get", key]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var value = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && value.Length > 0 ? value : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }   // no git installed
    }

    static void Print(PatchSeries s)
    {
        var sb = new StringBuilder();
        sb.Append(s.Title).Append(" — ").Append(s.Author?.ToString() ?? "?").Append(" [").Append(s.Status.ToString().ToLowerInvariant()).Append("]\n");
        foreach (var r in s.Revisions)
        {
            sb.Append($"  v{r.Version}{(r.Resend ? " RESEND" : "")}{(r.Rfc ? " RFC" : "")} {r.Date:yyyy-MM-dd} {r.Completeness}, {r.Status.ToString().ToLowerInvariant()}");
            if (r.CoverMessageId is not null) sb.Append($"  cover <{r.CoverMessageId}>{(r.CoverInferred ? " (inferred)" : "")}");
            sb.Append('\n');
            foreach (var p in r.Patches)
            {
                sb.Append($"    [{p.Counter}/{r.Expected}] {p.Title} <{p.MessageId}>");
                if (p.InheritedFromVersion is { } v) sb.Append($" (from v{v})");
                sb.Append('\n');
                foreach (var c in p.Collected)
                    sb.Append($"        {c.Trailer.AsString(omitExtInfo: true)}{(c.Source == TrailerSource.Reply ? "" : $" ({c.Source.ToString().ToLowerInvariant()})")}\n");
                foreach (var sig in p.Signals.Where(x => !x.Formal))
                    sb.Append($"        ~ {sig.Kind.ToString().ToLowerInvariant()}: \"{sig.Evidence}\" — {sig.Who}\n");
            }
            foreach (var m in r.Missing) sb.Append($"    [{m}/{r.Expected}] missing\n");
            foreach (var u in r.Unused) sb.Append($"    not used (repeated position or another count): <{u}>\n");
        }
        Console.Out.Write(sb.ToString());
    }
}
