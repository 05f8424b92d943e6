using System.Text.Json;
using Ktriage.Store.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>The crash linker computes clusters on several threads: what it stores must not depend on how many, nor
/// on which cluster happened to be computed first.</summary>
public abstract partial class StoreContract
{
    static string OopsIn(string function, string caller) => $"""
        [   50.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
        [   50.1] Oops: 0002 [#1] SMP
        [   50.1] RIP: 0010:{function}+0x10/0x40 [zoo]
        [   50.1] Call Trace:
        [   50.1]  <TASK>
        [   50.1]  {caller}+0x20/0x50 [zoo]
        [   50.1]  zoo_dispatch+0x4c/0x1f0 [zoo]
        [   50.1]  do_init_module+0x4c/0x1f0
        [   50.1]  </TASK>
        """;

    /// <summary>Report A (quokka_probe), whose thread points at a diff posted in report B's thread (wombat_read): that
    /// diff was sent as a bare reply, so its functions are known only from its text, read when some cluster needs them.</summary>
    static IEnumerable<Ktriage.Core.Mail.RawMessage> OrderFixture()
    {
        yield return Mail("report@quokka", "Rita Reporter <rita@example.org>", "quokka oops on boot", "Mon, 03 Mar 2025 09:00:00 +0000",
            "Booting 6.14-rc4 gives:\n\n" + OopsIn("quokka_probe", "quokka_init") + "\n");
        yield return Mail("report@wombat", "Sam Tester <sam@example.org>", "wombat crash", "Mon, 03 Mar 2025 12:00:00 +0000",
            "Reading /dev/wombat gives:\n\n" + OopsIn("wombat_read", "wombat_ioctl") + "\n");
        yield return Mail("diff@wombat", "Dev Eloper <dev@example.org>", "Re: wombat crash", "Tue, 04 Mar 2025 10:00:00 +0000", """
            The wombat read goes through quokka_probe first, and that is where it breaks. Does this help?

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
            """, parent: "report@wombat");
        yield return Mail("pointer@quokka", "Dev Eloper <dev@example.org>", "Re: quokka oops on boot", "Wed, 05 Mar 2025 10:00:00 +0000",
            "This should be fixed by https://lore.kernel.org/all/diff@wombat/\n", parent: "report@quokka");
        foreach (var (animal, i) in new[] { "koala", "numbat", "bilby", "dingo" }.Select((a, i) => (a, i)))
            yield return Mail($"report@{animal}", "Rita Reporter <rita@example.org>", $"{animal} oops", $"Thu, 0{6 + i} Mar 2025 09:00:00 +0000",
                "Loading the module gives:\n\n" + OopsIn($"{animal}_open", $"{animal}_init") + "\n");
    }

    [StoreFact]
    public void Crash_links_are_the_same_whatever_the_number_of_threads_and_the_order_clusters_are_computed_in()
    {
        using var store = Open();
        var crashes = (ICrashStore)store;
        foreach (var raw in OrderFixture()) AddUnderstood(store, raw);

        string Refresh(LinkSchedule schedule)
        {
            LinkSchedule.Override.Value = schedule;
            try { Assert.True(crashes.RefreshCrashLinks(force: true)); }
            finally { LinkSchedule.Override.Value = null; }
            var clusters = crashes.CrashClusters();
            return JsonSerializer.Serialize(new { clusters, reports = clusters.Select(c => crashes.ClusterReports(c.Id)), links = crashes.FixLinks() });
        }

        var forward = Refresh(new LinkSchedule(1));
        Assert.Equal(forward, Refresh(new LinkSchedule(1, Reverse: true)));
        Assert.Equal(forward, Refresh(new LinkSchedule(4)));
        Assert.Equal(forward, Refresh(new LinkSchedule(3, Reverse: true)));

        Assert.Equal(6, crashes.CrashClusters().Count);
        // Computed first or last, quokka's cluster sees what the diff in wombat's thread touches.
        var quokka = crashes.ClusterOfMessage("report@quokka")!.Value;
        var pointed = Assert.Single(crashes.FixLinks(quokka), f => f.MessageId == "diff@wombat");
        Assert.Contains(pointed.Evidence, e => e.Code == "referenced");
        Assert.Contains(pointed.Evidence, e => e.Code == "touches-crash-site");
    }
}
