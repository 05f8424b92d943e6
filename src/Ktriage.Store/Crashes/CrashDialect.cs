using System.Data.Common;

namespace Ktriage.Store.Crashes;

/// <summary>What the crash knowledge base (<see cref="CrashKnowledge"/>, <see cref="CrashLinker"/>) needs from a store
/// beyond SQL both SQLite and PostgreSQL understand. Parameters are written @name, which both providers accept.</summary>
internal abstract class CrashDialect
{
    /// <summary>Runs <paramref name="work"/> on an open connection of the store (SQLite: its own; PostgreSQL: a pooled
    /// one), driver errors turned into <see cref="StoreException"/>s naming the database.</summary>
    public abstract T Use<T>(Func<DbConnection, T> work);

    /// <summary>Held while a refresh runs (disposed after its commit): several processes may refresh one PostgreSQL
    /// database at once.</summary>
    public virtual IDisposable? LockForRefresh(DbConnection db) => null;

    /// <summary>The refresh transaction: it must read one consistent state of the archive while ingest goes on.</summary>
    public virtual DbTransaction BeginRefresh(DbConnection db) => db.BeginTransaction();

    /// <summary>An expression ordering rows of <paramref name="alias"/> (patch_files / patch_functions) as inserted.</summary>
    public abstract string InsertionOrder(string alias);

    /// <summary>Ids of the messages whose text contains <paramref name="word"/> (letters, digits, '_'), by the full-text index.</summary>
    public abstract IEnumerable<long> Mentioning(DbConnection db, DbTransaction tx, string word);
}

internal static class DbCommandExtensions
{
    /// <summary>Sets a parameter (null as DBNull), adding it the first time, for any ADO.NET provider.</summary>
    public static DbCommand Bind(this DbCommand cmd, string name, object? value)
    {
        if (cmd.Parameters.Contains(name))
        {
            cmd.Parameters[name].Value = value ?? DBNull.Value;
            return cmd;
        }
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return cmd;
    }
}
