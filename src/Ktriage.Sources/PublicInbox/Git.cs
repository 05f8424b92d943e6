using System.Diagnostics;
using System.Text;

namespace Ktriage.Sources.PublicInbox;

/// <summary>Runs the git command line against one repository. We drive git itself rather than a library:
/// it reads every pack/loose/alternates layout real mirrors have, and `git cat-file --batch` is faster
/// than LibGit2Sharp on the io-uring archive (bench/RESULTS.md).</summary>
internal static class Git
{
    /// <summary>Starts git with redirected pipes. Environment is pinned so user config cannot change the output
    /// we parse, and a missing object never triggers a network fetch (promisor packs).</summary>
    public static Process Start(string gitDir, IEnumerable<string> args, bool stdin = false)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--git-dir=" + gitDir);
        // safe.directory: archives are often owned by a service user (public-inbox); the user named this one, and we
        // only run read-only plumbing on it (log/cat-file, no hooks, no external diff or textconv).
        foreach (var a in new[] { "-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "diff.renames=false", "-c", "safe.directory=" + gitDir })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_NO_LAZY_FETCH"] = "1";
        psi.Environment["GIT_NO_REPLACE_OBJECTS"] = "1";
        psi.Environment["LC_ALL"] = "C";
        try
        {
            return Process.Start(psi) ?? throw new SourceException($"{gitDir}: could not start git");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SourceException($"{gitDir}: cannot run git ({e.Message}); install git to read public-inbox archives", e);
        }
    }

    /// <summary>Runs a short git command; returns (exit code, stdout trimmed, stderr trimmed).</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string gitDir, CancellationToken ct, params string[] args)
    {
        using var p = Start(gitDir, args);
        var err = p.StandardError.ReadToEndAsync(ct);
        var output = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, output.Trim(), (await err).Trim());
    }

    /// <summary>Kills a child we started (and its children) without throwing when it already exited.</summary>
    public static void Stop(Process? p)
    {
        if (p is null) return;
        try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
    }

    /// <summary>The line of git's stderr that says why it stopped ("fatal: …", else the first), for one-line reports.</summary>
    public static string FirstLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.FirstOrDefault(l => l.StartsWith("fatal:", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "no message from git" : line;
    }

    /// <summary>Asks Linux for a 1 MiB pipe (default 64 KiB) so git and we wake each other 16x less often while
    /// hundreds of MiB of blobs flow through. Best effort: elsewhere, or when refused, the default stays.</summary>
    public static void EnlargePipe(Stream pipe)
    {
        if (!OperatingSystem.IsLinux() || pipe is not System.IO.Pipes.PipeStream ps) return;
        try
        {
            const int F_SETPIPE_SZ = 1031;
            _ = Fcntl((int)ps.SafePipeHandle.DangerousGetHandle(), F_SETPIPE_SZ, 1 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException) { }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    static extern int Fcntl(int fd, int cmd, int arg);

    public static bool IsHexOid(ReadOnlySpan<char> s)
    {
        if (s.Length != 40 && s.Length != 64) return false;
        foreach (var c in s) if (!char.IsAsciiHexDigitLower(c)) return false;
        return true;
    }

    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
