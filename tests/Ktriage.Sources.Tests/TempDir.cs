using System.Diagnostics;
using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Sources;

namespace Ktriage.Sources.Tests;

/// <summary>A temporary directory removed after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ktriage-src-" + Guid.NewGuid().ToString("N")[..12]);
    public TempDir() => Directory.CreateDirectory(Path);
    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));
    public string Write(string relative, byte[] content)
    {
        var full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
    }
}

/// <summary>Builds small public-inbox repositories with plain git commands, as public-inbox lays them out:
/// v2 = one commit per message with the file <c>m</c> (deletion: <c>d</c>); v1 = files at xx/38hex paths.</summary>
public sealed class GitRepoBuilder
{
    public string GitDir { get; }
    string? _parent;
    int _tick;
    public List<(string Commit, string Blob)> Commits { get; } = [];

    public GitRepoBuilder(string gitDir)
    {
        GitDir = gitDir;
        Directory.CreateDirectory(gitDir);
        Run("init", "-q", "--bare", gitDir);
    }

    public static string Message(int i, string? body = null) =>
        $"From: Tester {i} <t{i}@example.org>\nSubject: message {i}\nMessage-ID: <m{i}@example.org>\nDate: Mon, 1 Jan 2024 00:00:{i % 60:00} +0000\n\n{body ?? $"body {i}"}\n";

    /// <summary>v2: a commit whose tree is just <paramref name="file"/> ("m" or "d") holding <paramref name="content"/>.</summary>
    public (string Commit, string Blob) CommitV2(string content, string file = "m")
    {
        var blob = Run(["hash-object", "-w", "--stdin"], content);
        var tree = Run(["mktree"], $"100644 blob {blob}\t{file}\n");
        return Commit(tree, blob);
    }

    /// <summary>v1: the tree holds all current messages at fanout paths.</summary>
    public (string Commit, string Blob) CommitV1(IReadOnlyDictionary<string, string> files, string changedBlobPath)
    {
        var lines = new StringBuilder();
        var dirs = files.GroupBy(kv => kv.Key[..2]);
        foreach (var dir in dirs)
        {
            var sub = string.Concat(dir.Select(kv => $"100644 blob {Run(["hash-object", "-w", "--stdin"], kv.Value)}\t{kv.Key[3..]}\n"));
            lines.Append($"040000 tree {Run(["mktree"], sub)}\t{dir.Key}\n");
        }
        var tree = Run(["mktree"], lines.ToString());
        var blob = files.TryGetValue(changedBlobPath, out var c) ? Run(["hash-object", "--stdin"], c) : "";
        return Commit(tree, blob);
    }

    (string, string) Commit(string tree, string blob)
    {
        _tick++;
        var args = new List<string> { "commit-tree", tree, "-m", $"commit {_tick}" };
        if (_parent is not null) { args.Add("-p"); args.Add(_parent); }
        var commit = Run([.. args], env: ("GIT_COMMITTER_DATE", $"{1700000000 + _tick * 60} +0000"));
        Run("update-ref", "refs/heads/master", commit);
        _parent = commit;
        Commits.Add((commit, blob));
        return (commit, blob);
    }

    public void DeleteLooseObject(string oid)
    {
        var path = System.IO.Path.Combine(GitDir, "objects", oid[..2], oid[2..]);
        File.SetAttributes(path, FileAttributes.Normal);
        File.Delete(path);
    }

    public string Run(params string[] args) => Run(args, null);

    public string Run(string[] args, string? stdin = null, (string, string)? env = null)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("--git-dir=" + GitDir);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "t";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "t@example.org";
        psi.Environment["GIT_AUTHOR_DATE"] = "1700000000 +0000";
        if (env is { } e) psi.Environment[e.Item1] = e.Item2;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(stdin ?? "");
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {err}");
        return output.Trim();
    }
}

public static class SourceTestExtensions
{
    public static async Task<List<RawMessage>> AllAsync(this IMessageSource source, string? resumeAfter = null)
    {
        var list = new List<RawMessage>();
        await foreach (var m in source.ReadAsync(resumeAfter)) list.Add(m);
        return list;
    }

    public static async Task<List<RawMessage>> AllAsync(this IReadOnlyList<IMessageSource> sources)
    {
        var list = new List<RawMessage>();
        foreach (var s in sources) list.AddRange(await s.AllAsync());
        return list;
    }

    public static string Text(this RawMessage m) => Encoding.UTF8.GetString(m.Bytes);
}
