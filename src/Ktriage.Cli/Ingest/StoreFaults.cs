using Ktriage.Store;
using Ktriage.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ktriage.Cli.Ingest;

/// <summary>Turns a store failing under an ingest (disk full, I/O error) into one line for the user. Nothing is
/// lost: every batch commits with its checkpoint, so the same ingest run again continues after the last one.</summary>
internal static class StoreFaults
{
    const int SqliteIoErr = 10, SqliteFull = 13;

    public static UserError? Explain(Exception e, IArchiveStore store)
    {
        var sqlite = e as SqliteException ?? e.InnerException as SqliteException;
        if (sqlite is null || (sqlite.SqliteErrorCode is not (SqliteIoErr or SqliteFull))) return null;
        var where = store is SqliteArchiveStore s ? s.Path : "the database";
        var what = sqlite.SqliteErrorCode == SqliteFull ? "the disk is full" : "the disk failed a write";
        return new UserError($"{where}: {what} ({sqlite.Message.Replace("SQLite Error", "SQLite error").TrimEnd('.')}); the messages stored before it are kept: " +
                             "free space and run the same ingest again to continue");
    }
}
