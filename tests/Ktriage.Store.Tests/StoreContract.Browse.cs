using Ktriage.Core.Mail;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>The web UI's browsing queries, on every store.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public void Lists_their_threads_with_counts_and_newest_messages()
    {
        using var store = Open();
        using (var b = store.BeginBatch())
        {
            foreach (var (raw, list) in new[]
            {
                (Raw("a1@x", subject: "first thread"), "one"),
                (Raw("b1@x", subject: "second thread"), "one"),
                (Raw("a2@x", parent: "a1@x", subject: "Re: first thread", body: "later reply\n"), "one"),
                (Raw("c1@x", subject: "elsewhere"), "two"),
            })
                b.Add(MailParser.Parse(raw), raw, list);
            b.Commit();
        }
        Assert.Equal([("one", 3L), ("two", 1L)], store.Lists().Select(l => (l.Name, l.Messages)));
        var threads = store.ListThreads("one", 0, 10);
        Assert.Equal(2, threads.Count);
        var first = Assert.Single(threads, t => t.Root.MessageId == "a1@x");
        Assert.Equal(2, first.Messages);
        Assert.Equal(["a1@x", "b1@x"], threads.Select(t => t.Root.MessageId).Order());
        // The same order page by page.
        Assert.Equal(threads[1].Root.MessageId, Assert.Single(store.ListThreads("one", 1, 10)).Root.MessageId);
        Assert.Equal(3, store.NewestMessages("one", 10).Count);
        Assert.Equal("c1@x", Assert.Single(store.NewestMessages("two", 10)).MessageId);
    }
}
