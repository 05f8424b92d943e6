using Ktriage.Core;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Ktriage.Sources.Maildir;
using Ktriage.Sources.Mbox;
using Ktriage.Sources.PublicInbox;

namespace Ktriage.Sources;

/// <summary>Choices the user can make about how to read a source.</summary>
/// <param name="MboxVariant">how "From " lines were escaped; Auto reads mboxrd (lore's format).</param>
/// <param name="Stdin">opens standard input (tests give their own).</param>
public sealed record SourceOptions(MboxVariant MboxVariant = MboxVariant.Auto, Func<Stream>? Stdin = null);

/// <summary>Turns what the user typed (a path or "-") into the sources to read, by looking at what it is.</summary>
public static partial class SourceFactory
{
    /// <summary>Detects the kind of input and opens it: a public-inbox v2 inbox (one source per epoch, in epoch order),
    /// a bare git repo (v2 epoch or v1 inbox), a maildir, an mbox (plain or .gz), a single message, a saved lore
    /// thread page, or "-" for stdin.</summary>
    /// <exception cref="SourceException">the input does not exist or is none of these; the message names it.</exception>
    public static IReadOnlyList<IMessageSource> Open(string pathOrDash, SourceOptions? options = null)
    {
        options ??= new SourceOptions();
        if (pathOrDash == "-") return [new StdinSource(options.Stdin, options.MboxVariant)];
        if (string.IsNullOrWhiteSpace(pathOrDash)) throw new SourceException("empty source name");

        var path = Path.GetFullPath(pathOrDash);
        if (Directory.Exists(path)) return OpenDirectory(pathOrDash, path);
        if (!File.Exists(path)) throw new SourceException($"{pathOrDash}: no such file or directory");
        return [OpenFile(pathOrDash, path, options)];
    }

    static IReadOnlyList<IMessageSource> OpenDirectory(string shown, string dir)
    {
        // public-inbox v2: <inbox>/git/<N>.git, read in numeric order (0, 1, ... 10: not text order).
        var gitDir = Path.Combine(dir, "git");
        if (Directory.Exists(gitDir))
        {
            var epochs = Directory.EnumerateDirectories(gitDir)
                .Select(d => (Dir: d, Match: EpochName().Match(Path.GetFileName(d))))
                .Where(e => e.Match.Success && IsGitDir(e.Dir))
                .OrderBy(e => int.Parse(e.Match.Groups[1].Value))
                .ToList();
            if (epochs.Count > 0)
            {
                var list = Path.GetFileName(dir.TrimEnd('/'));
                return epochs.Select(e => (IMessageSource)new GitRepoSource(e.Dir, list)).ToList();
            }
            throw new SourceException($"{shown}: has a git/ directory but no epoch repositories (git/0.git, git/1.git...) in it");
        }
        if (IsGitDir(dir)) return [new GitRepoSource(dir, ListNameFromGitDir(dir))];
        var dotGit = Path.Combine(dir, ".git");
        if (IsGitDir(dotGit)) return [new GitRepoSource(dotGit, ListNameFromDirectory(dir))];
        if (MaildirSource.IsMaildir(dir)) return [new MaildirSource(dir)];
        throw new SourceException($"{shown}: not a public-inbox inbox (git/N.git), git repository or maildir (cur/ and new/)");
    }

    static IMessageSource OpenFile(string shown, string path, SourceOptions options)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        byte[] head;
        bool gzip;
        try { (head, gzip) = ReadHead(path); }
        catch (InvalidDataException e) { throw new SourceException($"{shown}: not readable gzip data ({e.Message})", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SourceException($"{shown}: {e.Message}", e); }

        var isMboxName = ext is ".mbox" or ".mbx" or ".mboxrd" or ".mboxo" || (gzip && Path.GetExtension(Path.GetFileNameWithoutExtension(path)).ToLowerInvariant() is ".mbox" or ".mbx");
        if (head.Length == 0)
        {
            if (isMboxName) return MboxSource.ForFile(path, gzip, options.MboxVariant); // an empty mbox is a valid mbox
            throw new SourceException($"{shown}: empty file");
        }
        if (ext is ".html" or ".htm") return new LorePage.LorePageSource(path);
        // Blank lines before the first envelope happen (hand-concatenated files); the reader skips them too.
        // NUL bytes inside an mbox are the Mail layer's problem (patchwork's fuzz corpus has them): pass them on.
        if (head.AsSpan().TrimStart("\r\n"u8).StartsWith("From "u8)) return MboxSource.ForFile(path, gzip, options.MboxVariant);

        var text = Encoding.Latin1.GetString(head);
        if (ext == ".eml" && HeaderLine().IsMatch(text)) return new SingleMessageSource(path);
        if (!gzip && LorePage.LorePageParser.LooksLikePage(text)) return new LorePage.LorePageSource(path);
        // Many files named .mbox are one message without an envelope line (patchwork's tests, "save as" in mail clients).
        if (HeaderLine().IsMatch(text))
            return gzip ? MboxSource.ForFile(path, gzip: true, options.MboxVariant) : new SingleMessageSource(path);
        if (Array.IndexOf(head, (byte)0) >= 0)
            throw new SourceException(isMboxName ? $"{shown}: not an mbox (binary data)" : $"{shown}: binary data, not mail");
        if (isMboxName || gzip) throw new SourceException($"{shown}: not an mbox (first line is not a 'From ' line)");
        if (ext == ".eml") throw new SourceException($"{shown}: not a message (no header lines at the top)");
        throw new SourceException($"{shown}: not a mail source (no mbox 'From ' line, no message headers, not a lore thread page)");
    }

    /// <summary>First bytes of the file, decompressed when it is gzip (sniffed by magic, not by name).</summary>
    static (byte[] Head, bool Gzip) ReadHead(string path)
    {
        using var fs = File.OpenRead(path);
        var magic = new byte[2];
        var gzip = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic is [0x1f, 0x8b];
        fs.Position = 0;
        using Stream s = gzip ? new GZipStream(fs, CompressionMode.Decompress) : fs;
        var buf = new byte[64 * 1024];
        var n = s.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
        return (buf[..n], gzip);
    }

    static bool IsGitDir(string dir) =>
        File.Exists(Path.Combine(dir, "HEAD")) && Directory.Exists(Path.Combine(dir, "objects")) && Directory.Exists(Path.Combine(dir, "refs"));

    /// <summary>"…/lkml/git/3.git" → "lkml"; "io-uring-0.git" (a lore mirror clone of epoch 0) → "io-uring"; "meta.git" → "meta".</summary>
    internal static string ListNameFromGitDir(string dir)
    {
        var full = Path.GetFullPath(dir).TrimEnd('/');
        var name = Path.GetFileName(full);
        var parent = Path.GetDirectoryName(full);
        if (EpochName().IsMatch(name) && parent is not null && Path.GetFileName(parent) == "git")
            return Path.GetFileName(Path.GetDirectoryName(parent)!) ?? name;
        if (name.EndsWith(".git", StringComparison.Ordinal)) name = name[..^4];
        return MirrorEpochSuffix().Replace(name, "");
    }

    internal static string ListNameFromDirectory(string dir) => Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/'));

    /// <summary>"netdev.mbox.gz" → "netdev".</summary>
    internal static string ListNameFromFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        return Path.GetFileNameWithoutExtension(name);
    }

    [GeneratedRegex(@"^(\d+)\.git$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex EpochName();

    [GeneratedRegex(@"-\d+$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex MirrorEpochSuffix();

    [GeneratedRegex(@"^[!-9;-~]+:[ \t]", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex HeaderLine();
}
