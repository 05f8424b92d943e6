using Ktriage.Core.Mail;
using Ktriage.Store;
using Ktriage.Store.Sqlite;

namespace Ktriage.Store.Tests;

/// <summary>The store contract on SQLite, plus what is SQLite's own: the separate full-text index file.</summary>
public sealed class SqliteStoreTests : StoreContract
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-store-").FullName;
    string DbPath => Path.Combine(dir, "t.db");

    protected override IArchiveStore Open(bool readOnly = false) => SqliteArchiveStore.Open(DbPath, readOnly);

    public override void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Opening_something_that_is_not_a_database_names_the_file()
    {
        File.WriteAllText(DbPath, "this is a text file, not sqlite, and it is long enough to have a header page......");
        var e = Assert.Throws<StoreException>(() => SqliteArchiveStore.Open(DbPath));
        Assert.Contains("t.db", e.Message);
        Assert.Contains("not a database", e.Message);
    }

    /// <summary>Runs SQL on the full-text file the way a process killed at the wrong moment would have left it.</summary>
    void OnIndexFile(string sql)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath}.fts;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public void A_batch_committed_in_main_but_not_in_the_index_is_indexed_on_reopen()
    {
        long id;
        using (var store = SqliteArchiveStore.Open(DbPath))
        {
            Add(store, Raw("a@x", body: "aardvark\n"));
            Add(store, Raw("b@x", subject: "zanzibar", body: "quokka numbat\n"));
            id = store.FindMessages("b@x")[0].Id;
            Assert.Single(store.Search("quokka", 10));
        }
        // kill -9 after main committed b's batch but before the index did: b's row and indexed_upto are not there.
        OnIndexFile($"DELETE FROM message_fts WHERE rowid={id}; UPDATE fts_meta SET value={id - 1} WHERE key='indexed_upto'");
        using (var reader = SqliteArchiveStore.Open(DbPath, readOnly: true)) Assert.Empty(reader.Search("quokka", 10));
        using (var store = SqliteArchiveStore.Open(DbPath))
        {
            Assert.Equal("b@x", Assert.Single(store.Search("quokka", 10)).MessageId);
            Assert.Equal("b@x", Assert.Single(store.Search("s:zanzibar", 10)).MessageId);
            Assert.Equal("a@x", Assert.Single(store.Search("aardvark", 10)).MessageId);
        }
        using (var reader = SqliteArchiveStore.Open(DbPath, readOnly: true)) Assert.Single(reader.Search("numbat", 10));
    }

    [Fact]
    public void Ids_of_deleted_messages_are_never_reused_so_a_stale_index_row_matches_nothing()
    {
        using var store = SqliteArchiveStore.Open(DbPath);
        Add(store, Raw("a@x"));
        var raw = Raw("b@x", body: "quokka\n");
        Add(store, raw);
        var deletedId = store.FindMessages("b@x")[0].Id;
        using (var b = store.BeginBatch())
        {
            Assert.Equal(AddOutcome.Deleted, b.Delete(MailParser.Parse(raw), raw with { Kind = RawKind.Deletion }, "l"));
            b.Commit();
        }
        store.FlushIndex();
        // kill -9 after main committed the deletion but before the index did: the row is still in the index.
        OnIndexFile($"INSERT INTO message_fts(rowid, subject, author, nq) VALUES({deletedId}, 's', 'Dev', 'quokka')");
        Add(store, Raw("c@x", body: "something else\n"));
        Assert.True(store.FindMessages("c@x")[0].Id > deletedId);
        Assert.Empty(store.Search("quokka", 10));
    }

    [Fact]
    public void An_index_left_by_another_database_is_emptied()
    {
        using (var store = SqliteArchiveStore.Open(DbPath)) Add(store, Raw("a@x", body: "quokka\n"));
        File.Delete(DbPath);
        foreach (var f in new[] { "-wal", "-shm" }) File.Delete(DbPath + f);
        using var fresh = SqliteArchiveStore.Open(DbPath);
        Add(fresh, Raw("b@x", body: "other\n"));
        Assert.Empty(fresh.Search("quokka", 10));
        Assert.Single(fresh.Search("other", 10));
    }
}
