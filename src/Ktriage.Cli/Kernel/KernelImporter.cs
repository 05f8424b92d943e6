using System.Text;
using Ktriage.Core.Maintainers;
using Ktriage.Sources;
using Ktriage.Sources.Kernel;
using Ktriage.Store;

namespace Ktriage.Cli.Kernel;

/// <summary>Reads a kernel tree (directory, tarball or MAINTAINERS alone) into what the store keeps: MAINTAINERS,
/// every file's path, the functions each C file defines, K: keyword matches and in-file addresses.</summary>
internal static class KernelImporter
{
    static bool IsSource(string path) => path.EndsWith(".c", StringComparison.Ordinal) || path.EndsWith(".h", StringComparison.Ordinal);

    static bool Wanted(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name is "MAINTAINERS" or "Makefile" or ".mailmap" || IsSource(path) || FileEmails.Applies(path);
    }

    sealed class Pending(string path, string text)
    {
        public string Path = path, Text = text;
    }

    public static KernelTreeData Import(string source, string? version, Action<string>? progress)
    {
        var paths = new List<string>();
        var functions = new Dictionary<string, IReadOnlyList<FunctionDefinition>>(StringComparer.Ordinal);
        var keywords = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        var emails = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var topFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        string? maintainersPath = null, maintainersText = null;
        MaintainersFile? maintainers = null;
        // Files read before MAINTAINERS (a tarball lists Documentation/ first) wait for its K: keywords.
        var pending = new List<Pending>();
        long bytes = 0;
        int n = 0;

        void Keywords(string path, string text)
        {
            var found = maintainers!.KeywordSectionsInText(text);
            if (found.Count > 0) keywords[path] = found;
        }

        foreach (var entry in KernelTreeReader.Read(source, Wanted))
        {
            paths.Add(entry.Path);
            if (++n % 5000 == 0) progress?.Invoke($"{n:N0} files, {bytes / 1_000_000:N0} MB of source read");
            if (entry.Content is not { } content) continue;
            bytes += content.Length;
            var text = Encoding.UTF8.GetString(content);
            var name = entry.Path[(entry.Path.LastIndexOf('/') + 1)..];
            if (name == "MAINTAINERS" && (maintainersPath is null || entry.Path.Length < maintainersPath.Length))
            {
                try
                {
                    maintainers = MaintainersFile.Parse(text);
                }
                catch (FormatException e)
                {
                    if (paths.Count == 1) throw new SourceException($"{source}: not a MAINTAINERS file ({e.Message})");
                    continue;
                }
                maintainersPath = entry.Path;
                maintainersText = text;
                foreach (var p in pending) Keywords(p.Path, p.Text);
                pending.Clear();
                continue;
            }
            if (name is "Makefile" or ".mailmap") { topFiles[entry.Path] = text; continue; }
            if (FileEmails.Applies(entry.Path))
            {
                var found = FileEmails.Extract(text);
                if (found.Count > 0) emails[entry.Path] = found;
            }
            if (IsSource(entry.Path))
            {
                var defs = CFunctionIndexer.Index(text);
                if (defs.Count > 0) functions[entry.Path] = defs;
            }
            if (maintainers is null) pending.Add(new Pending(entry.Path, text));
            else Keywords(entry.Path, text);
        }
        if (maintainersText is null || maintainersPath is null)
            throw new SourceException($"{source}: no MAINTAINERS file found (expected a kernel source tree, a tarball of one, or a MAINTAINERS file)");

        // The tree's top is where MAINTAINERS is ("linux-source-6.1/" in Debian's tarball).
        var top = maintainersPath[..^"MAINTAINERS".Length];
        version ??= topFiles.TryGetValue(top + "Makefile", out var mk) ? KernelVersion.FromMakefile(mk) : null;
        if (version is null)
            throw new SourceException($"{source}: cannot tell the kernel version (no top-level Makefile); give it with --version");
        var files = paths.Count == 1 ? [] : paths
            .Where(p => p.StartsWith(top, StringComparison.Ordinal))
            .Select(p => new KernelFileData(p[top.Length..], keywords.GetValueOrDefault(p) ?? [], emails.GetValueOrDefault(p) ?? [],
                functions.GetValueOrDefault(p) ?? []))
            .ToList();
        return new KernelTreeData(version, Path.GetFullPath(source), maintainersText, files, topFiles.GetValueOrDefault(top + ".mailmap"));
    }
}
