using System.Text.Json;
using Ktriage.Core.Maintainers;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

public sealed partial class SqliteArchiveStore : IKernelStore
{
    bool HasKernelTables() =>
        Convert.ToInt64(Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='kernel_trees'")) > 0;

    public long ImportKernelTree(KernelTreeData tree)
    {
        if (readOnly) throw new StoreException($"{Path}: opened read-only, cannot import a kernel tree");
        Exec(db, SqliteKernelSchema.Sql);
        using var tx = db.BeginTransaction();
        using (var del = db.CreateCommand())
        {
            del.Transaction = tx;
            // Children first: deleting through the cascade walks 500k function rows one foreign key at a time.
            del.CommandText = """
                DELETE FROM kernel_functions WHERE file IN (SELECT f.id FROM kernel_files f JOIN kernel_trees t ON t.id = f.tree WHERE t.version = $v);
                DELETE FROM kernel_files WHERE tree IN (SELECT id FROM kernel_trees WHERE version = $v);
                DELETE FROM kernel_trees WHERE version = $v;
                """;
            del.Parameters.AddWithValue("$v", tree.Version);
            del.ExecuteNonQuery();
        }
        long id;
        using (var ins = db.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = """
                INSERT INTO kernel_trees(version, source, imported_at, maintainers, mailmap, files, functions, sections)
                VALUES($v, $s, $at, $m, $mm, $f, $fn, $sec) RETURNING id
                """;
            ins.Parameters.AddWithValue("$v", tree.Version);
            ins.Parameters.AddWithValue("$s", tree.Source);
            ins.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            ins.Parameters.AddWithValue("$m", tree.Maintainers);
            ins.Parameters.AddWithValue("$mm", (object?)tree.Mailmap ?? DBNull.Value);
            ins.Parameters.AddWithValue("$f", tree.Files.Count);
            ins.Parameters.AddWithValue("$fn", tree.Files.Sum(f => f.Functions.Count));
            ins.Parameters.AddWithValue("$sec", MaintainersFile.Parse(tree.Maintainers).Sections.Count);
            id = Convert.ToInt64(ins.ExecuteScalar());
        }
        using var file = db.CreateCommand();
        file.Transaction = tx;
        file.CommandText = "INSERT INTO kernel_files(tree, path, name, keywords, emails) VALUES($t, $p, $n, $k, $e) RETURNING id";
        var fp = new[] { "$t", "$p", "$n", "$k", "$e" }.Select(n => file.Parameters.Add(n, SqliteType.Text)).ToArray();
        fp[0].SqliteType = SqliteType.Integer;
        file.Prepare();
        using var fn = db.CreateCommand();
        fn.Transaction = tx;
        fn.CommandText = "INSERT INTO kernel_functions(file, name, line, static) VALUES($f, $n, $l, $s)";
        var np = new[] { "$f", "$n", "$l", "$s" }.Select(n => fn.Parameters.Add(n, SqliteType.Integer)).ToArray();
        np[1].SqliteType = SqliteType.Text;
        fn.Prepare();
        foreach (var f in tree.Files)
        {
            fp[0].Value = id;
            fp[1].Value = f.Path;
            fp[2].Value = BaseName(f.Path);
            fp[3].Value = f.Keywords.Count > 0 ? JsonSerializer.Serialize(f.Keywords) : DBNull.Value;
            fp[4].Value = f.Emails.Count > 0 ? JsonSerializer.Serialize(f.Emails) : DBNull.Value;
            var fileId = Convert.ToInt64(file.ExecuteScalar());
            foreach (var d in f.Functions)
            {
                np[0].Value = fileId;
                np[1].Value = d.Name;
                np[2].Value = d.Line;
                np[3].Value = d.Static ? 1 : 0;
                fn.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return id;
    }

    static string BaseName(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : name;
    }

    public IReadOnlyList<KernelTreeRow> KernelTrees()
    {
        if (!HasKernelTables()) return [];
        return Rows("SELECT id, version, source, imported_at, files, functions, sections FROM kernel_trees",
                r => new KernelTreeRow(r.GetInt64(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3)),
                    r.GetInt32(4), r.GetInt32(5), r.GetInt32(6)))
            .OrderByDescending(t => t.ParsedVersion?.Key ?? -1).ThenByDescending(t => t.Id).ToList();
    }

    public IKernelTree LoadKernelTree(long id)
    {
        var row = KernelTrees().FirstOrDefault(t => t.Id == id) ?? throw new StoreException($"no kernel tree {id} in {Path}");
        var (text, mailmap) = Rows("SELECT maintainers, mailmap FROM kernel_trees WHERE id=$id",
            r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)), ("$id", id))[0];
        return new SqliteKernelTree(this, row, text, Core.Maintainers.Mailmap.Parse(mailmap));
    }

    /// <summary>A tree read from the store: MAINTAINERS parsed with the tree's directories, lookups by query.</summary>
    sealed class SqliteKernelTree : IKernelTree
    {
        readonly SqliteArchiveStore store;
        readonly long id;
        readonly HashSet<string> files = new(StringComparer.Ordinal);
        readonly HashSet<string> directories = new(StringComparer.Ordinal);

        public SqliteKernelTree(SqliteArchiveStore store, KernelTreeRow row, string maintainers, Mailmap mailmap)
        {
            Mailmap = mailmap;
            this.store = store;
            id = row.Id;
            Version = row.Version;
            HasSources = row.Files > 0;
            foreach (var path in store.Rows("SELECT path FROM kernel_files WHERE tree=$t", r => r.GetString(0), ("$t", id)))
            {
                files.Add(path);
                for (int i = path.IndexOf('/'); i > 0; i = path.IndexOf('/', i + 1)) directories.Add(path[..i]);
            }
            // get_maintainer.pl's "-d $value" on the converted pattern: "foo\.d" is never a directory there either.
            Maintainers = MaintainersFile.Parse(maintainers, HasSources ? v => directories.Contains(v.TrimEnd('/')) : null);
        }

        public string Version { get; }
        public MaintainersFile Maintainers { get; }
        public Mailmap Mailmap { get; }
        public bool HasSources { get; }
        public bool HasFile(string path) => files.Contains(path);
        public bool HasDirectory(string path) => directories.Contains(path);

        public IReadOnlyList<FunctionLocation> FunctionFiles(string name) => store.Rows(
            "SELECT f.path, k.line, k.static FROM kernel_functions k JOIN kernel_files f ON f.id = k.file WHERE k.name=$n AND f.tree=$t ORDER BY f.path, k.line",
            r => new FunctionLocation(r.GetString(0), r.GetInt32(1), r.GetInt64(2) != 0), ("$n", name), ("$t", id))
            .DistinctBy(l => l.File).ToList();

        public IReadOnlyList<string> ModuleFiles(string module)
        {
            var names = new[] { module, module.Replace('-', '_'), module.Replace('_', '-') }.Distinct().ToList();
            var found = new List<string>();
            foreach (var n in names)
                found.AddRange(store.Rows("SELECT path FROM kernel_files WHERE tree=$t AND name=$n AND path LIKE '%.c'", r => r.GetString(0), ("$t", id), ("$n", n)));
            if (found.Count > 0) return found.Distinct().ToList();
            // A module built from a directory of files (nfsd, btrfs, kvm): the directory of that name, when only one has it.
            var dirs = directories.Where(d => names.Any(n => d.EndsWith("/" + n, StringComparison.Ordinal))).ToList();
            return dirs.Count == 1 ? [dirs[0] + "/"] : [];
        }

        public IReadOnlyList<int> KeywordSections(string path) => Json<int>("keywords", path);
        public IReadOnlyList<string> FileEmails(string path) => Json<string>("emails", path);

        List<T> Json<T>(string column, string path)
        {
            var json = Scalar(store.db, $"SELECT {column} FROM kernel_files WHERE tree=$t AND path=$p", ("$t", id), ("$p", path)) as string;
            return json is null ? [] : JsonSerializer.Deserialize<List<T>>(json) ?? [];
        }
    }
}
