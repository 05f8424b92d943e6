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

    public static Command Create()
    {
        var cmd = new Command("series", "Show the patch series of a message: revisions, patches, collected trailers, status") { Id, Mbox, Sloppy };
        cmd.SetAction(pr =>
        {
            using var store = Globals.OpenStore(pr, readOnly: true);
            var first = Lookup.One(store, pr.GetValue(Id)!);
            var (series, messages) = SeriesFinder.Find(store, first, new SeriesOptions(Sloppy: pr.GetValue(Sloppy)));
            if (series is null) throw new UserError($"{pr.GetValue(Id)}: no patch series in this message's thread");
            if (pr.GetValue(Mbox))
            {
                Console.Out.Write(AmMbox.Write(series.Latest, messages, Identity()));
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

    /// <summary>Sign-offs use git's identity when the environment gives one (GIT_COMMITTER_*), like b4.</summary>
    static AmOptions Identity()
    {
        var name = Environment.GetEnvironmentVariable("GIT_COMMITTER_NAME");
        var email = Environment.GetEnvironmentVariable("GIT_COMMITTER_EMAIL");
        return new AmOptions(Identity: string.IsNullOrEmpty(email) ? null : new MailAddress(name ?? "", email));
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
