namespace Ktriage.Store.Postgres;

/// <summary>Schema migrations, applied in order under an advisory lock (several ingest workers may open a new database
/// at once); schema_version records the last one applied. Same tables and meaning as the SQLite store.</summary>
internal static class PostgresSchema
{
    /// <summary>pg_advisory_lock keys: migrations, the write phase of ingest batches, crash link refreshes.</summary>
    public const long MigrateLock = 0x6b7472_01, WriteLock = 0x6b7472_02, CrashLinksLock = 0x6b7472_03;

    public static readonly string[] Migrations =
    [
        // 1: archive core, understanding, full text
        """
        CREATE TABLE lists(id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);
        -- bigserial: ids are never reused, like the SQLite store's AUTOINCREMENT.
        CREATE TABLE messages(
            id bigserial PRIMARY KEY,
            message_id text NOT NULL,
            body_hash text NOT NULL,
            synthetic_id boolean NOT NULL DEFAULT false,
            thread_id bigint NOT NULL,
            list_id bigint NOT NULL REFERENCES lists(id),
            subject text NOT NULL,
            from_name text NOT NULL,
            from_email text NOT NULL,
            to_addrs text NOT NULL,
            cc_addrs text NOT NULL,
            date bigint NOT NULL,
            date_from_header boolean NOT NULL,
            in_reply_to text,
            refs text NOT NULL,
            UNIQUE(message_id, body_hash));
        CREATE INDEX messages_thread ON messages(thread_id, date);
        CREATE INDEX messages_list_date ON messages(list_id, date);
        CREATE INDEX messages_date ON messages(date);
        CREATE TABLE copies(
            id bigserial PRIMARY KEY,
            message bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            content_hash text NOT NULL UNIQUE,
            list_id bigint NOT NULL REFERENCES lists(id),
            origin text NOT NULL,
            blob text,
            git_commit text,
            raw bytea NOT NULL);
        CREATE INDEX copies_message ON copies(message);
        CREATE INDEX copies_list ON copies(list_id, message);
        -- Every Message-ID ever seen (messages and ghosts) → thread: public-inbox's tid.
        CREATE TABLE ids(mid text PRIMARY KEY, tid bigint NOT NULL);
        CREATE INDEX ids_tid ON ids(tid);
        CREATE SEQUENCE thread_ids;
        CREATE TABLE checkpoints(origin text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE problems(id bigserial PRIMARY KEY, origin text NOT NULL, locator text NOT NULL, problem text NOT NULL,
            at bigint NOT NULL, UNIQUE(origin, locator));
        CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE patches(
            message bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            kind text NOT NULL, version int NOT NULL, counter int NOT NULL, total int NOT NULL, patch_id text, info text NOT NULL);
        CREATE INDEX patches_patch_id ON patches(patch_id);
        CREATE TABLE patch_files(message bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE, path text NOT NULL);
        CREATE INDEX patch_files_path ON patch_files(path);
        CREATE INDEX patch_files_message ON patch_files(message);
        CREATE TABLE patch_functions(message bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE, function text NOT NULL);
        CREATE INDEX patch_functions_function ON patch_functions(function);
        CREATE INDEX patch_functions_message ON patch_functions(message);
        CREATE TABLE trailers(message bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE, name text NOT NULL, value text NOT NULL, email text);
        CREATE INDEX trailers_email ON trailers(email);
        CREATE INDEX trailers_message ON trailers(message);
        CREATE TABLE crash_reports(
            id bigserial PRIMARY KEY,
            message bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            ord int NOT NULL, title text NOT NULL, type text NOT NULL, report jsonb NOT NULL);
        CREATE INDEX crash_reports_title ON crash_reports(title);
        CREATE INDEX crash_reports_message ON crash_reports(message);
        -- Full text: English stemming like public-inbox's Xapian index, but no stop words (Xapian keeps them: "the" is
        -- searchable there too).
        CREATE TEXT SEARCH DICTIONARY ktriage_stem (TEMPLATE = snowball, Language = english);
        CREATE TEXT SEARCH CONFIGURATION ktriage (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION ktriage ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH ktriage_stem;
        -- One tsvector per field of the search language (see SearchFields), each with its GIN index.
        CREATE TABLE message_text(
            message bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            subject tsvector NOT NULL, author tsvector NOT NULL, to_addr tsvector NOT NULL, cc_addr tsvector NOT NULL,
            nq tsvector NOT NULL, quoted tsvector NOT NULL, dfn tsvector NOT NULL, dfa tsvector NOT NULL, dfb tsvector NOT NULL,
            dfhh tsvector NOT NULL, dfctx tsvector NOT NULL, fn tsvector NOT NULL);
        CREATE INDEX message_text_subject ON message_text USING gin(subject);
        CREATE INDEX message_text_author ON message_text USING gin(author);
        CREATE INDEX message_text_to ON message_text USING gin(to_addr);
        CREATE INDEX message_text_cc ON message_text USING gin(cc_addr);
        CREATE INDEX message_text_nq ON message_text USING gin(nq);
        CREATE INDEX message_text_quoted ON message_text USING gin(quoted);
        CREATE INDEX message_text_dfn ON message_text USING gin(dfn);
        CREATE INDEX message_text_dfa ON message_text USING gin(dfa);
        CREATE INDEX message_text_dfb ON message_text USING gin(dfb);
        CREATE INDEX message_text_dfhh ON message_text USING gin(dfhh);
        CREATE INDEX message_text_dfctx ON message_text USING gin(dfctx);
        CREATE INDEX message_text_fn ON message_text USING gin(fn);
        """,
        // 2: full text as two tsvectors per message (short fields, body) whose lexemes carry their field (Xapian's term
        // prefixes), with the message date beside them: a query is one GIN scan per part, and the newest hits are sorted
        // without a join (twelve columns ORed made the planner walk messages by date and test each row: 250 ms).
        // Lexemes are built by PostgresTextIndex: every word as written ("s:fixes") and, when stemming changes it, its
        // stem ("s~fix"), so phrases match words as written, like public-inbox. The old columns' text is rebuilt from
        // the raw copies (PostgresArchiveStore.Migrate). And the crash knowledge base (CrashKnowledge), as SQLite
        // migrations 3-5.
        """
        DROP TABLE message_text;
        CREATE TABLE message_doc(
            message bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            date bigint NOT NULL,
            head tsvector NOT NULL,
            body tsvector NOT NULL);
        CREATE INDEX message_doc_head ON message_doc USING gin(head);
        CREATE INDEX message_doc_body ON message_doc USING gin(body);
        ALTER TABLE patches ADD COLUMN description text;
        CREATE TABLE crash_clusters(
            id bigint PRIMARY KEY,             -- crash_reports.id of the cluster's first report: stable across recomputations
            title text NOT NULL,
            alt_titles text NOT NULL,          -- JSON array
            type text NOT NULL,
            bot text,
            bot_ids text NOT NULL,             -- JSON array of syzbot extids
            first_seen bigint NOT NULL,
            last_seen bigint NOT NULL,
            reports int NOT NULL,
            copies int NOT NULL,
            lists text NOT NULL,               -- JSON array
            key_functions text NOT NULL,       -- JSON array: crash site and top frames, normalised
            guilty_file text);
        CREATE INDEX crash_clusters_last_seen ON crash_clusters(last_seen);
        CREATE TABLE cluster_members(
            report bigint PRIMARY KEY REFERENCES crash_reports(id) ON DELETE CASCADE,
            cluster bigint NOT NULL,
            message bigint NOT NULL,
            copy_of bigint,                    -- crash_reports.id this report is a quoted/re-posted copy of
            reason text NOT NULL,
            bot text,
            bot_id text);
        CREATE INDEX cluster_members_cluster ON cluster_members(cluster);
        CREATE INDEX cluster_members_message ON cluster_members(message);
        CREATE TABLE fix_links(
            cluster bigint NOT NULL,
            message_id text NOT NULL,
            message bigint,                    -- null: referenced by Message-ID but not in the archive
            subject text,
            date bigint,
            score double precision NOT NULL,   -- with all evidence kinds; commands rescore for --evidence
            evidence text NOT NULL,            -- JSON [{kind, code, weight, detail}]
            signals text NOT NULL,             -- JSON [{kind, date, who}]: reviews/tests/applied on the fix
            PRIMARY KEY(cluster, message_id));
        CREATE TABLE cluster_titles(title text NOT NULL, cluster bigint NOT NULL, PRIMARY KEY(title, cluster));
        CREATE INDEX cluster_titles_cluster ON cluster_titles(cluster);
        CREATE TABLE cluster_stacks(
            cluster bigint NOT NULL,
            ord int NOT NULL,
            frames text NOT NULL,              -- one frame a line: "weight name", crash site first
            total double precision NOT NULL,   -- CrashFrames.TotalWeight
            PRIMARY KEY(cluster, ord));
        CREATE TABLE cluster_frames(frame text NOT NULL, cluster bigint NOT NULL, PRIMARY KEY(frame, cluster));
        CREATE INDEX cluster_frames_cluster ON cluster_frames(cluster);
        """,
        // 3: what the crash linker reads of the replies in crash report threads, and patches.in_words, as SQLite migration 7.
        """
        ALTER TABLE patches ADD COLUMN in_words text;
        CREATE TABLE reply_texts(
            message bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            own text NOT NULL,
            inline_subject text,
            diff text);
        """,
    ];
}
