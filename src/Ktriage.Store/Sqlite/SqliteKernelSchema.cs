namespace Ktriage.Store.Sqlite;

/// <summary>
/// Tables of imported kernel trees. Created on first import (IF NOT EXISTS) like <see cref="SqliteCrashSchema"/>, so
/// this branch needs no migration number; readers treat a database without them as "no tree imported".
/// </summary>
internal static class SqliteKernelSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS kernel_trees(
            id INTEGER PRIMARY KEY,
            version TEXT NOT NULL UNIQUE,      -- "6.1.192" (Makefile), or the name given at import
            source TEXT NOT NULL,              -- the path imported
            imported_at INTEGER NOT NULL,
            maintainers TEXT NOT NULL,         -- the MAINTAINERS file verbatim: parsed when loaded (milliseconds)
            mailmap TEXT,                      -- the tree's .mailmap verbatim
            files INTEGER NOT NULL,
            functions INTEGER NOT NULL,
            sections INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS kernel_files(
            id INTEGER PRIMARY KEY,
            tree INTEGER NOT NULL REFERENCES kernel_trees(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            name TEXT NOT NULL,                -- file name without directory and extension: module lookups
            keywords TEXT,                     -- JSON array of MAINTAINERS section indexes whose K: matched the text
            emails TEXT,                       -- JSON array of addresses in the file (.yaml bindings)
            UNIQUE(tree, path));
        CREATE INDEX IF NOT EXISTS kernel_files_name ON kernel_files(tree, name);
        CREATE TABLE IF NOT EXISTS kernel_functions(
            file INTEGER NOT NULL REFERENCES kernel_files(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            line INTEGER NOT NULL,
            static INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS kernel_functions_name ON kernel_functions(name);
        CREATE INDEX IF NOT EXISTS kernel_functions_file ON kernel_functions(file);
        """;
}
