using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Ktriage.Sources.Kernel;

/// <summary>One regular file of a kernel tree: its path as written in the tree or archive, and its bytes when wanted.</summary>
public sealed record TreeEntry(string Path, byte[]? Content);

/// <summary>
/// Streams the files of a kernel source tree: a directory, a tarball (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2,
/// .tar.zst; compressed ones through the xz/bzip2/zstd tools, read as a stream, nothing extracted to disk), or a single
/// MAINTAINERS file. Paths are as stored ("linux-source-6.1/net/…"): the caller finds the tree's top.
/// </summary>
public static class KernelTreeReader
{
    public static IEnumerable<TreeEntry> Read(string path, Func<string, bool> wanted)
    {
        if (Directory.Exists(path)) return ReadDirectory(path, wanted);
        if (!File.Exists(path)) throw new SourceException($"{path}: no such file or directory");
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".tar") || name.EndsWith(".tar.gz") || name.EndsWith(".tgz") || name.EndsWith(".tar.xz")
            || name.EndsWith(".txz") || name.EndsWith(".tar.bz2") || name.EndsWith(".tar.zst"))
            return ReadTar(path, name, wanted);
        // Anything else is taken as a MAINTAINERS file (the caller checks that it parses as one).
        return [new TreeEntry("MAINTAINERS", File.ReadAllBytes(path))];
    }

    static IEnumerable<TreeEntry> ReadDirectory(string root, Func<string, bool> wanted)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var full in Directory.EnumerateFiles(root, "*", options))
        {
            var rel = System.IO.Path.GetRelativePath(root, full).Replace('\\', '/');
            if (rel.StartsWith(".git/", StringComparison.Ordinal)) continue;
            yield return new TreeEntry(rel, wanted(rel) ? File.ReadAllBytes(full) : null);
        }
    }

    static IEnumerable<TreeEntry> ReadTar(string path, string name, Func<string, bool> wanted)
    {
        string? tool = name.EndsWith(".xz") || name.EndsWith(".txz") ? "xz" : name.EndsWith(".bz2") ? "bzip2" : name.EndsWith(".zst") ? "zstd" : null;
        Process? process = null;
        Stream stream;
        if (tool is not null)
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-dc");
            psi.ArgumentList.Add(path);
            try
            {
                process = Process.Start(psi)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new SourceException($"{path}: needs the '{tool}' program to decompress ({e.Message})", e);
            }
            stream = process.StandardOutput.BaseStream;
        }
        else
        {
            stream = File.OpenRead(path);
            if (name.EndsWith(".gz") || name.EndsWith(".tgz")) stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        try
        {
            using var reader = new TarReader(stream);
            while (true)
            {
                TarEntry? entry;
                try
                {
                    entry = reader.GetNextEntry();
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
                {
                    throw new SourceException($"{path}: not a readable tar archive ({e.Message})", e);
                }
                if (entry is null) break;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var rel = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                byte[]? content = null;
                if (wanted(rel) && entry.DataStream is { } data)
                {
                    using var ms = new MemoryStream((int)Math.Min(entry.Length, int.MaxValue));
                    data.CopyTo(ms);
                    content = ms.ToArray();
                }
                yield return new TreeEntry(rel, content);
            }
            if (process is not null)
            {
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new SourceException($"{path}: {tool} failed: {process.StandardError.ReadToEnd().Trim()}");
            }
        }
        finally
        {
            stream.Dispose();
            if (process is { HasExited: false }) process.Kill();
            process?.Dispose();
        }
    }
}
