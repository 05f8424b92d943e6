using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Store;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>What every store must do: run once per store (SqliteStoreTests, PostgresStoreTests).</summary>
public abstract partial class StoreContract : IDisposable
{
    /// <summary>Opens the test's store (the same database every time within one test).</summary>
    protected abstract IArchiveStore Open(bool readOnly = false);

    public virtual void Dispose() { }

    internal static RawMessage Raw(string id, string? parent = null, string subject = "s", string body = "hello\n", string to = "list@example.org",
        string? refs = null, string origin = "test")
    {
        var sb = new StringBuilder();
        sb.Append("From: Dev <dev@example.org>\nTo: ").Append(to).Append('\n');
        sb.Append("Subject: ").Append(subject).Append("\nDate: Mon, 03 Mar 2025 09:12:44 +0100\n");
        sb.Append("Message-ID: <").Append(id).Append(">\n");
        if (parent is not null) sb.Append("In-Reply-To: <").Append(parent).Append(">\n");
        if (refs is not null) sb.Append("References: ").Append(refs).Append('\n');
        sb.Append('\n').Append(body);
        return RawMessage.Of(Encoding.UTF8.GetBytes(sb.ToString()), new SourceLocator(origin));
    }

    internal static AddOutcome Add(IArchiveStore store, RawMessage raw, string list = "l")
    {
        using var b = store.BeginBatch();
        var r = b.Add(MailParser.Parse(raw), raw, list);
        b.Commit();
        return r;
    }

    [StoreFact]
    public void Reply_arriving_before_its_parent_joins_the_parents_thread()
    {
        using var store = Open();
        Add(store, Raw("reply@x", parent: "root@x"));
        Add(store, Raw("other@x"));
        Add(store, Raw("root@x"));
        var byId = store.Messages().ToDictionary(m => m.MessageId);
        Assert.Equal(byId["root@x"].ThreadId, byId["reply@x"].ThreadId);
        Assert.NotEqual(byId["root@x"].ThreadId, byId["other@x"].ThreadId);
        Assert.Equal(2, store.Stats().Threads);
    }

    [StoreFact]
    public void A_resolved_problem_is_gone_and_the_others_stay()
    {
        using var store = Open();
        var missing = new SourceLocator("repo", Blob: "b1", Commit: "c1");
        using (var b = store.BeginBatch())
        {
            b.Problem(RawMessage.Failure(missing, "blob b1 is missing"));
            b.Problem(RawMessage.Failure(new SourceLocator("repo", Blob: "b2", Commit: "c2"), "blob b2 is missing"));
            b.Problem(RawMessage.Failure(missing with { Origin = "other" }, "blob b1 is missing"));
            b.Commit();
        }
        using (var b = store.BeginBatch())
        {
            b.Resolved(missing);
            b.Commit();
        }
        Assert.Equal(["other commit c1 blob b1", "repo commit c2 blob b2"], store.Problems(10).Select(p => p.Locator).Order());
    }

    [StoreFact]
    public void Two_replies_to_a_missing_message_share_a_thread_through_the_ghost()
    {
        using var store = Open();
        Add(store, Raw("a@x", parent: "ghost@x"));
        Add(store, Raw("b@x", refs: "<ghost@x> <a@x>"));
        Add(store, Raw("c@x", parent: "ghost@x"));
        Assert.Single(store.Messages().Select(m => m.ThreadId).Distinct());
    }

    [StoreFact]
    public void A_later_message_merges_two_existing_threads()
    {
        using var store = Open();
        Add(store, Raw("a@x"));
        Add(store, Raw("b@x"));
        Assert.Equal(2, store.Stats().Threads);
        Add(store, Raw("c@x", refs: "<a@x> <b@x>"));
        Assert.Equal(1, store.Stats().Threads);
        Assert.Equal(3, store.ThreadMessages(store.FindMessages("a@x")[0].ThreadId).Count);
    }

    [StoreFact]
    public void Same_subject_without_references_is_not_merged()
    {
        using var store = Open();
        Add(store, Raw("a@x", subject: "[PATCH] fix it"));
        Add(store, Raw("b@x", subject: "Re: [PATCH] fix it"));
        Assert.Equal(2, store.Stats().Threads);
    }

    [StoreFact]
    public void Byte_identical_redelivery_is_stored_once_and_same_body_with_other_headers_is_a_second_copy()
    {
        using var store = Open();
        Assert.Equal(AddOutcome.Added, Add(store, Raw("a@x")));
        Assert.Equal(AddOutcome.Duplicate, Add(store, Raw("a@x")));
        Assert.Equal(AddOutcome.NewCopy, Add(store, Raw("a@x", to: "other-list@example.org"), "other"));
        var m = Assert.Single(store.Messages());
        Assert.Equal(2, m.Copies);
        Assert.Single(store.Messages("other"));
        Assert.Equal(2, store.Copies(m.Id).Count);
    }

    [StoreFact]
    public void Different_messages_sharing_a_MessageId_are_all_kept_and_marked()
    {
        using var store = Open();
        Add(store, Raw("a@x", body: "first\n"));
        Add(store, Raw("a@x", body: "second, different\n"));
        var rows = store.FindMessages("<a@x>");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(r.SharedId));
    }

    [StoreFact]
    public void Deletion_removes_the_message_and_its_search_entry()
    {
        using var store = Open();
        var raw = Raw("a@x", body: "zanzibar quokka\n");
        Add(store, raw);
        Assert.Single(store.Search("\"quokka\"", 10));
        using (var b = store.BeginBatch())
        {
            Assert.Equal(AddOutcome.Deleted, b.Delete(MailParser.Parse(raw), raw with { Kind = RawKind.Deletion }, "l"));
            b.Commit();
        }
        Assert.Empty(store.Messages());
        Assert.Empty(store.Search("\"quokka\"", 10));
    }

    [StoreFact]
    public void An_uncommitted_batch_leaves_no_trace_and_keeps_the_previous_checkpoint()
    {
        using var store = Open();
        using (var b = store.BeginBatch())
        {
            b.Add(MailParser.Parse(Raw("a@x")), Raw("a@x"), "l");
            b.SetCheckpoint("repo", "c1");
            b.Commit();
        }
        using (var b = store.BeginBatch())
        {
            b.Add(MailParser.Parse(Raw("b@x")), Raw("b@x"), "l");
            b.SetCheckpoint("repo", "c2");
            // disposed without Commit: as if the process died here
        }
        Assert.Equal("c1", store.GetCheckpoint("repo"));
        Assert.Equal(["a@x"], store.Messages().Select(m => m.MessageId));
    }

    [StoreFact]
    public void Readers_see_committed_data_while_a_writer_holds_a_batch_open()
    {
        using var store = Open();
        Add(store, Raw("a@x"));
        using var b = store.BeginBatch();
        b.Add(MailParser.Parse(Raw("b@x")), Raw("b@x"), "l");
        using var reader = Open(readOnly: true);
        Assert.Single(reader.Messages());
    }

    [StoreFact]
    public void An_uncommitted_batch_leaves_nothing_in_the_index()
    {
        using var store = Open();
        using (var b = store.BeginBatch()) b.Add(MailParser.Parse(Raw("a@x", body: "quokka\n")), Raw("a@x", body: "quokka\n"), "l");
        Add(store, Raw("b@x", body: "other\n"));
        Assert.Empty(store.Search("quokka", 10));
        Assert.Single(store.Search("other", 10));
    }
}
