using System.Data.Common;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Core.Search;
using Ktriage.Store.Crashes;
using Npgsql;

namespace Ktriage.Store.Postgres;

/// <summary>The crash knowledge base on PostgreSQL: <see cref="CrashKnowledge"/> over pooled connections, the same
/// tables as SQLite's (migration 2).</summary>
public sealed partial class PostgresArchiveStore : ICrashStore, ICrashLookup
{
    CrashKnowledge? crashes;
    CrashKnowledge Crashes => crashes ??= new CrashKnowledge(new Dialect(this));

    sealed class Dialect(PostgresArchiveStore store) : CrashDialect
    {
        public override T Use<T>(Func<DbConnection, T> work)
        {
            try
            {
                using var conn = store.Connect();
                return work(conn);
            }
            catch (NpgsqlException e) { throw new StoreException($"{store.Display}: {e.Message}", e); }
        }

        /// <summary>Ingest processes finishing together would otherwise rewrite the same clusters at once: the second
        /// waits, then finds them up to date. A session lock, taken before the transaction starts, so that the
        /// transaction's snapshot includes what the first one wrote.</summary>
        public override IDisposable LockForRefresh(DbConnection db)
        {
            var conn = (NpgsqlConnection)db;
            Exec(conn, null, $"SELECT pg_advisory_lock({PostgresSchema.CrashLinksLock})", timeout: 0);
            return new Unlock(conn);
        }

        sealed class Unlock(NpgsqlConnection conn) : IDisposable
        {
            public void Dispose() => Exec(conn, null, $"SELECT pg_advisory_unlock({PostgresSchema.CrashLinksLock})");
        }

        /// <summary>Repeatable read: every query of the linker sees the same archive, however ingest goes on.</summary>
        public override DbTransaction BeginRefresh(DbConnection db) => ((NpgsqlConnection)db).BeginTransaction(System.Data.IsolationLevel.RepeatableRead);

        // No rowid: message ids grow with insertion, and a patch has one row per path or function.
        public override string InsertionOrder(string alias) => alias + ".message";

        public override IEnumerable<long> Mentioning(DbConnection db, DbTransaction tx, string word)
        {
            var conn = (NpgsqlConnection)db;
            var node = new TextNode(SearchFields.Columns.Aggregate(TextField.None, (a, f) => a | f), [word], false, false);
            var stems = PostgresTextIndex.Stems(conn, [word.ToLowerInvariant()]);
            using var cmd = new NpgsqlCommand("SELECT message FROM message_doc WHERE head @@ $1::tsquery OR body @@ $2::tsquery", conn, (NpgsqlTransaction)tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = PostgresTextIndex.Query(node, DocPart.Head, stems) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = PostgresTextIndex.Query(node, DocPart.Body, stems) });
            using var r = cmd.ExecuteReader();
            var ids = new List<long>();
            while (r.Read()) ids.Add(r.GetInt64(0));
            return ids;
        }
    }

    public bool RefreshCrashLinks(bool force = false) =>
        readOnly ? throw new StoreException($"{Display}: opened read-only, cannot compute crash clusters") : Crashes.RefreshCrashLinks(force);
    public IReadOnlyList<ClusterRow> CrashClusters(string? list = null, DateTimeOffset? since = null) => Crashes.CrashClusters(list, since);
    public ClusterRow? CrashCluster(long id) => Crashes.CrashCluster(id);
    public long? ClusterOfMessage(string messageId) => Crashes.ClusterOfMessage(messageId);
    public IReadOnlyList<ClusterReportRow> ClusterReports(long cluster) => Crashes.ClusterReports(cluster);
    public IReadOnlyList<FixLinkRow> FixLinks(long? cluster = null) => Crashes.FixLinks(cluster);
    public IReadOnlyList<CrashMatch> MatchCrash(CrashReport report, int max = 5) => Crashes.MatchCrash(report, max);
}
