using System.Text.Json;
using Ktriage.Store.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>Ingest stores what the crash linker reads of report-thread replies (reply_texts) and of patches
/// (patches.in_words), so that linking does not parse those messages again; a database ingested before has none, and
/// the linker parses them. Both ways must give the same clusters and links.</summary>
public abstract partial class StoreContract
{
    /// <summary>A second fix, posted on its own, whose message names the crash with its title wrapped.</summary>
    static readonly Ktriage.Core.Mail.RawMessage NamingFix = Mail("named@x", "Dev Eloper <dev@example.org>", "[PATCH v2] quokka: check the device first",
        "Thu, 06 Mar 2025 10:00:00 +0000", """
        Booting with an absent device gives "BUG: unable to handle kernel NULL pointer
        dereference in quokka_probe": check it before use.

        Signed-off-by: Dev Eloper <dev@example.org>
        ---
        diff --git a/drivers/misc/quokka.c b/drivers/misc/quokka.c
        --- a/drivers/misc/quokka.c
        +++ b/drivers/misc/quokka.c
        @@ -10,6 +10,8 @@ static int quokka_probe(struct quokka *q)
         {
        +	if (!q || !q->dev)
        +		return -ENODEV;
         	q->dev->count++;
         	return 0;
         }

        """);

    /// <summary>A patch touching the crash's function that never names the crash.</summary>
    static readonly Ktriage.Core.Mail.RawMessage Cleanup = Mail("cleanup@x", "Dev Eloper <dev@example.org>", "[PATCH] quokka: count probes in a helper",
        "Fri, 07 Mar 2025 10:00:00 +0000", """
        quokka_probe() updates the counter itself: move that to quokka_count().

        Signed-off-by: Dev Eloper <dev@example.org>
        ---
        diff --git a/drivers/misc/quokka.c b/drivers/misc/quokka.c
        --- a/drivers/misc/quokka.c
        +++ b/drivers/misc/quokka.c
        @@ -10,6 +10,6 @@ static int quokka_probe(struct quokka *q)
         {
        -	q->dev->count++;
        +	quokka_count(q);
         	return 0;
         }

        """);

    [StoreFact]
    public void Crash_links_from_what_ingest_stored_are_the_links_from_the_raw_messages()
    {
        using var store = Open();
        var crashes = (ICrashStore)store;
        foreach (var raw in OrderFixture().Concat([CrashMail, Fix, Confirmation, NamingFix, Cleanup])) AddUnderstood(store, raw);
        // Which candidates mention the crash's function comes from the full-text index, as after an ingest.
        store.FlushIndex();

        (string Links, LinkCounts Counts) Refresh(bool ignoreStored)
        {
            var counts = new LinkCounts();
            LinkSchedule.Override.Value = new LinkSchedule(1, IgnoreStored: ignoreStored, Counts: counts);
            try { Assert.True(crashes.RefreshCrashLinks(force: true)); }
            finally { LinkSchedule.Override.Value = null; }
            var clusters = crashes.CrashClusters();
            return (JsonSerializer.Serialize(new { clusters, reports = clusters.Select(c => crashes.ClusterReports(c.Id)), links = crashes.FixLinks() }), counts);
        }

        var (stored, read) = Refresh(ignoreStored: false);
        var (parsed, parsing) = Refresh(ignoreStored: true);
        Assert.Equal(parsed, stored);
        // The replies of the report threads (the diff in wombat's thread, the pointer in quokka's, the fix in the
        // thread of report@x and its confirmation) were read as stored; of the candidates' texts only those with
        // "in quokka_probe" were read.
        Assert.Equal(4, read.StoredReplies);
        Assert.True(read.SkippedTexts > 0, "no candidate text was ruled out by its stored words");
        Assert.True(read.Parses < parsing.Parses, $"{read.Parses} parses with what ingest stored, {parsing.Parses} without");
        var quokka = crashes.ClusterOfMessage("report@x")!.Value;
        Assert.Contains(crashes.FixLinks(quokka).Single(f => f.MessageId == "named@x").Evidence, e => e.Code == "names-title");
        Assert.DoesNotContain(crashes.FixLinks(quokka).Single(f => f.MessageId == "fix@x").Evidence, e => e.Code == "names-title");
        Assert.DoesNotContain(crashes.FixLinks(quokka).Single(f => f.MessageId == "cleanup@x").Evidence, e => e.Code == "names-title");
    }
}

public abstract partial class StoreContract
{
    [StoreFact]
    public void A_syz_fix_command_links_the_patches_whose_subject_contains_its_title_and_no_other()
    {
        using var store = Open();
        var crashes = (ICrashStore)store;
        // Two patches whose subjects, one after the other, read like the title: neither contains it.
        static string Diff(string line) => $"""
            Signed-off-by: Dev Eloper <dev@example.org>
            ---
            diff --git a/drivers/misc/quokka.c b/drivers/misc/quokka.c
            --- a/drivers/misc/quokka.c
            +++ b/drivers/misc/quokka.c
            @@ -1,2 +1,3 @@
             #include <linux/module.h>
            +{line}

            """;
        var halves = new[]
        {
            Mail("half1@x", "Dev Eloper <dev@example.org>", "[PATCH] quokka: check the", "Tue, 04 Mar 2025 09:00:00 +0000", Diff("/* one */")),
            Mail("half2@x", "Dev Eloper <dev@example.org>", "device first", "Tue, 04 Mar 2025 09:30:00 +0000", Diff("/* two */")),
        };
        var command = Mail("syzfix@x", "Rita Reporter <rita@example.org>", "Re: quokka oops on boot", "Fri, 07 Mar 2025 08:00:00 +0000",
            "#syz fix: quokka: check the device first\n", parent: "report@x");
        foreach (var raw in new[] { CrashMail }.Concat(halves).Append(NamingFix).Append(command)) AddUnderstood(store, raw);
        store.FlushIndex();
        Assert.True(crashes.RefreshCrashLinks());

        var cluster = crashes.ClusterOfMessage("report@x")!.Value;
        var named = crashes.FixLinks(cluster).Where(f => f.Evidence.Any(e => e.Code == "syz-fix")).Select(f => f.MessageId).ToList();
        Assert.Equal(["named@x"], named);
    }
}
