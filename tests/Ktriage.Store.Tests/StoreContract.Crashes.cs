using System.Text;
using Ktriage.Core.Crashes;
using Ktriage.Core.Mail;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>The crash knowledge base (<see cref="ICrashStore"/>, <see cref="ICrashLookup"/>) on every store: a report,
/// the patch posted in its thread and the reporter's confirmation become one cluster with that fix, incrementally.</summary>
public abstract partial class StoreContract
{
    const string Oops = """
        [   50.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
        [   50.1] Oops: 0002 [#1] SMP
        [   50.1] RIP: 0010:quokka_probe+0x10/0x40 [quokka]
        [   50.1] Call Trace:
        [   50.1]  <TASK>
        [   50.1]  quokka_init+0x20/0x50 [quokka]
        [   50.1]  quokka_bind+0x4c/0x1f0 [quokka]
        [   50.1]  do_init_module+0x4c/0x1f0
        [   50.1]  </TASK>
        """;

    const string Title = "BUG: unable to handle kernel NULL pointer dereference in quokka_probe";

    static RawMessage Mail(string id, string from, string subject, string date, string body, string? parent = null)
    {
        var sb = new StringBuilder();
        sb.Append("From: ").Append(from).Append("\nTo: quokka@example.org\nSubject: ").Append(subject);
        sb.Append("\nDate: ").Append(date).Append("\nMessage-ID: <").Append(id).Append(">\n");
        if (parent is not null) sb.Append("In-Reply-To: <").Append(parent).Append(">\nReferences: <").Append(parent).Append(">\n");
        sb.Append('\n').Append(body);
        return RawMessage.Of(Encoding.UTF8.GetBytes(sb.ToString()), new SourceLocator("crash-test"));
    }

    /// <summary>Stores a message with what ingest would find in it (patch facts, crash reports).</summary>
    static void AddUnderstood(IArchiveStore store, RawMessage raw)
    {
        var m = MailParser.Parse(raw);
        using var b = store.BeginBatch();
        b.Add(m, raw, "quokka", MessageFacts.Understand(m).Prepare());
        b.Commit();
    }

    static readonly RawMessage CrashMail = Mail("report@x", "Rita Reporter <rita@example.org>", "quokka oops on boot",
        "Mon, 03 Mar 2025 09:00:00 +0000", "Booting 6.14-rc4 gives:\n\n" + Oops + "\n");

    static readonly RawMessage Fix = Mail("fix@x", "Dev Eloper <dev@example.org>", "[PATCH] quokka: check the device before use in quokka_probe",
        "Tue, 04 Mar 2025 10:00:00 +0000", """
        quokka_probe() dereferences the device before checking it.

        Signed-off-by: Dev Eloper <dev@example.org>
        ---
        diff --git a/drivers/misc/quokka.c b/drivers/misc/quokka.c
        --- a/drivers/misc/quokka.c
        +++ b/drivers/misc/quokka.c
        @@ -10,6 +10,8 @@ static int quokka_probe(struct quokka *q)
         {
        +	if (!q->dev)
        +		return -ENODEV;
         	q->dev->count++;
         	return 0;
         }

        """, parent: "report@x");

    static readonly RawMessage Confirmation = Mail("tested@x", "Rita Reporter <rita@example.org>", "Re: [PATCH] quokka: check the device before use in quokka_probe",
        "Wed, 05 Mar 2025 08:00:00 +0000", "> quokka_probe() dereferences the device before checking it.\n\nYes, that fixes it for me.\n\nTested-by: Rita Reporter <rita@example.org>\n",
        parent: "fix@x");

    [StoreFact]
    public void A_report_its_fix_in_the_thread_and_the_reporters_test_become_one_cluster_with_that_fix()
    {
        using var store = Open();
        var crashes = Assert.IsAssignableFrom<ICrashStore>(store);
        foreach (var raw in new[] { CrashMail, Fix, Confirmation }) AddUnderstood(store, raw);
        Assert.True(crashes.RefreshCrashLinks());
        Assert.False(crashes.RefreshCrashLinks()); // nothing changed: nothing recomputed

        var cluster = Assert.Single(crashes.CrashClusters());
        Assert.Equal(Title, cluster.Title);
        Assert.Equal(1, cluster.Reports);
        Assert.Equal(["quokka"], cluster.Lists);
        Assert.Equal(cluster.Id, crashes.ClusterOfMessage("<report@x>"));
        Assert.Equal("report@x", Assert.Single(crashes.ClusterReports(cluster.Id)).MessageId);
        Assert.Single(crashes.CrashClusters(list: "quokka"));
        Assert.Empty(crashes.CrashClusters(list: "other"));

        var best = crashes.FixLinks(cluster.Id)[0];
        Assert.Equal("fix@x", best.MessageId);
        Assert.True(best.Present);
        Assert.Equal("quokka: check the device before use in quokka_probe", best.Subject);
        var codes = best.Evidence.Select(e => e.Code).ToList();
        Assert.Contains("same-thread", codes);
        Assert.Contains("reporter-confirmed", codes);
        Assert.Contains(best.Signals, s => s.Kind == "tested");

        // A new log with the same crash is matched to the cluster; fixed: finds the report.
        var lookup = Assert.IsAssignableFrom<ICrashLookup>(store);
        var report = Assert.Single(CrashAnalyzer.Analyze(Oops));
        Assert.Equal(cluster.Id, Assert.Single(lookup.MatchCrash(report)).Cluster);
        Assert.Contains(store.Search("fixed:yes", 10), m => m.MessageId == "report@x");
        Assert.DoesNotContain(store.Search("fixed:no", 10), m => m.MessageId == "report@x");
    }

    [StoreFact]
    public void A_later_report_of_the_same_crash_joins_the_cluster_on_the_next_refresh()
    {
        using var store = Open();
        var crashes = (ICrashStore)store;
        foreach (var raw in new[] { CrashMail, Fix, Confirmation }) AddUnderstood(store, raw);
        crashes.RefreshCrashLinks();
        var id = Assert.Single(crashes.CrashClusters()).Id;
        AddUnderstood(store, Mail("again@x", "Other User <other@example.org>", "quokka crash", "Thu, 06 Mar 2025 12:00:00 +0000",
            "Same here on 6.14-rc5:\n\n" + Oops + "\n"));
        Assert.True(crashes.RefreshCrashLinks());
        var cluster = Assert.Single(crashes.CrashClusters());
        Assert.Equal(id, cluster.Id); // ids are the first report's: stable
        Assert.Equal(2, cluster.Reports);
        Assert.Equal(id, crashes.ClusterOfMessage("again@x"));
        Assert.Equal("fix@x", crashes.FixLinks(id)[0].MessageId);
        // The incremental result equals a full recomputation.
        var incremental = crashes.FixLinks().Select(f => (f.Cluster, f.MessageId, string.Join(",", f.Evidence.Select(e => e.Code)))).ToList();
        Assert.True(crashes.RefreshCrashLinks(force: true));
        Assert.Equal(incremental, crashes.FixLinks().Select(f => (f.Cluster, f.MessageId, string.Join(",", f.Evidence.Select(e => e.Code)))).ToList());
    }
}
