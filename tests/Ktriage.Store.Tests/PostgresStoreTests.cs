using Ktriage.Core.Mail;
using Ktriage.Store.Postgres;
using Ktriage.TestSupport;

namespace Ktriage.Store.Tests;

/// <summary>The store contract on a real PostgreSQL server (a fresh database per test), plus what is PostgreSQL's own.</summary>
[NeedsPostgres]
public sealed class PostgresStoreTests : StoreContract
{
    readonly Lazy<TestDatabase> db = new(() => new TestDatabase());

    protected override IArchiveStore Open(bool readOnly = false) => PostgresArchiveStore.Open(db.Value.Url, readOnly);

    public override void Dispose()
    {
        if (db.IsValueCreated) db.Value.Dispose();
    }

    [Fact]
    public void Urls_become_connection_strings_and_bad_ones_name_the_input()
    {
        var cs = PostgresArchiveStore.ConnectionString("postgres://kt:s3cret@db.example.org:6543/archive?sslmode=disable");
        Assert.Contains("Host=db.example.org", cs);
        Assert.Contains("Port=6543", cs);
        Assert.Contains("Database=archive", cs);
        Assert.Contains("Username=kt", cs);
        Assert.Contains("Password=s3cret", cs);
        Assert.Contains("Host=/run/pg", PostgresArchiveStore.ConnectionString("postgres://kt@localhost/a?host=/run/pg"));
        Assert.Contains("no database name", Assert.Throws<StoreException>(() => PostgresArchiveStore.ConnectionString("postgres://kt@localhost/")).Message);
        var e = Assert.Throws<StoreException>(() => PostgresArchiveStore.ConnectionString("postgres://kt:pw@localhost/a?colour=blue"));
        Assert.Contains("unknown connection parameter 'colour'", e.Message);
        Assert.DoesNotContain("pw", e.Message);
    }

    [StoreFact]
    public void An_unreachable_server_is_a_store_error_naming_the_url()
    {
        var e = Assert.Throws<StoreException>(() => PostgresArchiveStore.Open("postgres://nobody@localhost/none?host=/nonexistent&port=1&timeout=2"));
        Assert.Contains("postgres://nobody@localhost/none", e.Message);
        Assert.Contains("cannot open database", e.Message);
    }

    [StoreFact]
    public void Phrase_words_in_the_body_match_as_written_too()
    {
        // The body's text is not kept as text on SQLite (FTS5 only has stems): on PostgreSQL every field keeps words as
        // written beside their stems.
        using var store = SearchFixture();
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "b:\"leaks a reference\""));
        Assert.Equal("", Ids(store, "b:\"leak a reference\""));
        Assert.Equal("p1@x p2@x r1@x", Ids(store, "b:leak"));
        Assert.Equal("p1@x p2@x", Ids(store, "nq:\"cancelling a poll\" -q:cancel"));
    }

    [StoreFact]
    public void A_database_of_schema_1_gets_its_full_text_rebuilt_from_the_raw_copies()
    {
        using (var store = SearchFixture()) { }
        // Back to what schema 1 had: per-field tsvector columns (their content does not matter), no crash tables.
        using (var conn = new Npgsql.NpgsqlConnection(PostgresArchiveStore.ConnectionString(db.Value.Url)))
        {
            conn.Open();
            using var cmd = new Npgsql.NpgsqlCommand("""
                DROP TABLE message_doc, crash_clusters, cluster_members, fix_links, cluster_titles, cluster_stacks, cluster_frames, reply_texts;
                ALTER TABLE patches DROP COLUMN description, DROP COLUMN in_words;
                CREATE TABLE message_text(message bigint PRIMARY KEY);
                DELETE FROM schema_version WHERE version > 1;
                """, conn);
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<StoreException>(() => Open(readOnly: true));
        Assert.Contains("older than this ktriage", e.Message);
        using var upgraded = Open();
        Assert.Equal("p1@x p2@x r1@x", Ids(upgraded, "s:\"io_uring: fix\""));
        Assert.Equal("r1@x", Ids(upgraded, "q:cancelling"));
        Assert.True(((ICrashStore)upgraded).RefreshCrashLinks());
        Assert.Single(((ICrashStore)upgraded).CrashClusters());
    }

    [StoreFact]
    public void Two_writers_at_once_never_store_a_message_twice_and_keep_threads_whole()
    {
        // Two stores = two workers: each batch is built while the other one is open, then both commit. The reply in
        // batch B references the root in batch A; both batches carry the same cross-posted message.
        using var s1 = Open();
        using var s2 = Open();
        var b1 = s1.BeginBatch();
        var b2 = s2.BeginBatch();
        b1.Add(MailParser.Parse(Raw("root@x")), Raw("root@x"), "a");
        b1.Add(MailParser.Parse(Raw("both@x")), Raw("both@x"), "a");
        b2.Add(MailParser.Parse(Raw("reply@x", parent: "root@x")), Raw("reply@x", parent: "root@x"), "b");
        b2.Add(MailParser.Parse(Raw("both@x")), Raw("both@x"), "b");
        var t1 = Task.Run(() => { b1.Commit(); b1.Dispose(); });
        var t2 = Task.Run(() => { b2.Commit(); b2.Dispose(); });
        Task.WaitAll(t1, t2);
        var byId = s1.Messages().ToDictionary(m => m.MessageId);
        Assert.Equal(3, byId.Count);
        Assert.Equal(1, s1.Messages().Single(m => m.MessageId == "both@x").Copies);
        Assert.Equal(byId["root@x"].ThreadId, byId["reply@x"].ThreadId);
    }
}
