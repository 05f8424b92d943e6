using Ktriage.Core.Mail;
using Ktriage.Sources.LorePage;

namespace Ktriage.Sources.Tests;

/// <summary>Pages found by fuzz/Ktriage.Fuzz (target lore) that made `ktriage ingest page.txt` fail with
/// ArgumentOutOfRangeException: a thread page's dates were turned into DateTime without checking they exist.
/// Fixtures/Fuzz/lore-*.txt are the two-message thread page of the fuzz seeds with one date broken.</summary>
public sealed class LorePageFuzzRegressionTests
{
    static Task<List<RawMessage>> Read(string name) =>
        new LorePageSource(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Fuzz", name)).AllAsync();

    [Fact]
    public async Task A_message_whose_From_line_has_no_real_date_is_skipped_and_the_others_are_kept()
    {
        var items = await Read("lore-thread-month-13.txt");

        var only = Assert.Single(items);
        Assert.Equal(RawKind.Message, only.Kind);
        Assert.Equal("[PATCH 1/2] lockd: fix a race", MailParser.Parse(only.Bytes).Subject);
    }

    [Fact]
    public async Task A_parent_line_with_no_real_date_leaves_the_reply_without_a_parent()
    {
        var messages = (await Read("lore-thread-parent-hour-99.txt")).Select(i => MailParser.Parse(i.Bytes)).ToList();

        Assert.Equal(["[PATCH 1/2] lockd: fix a race", "[PATCH 2/2] nfs: fix another"], messages.Select(m => m.Subject));
        Assert.Null(messages[1].InReplyTo);
    }
}
