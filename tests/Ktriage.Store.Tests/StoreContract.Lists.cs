using System.Text;
using Ktriage.Core.Mail;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>l: alone and beside text terms, dates, negation and OR, on an archive of two lists: one that holds most of
/// the newest mail (searched by probing each message newest first) and an older, smaller one (searched as the set of
/// its messages), with a message on both and a message whose copy on one list was deleted.</summary>
public abstract partial class StoreContract
{
    static RawMessage ListMail(string id, string list, string date, string subject, string from = "Dev <dev@example.org>") =>
        RawMessage.Of(Encoding.UTF8.GetBytes(
            $"From: {from}\nTo: {list}@vger.kernel.org\nList-Id: <{list}.vger.kernel.org>\nSubject: {subject}\n" +
            $"Date: {date}\nMessage-ID: <{id}>\n\nhello\n"), new SourceLocator("lists-test"));

    IArchiveStore ListsFixture()
    {
        var store = Open();
        using (var b = store.BeginBatch())
        {
            void Add(RawMessage raw, string list) => b.Add(MailParser.Parse(raw), raw, list);
            for (var i = 1; i <= 8; i++)
                Add(ListMail($"u{i}@x", "io-uring", $"Fri, 0{i} Mar 2024 10:00:00 +0000", i % 2 == 1 ? $"io_uring: fix bug {i}" : $"io_uring: add feature {i}",
                    i == 2 ? "Jens Axboe <axboe@kernel.dk>" : "Dev <dev@example.org>"), "io-uring");
            for (var i = 1; i <= 4; i++)
                Add(ListMail($"v{i}@x", "virtualization", $"Sat, 0{i} Jun 2019 10:00:00 +0000", i <= 2 ? $"virtio: fix ring {i}" : $"virtio: add queue {i}",
                    i == 3 ? "Jens Axboe <axboe@kernel.dk>" : "Dev <dev@example.org>"), "virtualization");
            // Cross-posted: one message, a copy on each list (the headers differ, the body does not).
            foreach (var list in new[] { "io-uring", "virtualization" })
            {
                Add(ListMail("x1@x", list, "Thu, 15 Feb 2024 10:00:00 +0000", "vhost: fix crosspost"), list);
                Add(ListMail("x2@x", list, "Fri, 16 Feb 2024 10:00:00 +0000", "vhost: add crosspost"), list);
            }
            b.Commit();
        }
        // x2's copy on io-uring is deleted (public-inbox's `d`): x2 is on virtualization only, though io-uring saw it first.
        using (var b = store.BeginBatch())
        {
            var raw = ListMail("x2@x", "io-uring", "Fri, 16 Feb 2024 10:00:00 +0000", "vhost: add crosspost");
            Assert.Equal(AddOutcome.Deleted, b.Delete(MailParser.Parse(raw), raw with { Kind = RawKind.Deletion }, "io-uring"));
            b.Commit();
        }
        return store;
    }

    [StoreFact]
    public void List_terms_alone_and_with_text_dates_negation_and_or()
    {
        using var store = ListsFixture();
        const string uring = "u1@x u2@x u3@x u4@x u5@x u6@x u7@x u8@x x1@x", virt = "v1@x v2@x v3@x v4@x x1@x x2@x";
        Assert.Equal(uring, Ids(store, "l:io-uring"));
        Assert.Equal(uring, Ids(store, "l:io-uring.vger.kernel.org"));
        Assert.Equal(virt, Ids(store, "l:virtualization"));
        Assert.Equal("u1@x u3@x u5@x u7@x x1@x", Ids(store, "l:io-uring s:fix"));
        Assert.Equal("v1@x v2@x x1@x", Ids(store, "l:virtualization s:fix"));
        Assert.Equal("u5@x u6@x u7@x u8@x", Ids(store, "l:io-uring d:2024-03-05.."));
        Assert.Equal("v1@x v2@x", Ids(store, "l:virtualization d:2019-06-01..2019-06-02"));
        Assert.Equal("u1@x u3@x", Ids(store, "l:io-uring s:fix d:2024-03-01..2024-03-04"));
        Assert.Equal("v1@x v2@x", Ids(store, "s:fix -l:io-uring"));
        Assert.Equal("u1@x u3@x u5@x u7@x", Ids(store, "s:fix -l:virtualization"));
        Assert.Equal("u1@x u3@x u5@x u7@x", Ids(store, "s:fix NOT l:virtualization.vger.kernel.org"));
        Assert.Equal("v1@x v2@x v3@x v4@x x2@x", Ids(store, "d:2019-01-01.. -l:io-uring"));
        Assert.Equal("u1@x u2@x u3@x u4@x u5@x u6@x u7@x u8@x v3@x x1@x", Ids(store, "l:io-uring OR f:axboe"));
        Assert.Equal("u2@x " + virt, Ids(store, "l:virtualization OR f:axboe"));
        Assert.Equal("x1@x", Ids(store, "l:io-uring l:virtualization"));
        Assert.Equal("u2@x u4@x u6@x u8@x v3@x v4@x x2@x", Ids(store, "(l:io-uring OR l:virtualization) -s:fix"));
        Assert.Equal("u1@x u3@x x1@x", Ids(store, "(s:fix l:io-uring d:..2024-03-03) OR (s:add l:nosuch)"));
        Assert.Equal("", Ids(store, "l:nosuch"));
        Assert.Equal("u1@x u3@x u5@x u7@x v1@x v2@x x1@x", Ids(store, "s:fix -l:nosuch"));
    }

    [StoreFact]
    public void A_page_of_list_results_is_the_newest_first()
    {
        using var store = ListsFixture();
        string Page(string query, int n) => string.Join(" ", store.Search(query, n).Select(m => m.MessageId));
        Assert.Equal("u8@x u7@x u6@x", Page("l:io-uring", 3));
        Assert.Equal("x2@x x1@x", Page("l:virtualization", 2));
        Assert.Equal("x1@x v2@x", Page("l:virtualization s:fix", 2));
        Assert.Equal("u7@x u5@x", Page("l:io-uring s:fix", 2));
        Assert.Equal("x1@x v4@x", Page("l:virtualization -l:nosuch d:..2024-02-15", 2));
        Assert.Equal("u8@x u7@x", Page("l:io-uring OR f:axboe", 2));
    }
}
