namespace Ktriage.Store.Sqlite;

/// <summary>Schema migrations, applied in order; PRAGMA user_version records the last one applied.</summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    [
        // 1: archive core
        """
        CREATE TABLE lists(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        -- AUTOINCREMENT: an id is never reused, so a full-text row left for a deleted message (the index is a separate
        -- file committed after this one, see FtsIndexer) can never match a later message.
        CREATE TABLE messages(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            synthetic_id INTEGER NOT NULL DEFAULT 0,
            thread_id INTEGER NOT NULL,
            list_id INTEGER NOT NULL REFERENCES lists(id),
            subject TEXT NOT NULL,
            from_name TEXT NOT NULL,
            from_email TEXT NOT NULL,
            to_addrs TEXT NOT NULL,
            cc_addrs TEXT NOT NULL,
            date INTEGER NOT NULL,
            date_from_header INTEGER NOT NULL,
            in_reply_to TEXT,
            refs TEXT NOT NULL,
            UNIQUE(message_id, body_hash));
        CREATE INDEX messages_thread ON messages(thread_id, date);
        CREATE INDEX messages_list_date ON messages(list_id, date);
        -- Every stored copy, byte for byte. content_hash makes byte-identical re-deliveries one row.
        CREATE TABLE copies(
            id INTEGER PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            content_hash TEXT NOT NULL UNIQUE,
            list_id INTEGER NOT NULL REFERENCES lists(id),
            origin TEXT NOT NULL,
            blob TEXT,
            git_commit TEXT,
            raw BLOB NOT NULL);
        CREATE INDEX copies_message ON copies(message);
        CREATE INDEX copies_list ON copies(list_id, message);
        -- Every Message-ID ever seen (messages and ghosts referenced by them) → thread: public-inbox's tid.
        CREATE TABLE ids(mid TEXT PRIMARY KEY, tid INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX ids_tid ON ids(tid);
        CREATE TABLE checkpoints(origin TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE problems(id INTEGER PRIMARY KEY, origin TEXT NOT NULL, locator TEXT NOT NULL, problem TEXT NOT NULL,
            at INTEGER NOT NULL, UNIQUE(origin, locator));
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- The full-text index is in its own file, <db>.fts: see FtsIndexer.
        """,
        // 2: understanding stored at ingest: patches (JSON plus the columns later queries select on), crash reports
        """
        CREATE TABLE patches(
            message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            version INTEGER NOT NULL,
            counter INTEGER NOT NULL,
            total INTEGER NOT NULL,
            patch_id TEXT,
            info TEXT NOT NULL);
        CREATE INDEX patches_patch_id ON patches(patch_id);
        CREATE TABLE patch_files(message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, path TEXT NOT NULL);
        CREATE INDEX patch_files_path ON patch_files(path);
        CREATE TABLE patch_functions(message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, function TEXT NOT NULL);
        CREATE INDEX patch_functions_function ON patch_functions(function);
        CREATE TABLE trailers(message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            name TEXT NOT NULL, value TEXT NOT NULL, email TEXT);
        CREATE INDEX trailers_email ON trailers(email);
        CREATE TABLE crash_reports(
            id INTEGER PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            title TEXT NOT NULL,
            type TEXT NOT NULL,
            report TEXT NOT NULL);
        CREATE INDEX crash_reports_title ON crash_reports(title);
        CREATE INDEX crash_reports_message ON crash_reports(message);
        """,
        // 3: the crash knowledge base, derived data recomputed from crash_reports, patches, trailers and messages
        // (Crashes/CrashLinker). IF NOT EXISTS: databases of the first version created these tables on demand.
        """
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
        """,
        // 4: a patch's commit message, so that linking does not parse every candidate fix again (null: stored before)
        """
        ALTER TABLE patches ADD COLUMN description TEXT;
        """,
        // 5: what a new crash log is matched by (`ktriage oops --db`), written with the clusters: the titles each
        // cluster joins on, its representative stacks, and the frame index over their top frames (CrashMatcher).
        """
        CREATE TABLE cluster_titles(title TEXT NOT NULL, cluster INTEGER NOT NULL, PRIMARY KEY(title, cluster)) WITHOUT ROWID;
        CREATE INDEX cluster_titles_cluster ON cluster_titles(cluster);
        CREATE TABLE cluster_stacks(
            cluster INTEGER NOT NULL,
            ord INTEGER NOT NULL,
            frames TEXT NOT NULL,              -- one frame a line: "weight name", crash site first
            total REAL NOT NULL,               -- CrashFrames.TotalWeight: stacks too light or too heavy to match are skipped unread
            PRIMARY KEY(cluster, ord)) WITHOUT ROWID;
        CREATE TABLE cluster_frames(frame TEXT NOT NULL, cluster INTEGER NOT NULL, PRIMARY KEY(frame, cluster)) WITHOUT ROWID;
        CREATE INDEX cluster_frames_cluster ON cluster_frames(cluster);
        -- Databases whose links were computed before this migration have empty tables: recompute.
        DELETE FROM meta WHERE key = 'crash_links';
        """,
        // 6: messages by date (PostgreSQL has had it from migration 1): a search page whose terms select most messages
        // (l:io-uring in its own archive, d:…) walks them newest first and stops after the page, instead of sorting them
        // all. An index on (date) ends with the rowid, so it gives ORDER BY date DESC, id DESC as it is.
        """
        CREATE INDEX IF NOT EXISTS messages_date ON messages(date);
        """,
        // 7: what the crash linker reads of the replies in crash report threads (Crashes/ReplyText.cs), stored at ingest
        // so that linking does not parse them again: the sender's own words (quotes and signature removed), the subject
        // of a patch sent inline, the JSON {functions, files} of a diff in the text when there are no patch_files rows.
        // Databases of before have none: the linker parses those replies. And a patch's InWords (Core/Links/InWords.cs),
        // which tell the linker when a candidate fix cannot name a crash title (null: parse it to know). (No comment on
        // the last line: the version pragma is appended to it.)
        """
        ALTER TABLE patches ADD COLUMN in_words TEXT;
        CREATE TABLE reply_texts(
            message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            own TEXT NOT NULL,
            inline_subject TEXT,
            diff TEXT);
        """,
    ];
}
