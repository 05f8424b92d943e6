namespace Ktriage.Store.Postgres;

/// <summary>Schema migrations, applied in order under an advisory lock (several ingest workers may open a new database
/// at once); schema_version records the last one applied. Same tables and meaning as the SQLite store.</summary>
internal static class PostgresSchema
{
    /// <summary>pg_advisory_lock keys: one for migrations, one that serialises the write phase of ingest batches.</summary>
    public const long MigrateLock = 0x6b7472_01, WriteLock = 0x6b7472_02;

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
    ];
}
