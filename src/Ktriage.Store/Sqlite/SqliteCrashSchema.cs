namespace Ktriage.Store.Sqlite;

/// <summary>
/// Tables of the crash knowledge base. Meant to become migration 3 in <see cref="SqliteSchema"/>; until the lead
/// appends it there, <see cref="SqliteArchiveStore.RefreshCrashLinks"/> creates them on demand (IF NOT EXISTS), so
/// both paths give the same schema. Everything here is derived data: recomputed from crash_reports, patches,
/// trailers and messages.
/// </summary>
internal static class SqliteCrashSchema
{
    public const string Sql = """
        -- Linking reads a candidate patch's files, functions and trailers by message; migration 2 indexes them only
        -- by value. (Also makes ON DELETE CASCADE from messages cheap.)
        CREATE INDEX IF NOT EXISTS patch_files_message ON patch_files(message);
        CREATE INDEX IF NOT EXISTS patch_functions_message ON patch_functions(message);
        CREATE INDEX IF NOT EXISTS trailers_message ON trailers(message);
        CREATE TABLE IF NOT EXISTS crash_clusters(
            id INTEGER PRIMARY KEY,            -- crash_reports.id of the cluster's first report: stable across recomputations
            title TEXT NOT NULL,
            alt_titles TEXT NOT NULL,          -- JSON array
            type TEXT NOT NULL,
            bot TEXT,
            bot_ids TEXT NOT NULL,             -- JSON array of syzbot extids
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            reports INTEGER NOT NULL,
            copies INTEGER NOT NULL,
            lists TEXT NOT NULL,               -- JSON array
            key_functions TEXT NOT NULL,       -- JSON array: crash site and top frames, normalised
            guilty_file TEXT);
        CREATE INDEX IF NOT EXISTS crash_clusters_last_seen ON crash_clusters(last_seen);
        CREATE TABLE IF NOT EXISTS cluster_members(
            report INTEGER PRIMARY KEY REFERENCES crash_reports(id) ON DELETE CASCADE,
            cluster INTEGER NOT NULL,
            message INTEGER NOT NULL,
            copy_of INTEGER,                   -- crash_reports.id this report is a quoted/re-posted copy of
            reason TEXT NOT NULL,
            bot TEXT,
            bot_id TEXT);
        CREATE INDEX IF NOT EXISTS cluster_members_cluster ON cluster_members(cluster);
        CREATE INDEX IF NOT EXISTS cluster_members_message ON cluster_members(message);
        CREATE TABLE IF NOT EXISTS fix_links(
            cluster INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            message INTEGER,                   -- null: referenced by Message-ID but not in the archive
            subject TEXT,
            date INTEGER,
            score REAL NOT NULL,               -- with all evidence kinds; commands rescore for --evidence
            evidence TEXT NOT NULL,            -- JSON [{kind, code, weight, detail}]
            signals TEXT NOT NULL,             -- JSON [{kind, date, who}]: reviews/tests/applied on the fix
            PRIMARY KEY(cluster, message_id));
        """;
}
