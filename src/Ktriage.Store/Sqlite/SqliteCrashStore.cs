using System.Data.Common;
using Ktriage.Core.Crashes;
using Ktriage.Core.Links;
using Ktriage.Store.Crashes;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>The crash knowledge base on SQLite: <see cref="CrashKnowledge"/> over the store's connection.</summary>
public sealed partial class SqliteArchiveStore : ICrashStore, ICrashLookup
{
    CrashKnowledge? crashes;
    CrashKnowledge Crashes => crashes ??= new CrashKnowledge(new Dialect(this));

    sealed class Dialect(SqliteArchiveStore store) : CrashDialect
    {
        public override T Use<T>(Func<DbConnection, T> work)
        {
            try { return work(store.db); }
            catch (SqliteException e) { throw new StoreException($"{store.Path}: {e.Message}", e); }
        }

        public override string InsertionOrder(string alias) => alias + ".rowid";

        /// <summary>The full-text index lives in its own file, attached as "fts" on the search connection.</summary>
        public override IEnumerable<long> Mentioning(DbConnection db, DbTransaction tx, string word)
        {
            if (store.SearchConnection() is not { } search) return [];
            using var c = search.CreateCommand();
            if (ReferenceEquals(search, db)) c.Transaction = (SqliteTransaction)tx;
            c.CommandText = "SELECT rowid FROM fts.message_fts WHERE message_fts MATCH @q";
            c.Parameters.AddWithValue("@q", "\"" + word + "\"");
            using var r = c.ExecuteReader();
            var ids = new List<long>();
            while (r.Read()) ids.Add(r.GetInt64(0));
            return ids;
        }
    }

    public bool RefreshCrashLinks(bool force = false) => Crashes.RefreshCrashLinks(force);
    public IReadOnlyList<ClusterRow> CrashClusters(string? list = null, DateTimeOffset? since = null) => Crashes.CrashClusters(list, since);
    public ClusterRow? CrashCluster(long id) => Crashes.CrashCluster(id);
    public long? ClusterOfMessage(string messageId) => Crashes.ClusterOfMessage(messageId);
    public IReadOnlyList<ClusterReportRow> ClusterReports(long cluster) => Crashes.ClusterReports(cluster);
    public IReadOnlyList<FixLinkRow> FixLinks(long? cluster = null) => Crashes.FixLinks(cluster);
    public IReadOnlyList<CrashMatch> MatchCrash(CrashReport report, int max = 5) => Crashes.MatchCrash(report, max);
}
