using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Ktriage.Core.Mail;

namespace Ktriage.Sources.PublicInbox;

/// <summary>One git repository of a public-inbox archive: a v2 epoch (<c>git/N.git</c>) or a v1 inbox.
/// Streams every commit's message in commit order with two long-lived git processes:
/// <c>git log --raw</c> lists each commit's blob, and one <c>git cat-file --batch</c> returns the blobs.
/// Requests are written from one task while responses are read here, so there is no round trip per commit.</summary>
public sealed class GitRepoSource : IMessageSource
{
    /// <param name="gitDir">the bare repository (absolute path).</param>
    /// <param name="defaultList">list name to use when the user gives none.</param>
    public GitRepoSource(string gitDir, string defaultList)
    {
        Origin = Path.GetFullPath(gitDir);
        DefaultList = defaultList;
    }

    public string Origin { get; }
    public string DefaultList { get; }

    // Enough requests in flight to keep both processes busy; the pipes bound the rest.
    const int InFlight = 8192;

    public async IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var head = await ResolveHeadAsync(ct);
        if (head is null) yield break; // empty epoch (no commit yet): nothing to read

        var layout = await DetectLayoutAsync(head, ct);
        var from = resumeAfter;
        if (from is not null)
        {
            var (code, _, _) = await Git.RunAsync(Origin, ct, "merge-base", "--is-ancestor", from, head);
            if (code != 0)
            {
                // History was rewritten (public-inbox purge) or the checkpoint is from elsewhere: read it all again;
                // the store is idempotent, so only a re-read costs.
                yield return RawMessage.Failure(new SourceLocator(Origin, Commit: from),
                    $"checkpoint {from} is not in the history of {head} (rewritten?); reading the whole repository again");
                from = null;
            }
        }

        // A cat-file that dies (corrupt pack) costs the one commit it was on: report it and go on after it.
        while (true)
        {
            var run = new Run(this, layout);
            await foreach (var item in run.ReadAsync(from is null ? head : $"{from}..{head}", ct))
                yield return item;
            if (run.RestartAfter is null) yield break;
            from = run.RestartAfter;
        }
    }

    async Task<string?> ResolveHeadAsync(CancellationToken ct)
    {
        // public-inbox writes refs/heads/master; other repos may use another default branch: fall back to HEAD.
        foreach (var rev in new[] { "refs/heads/master", "HEAD" })
        {
            var (code, sha, _) = await Git.RunAsync(Origin, ct, "rev-parse", "--verify", "-q", rev + "^{commit}");
            if (code == 0 && Git.IsHexOid(sha)) return sha;
        }
        return null;
    }

    async Task<RepoLayout> DetectLayoutAsync(string head, CancellationToken ct)
    {
        var (code, names, err) = await Git.RunAsync(Origin, ct, "ls-tree", "--name-only", head);
        if (code != 0) throw new SourceException($"{Origin}: cannot read the tree of {head}: {Git.FirstLine(err)}");
        var entries = names.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (entries.Any(e => e.Length == 2 && Git.IsHexOid(e + new string('0', 38)))) return RepoLayout.V1;
        return RepoLayout.V2;
    }

    /// <summary>One pass of the two git processes over a commit range.</summary>
    sealed class Run(GitRepoSource src, RepoLayout layout)
    {
        /// <summary>Set when cat-file died on a commit: read again after it.</summary>
        public string? RestartAfter { get; private set; }

        public async IAsyncEnumerable<RawMessage> ReadAsync(string range, [EnumeratorCancellation] CancellationToken ct)
        {
            var origin = src.Origin;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Process? log = null, cat = null;
            Task? producer = null;
            try
            {
                log = Git.Start(origin, GitLogRaw.Args(range));
                cat = Git.Start(origin, ["cat-file", "--batch", "--buffer"], stdin: true);
                var logErr = log.StandardError.ReadToEndAsync(cts.Token);
                var catErr = cat.StandardError.ReadToEndAsync(cts.Token);
                var requests = Channel.CreateBounded<BlobRequest>(new BoundedChannelOptions(InFlight) { SingleReader = true, SingleWriter = true });
                producer = Task.Run(() => ProduceAsync(log, cat, requests.Writer, cts.Token), cts.Token);

                var reader = new AsyncByteReader(cat.StandardOutput.BaseStream);
                await foreach (var req in requests.Reader.ReadAllAsync(cts.Token))
                {
                    var at = new SourceLocator(origin, Blob: Git.IsHexOid(req.ObjectName) ? req.ObjectName : null, Commit: req.Commit);
                    var header = await reader.ReadLineAsync(cts.Token);
                    if (header is null)
                    {
                        Git.Stop(cat);
                        var why = await SafeAsync(catErr);
                        yield return RawMessage.Failure(at, $"commit {req.Commit}: git cat-file stopped while reading {req.ObjectName}: {Git.FirstLine(why)}", req.Commit);
                        RestartAfter = req.Commit;
                        yield break;
                    }
                    var f = header.Split(' ');
                    if (f.Length == 3 && f[1] == "blob" && long.TryParse(f[2], out var size) && size <= int.MaxValue)
                    {
                        var bytes = new byte[size];
                        if (!await reader.ReadExactAsync(bytes, cts.Token) || !await reader.SkipAsync(1, cts.Token))
                        {
                            Git.Stop(cat);
                            yield return RawMessage.Failure(at, $"commit {req.Commit}: blob {f[0]} was cut short: {Git.FirstLine(await SafeAsync(catErr))}", req.Commit);
                            RestartAfter = req.Commit;
                            yield break;
                        }
                        yield return new RawMessage(req.Kind, bytes, at with { Blob = f[0] }, req.CommitTime, null, req.Commit);
                    }
                    else if (f.Length == 3 && long.TryParse(f[2], out var other))
                    {
                        await reader.SkipAsync(other + 1, cts.Token);
                        yield return RawMessage.Failure(at, $"commit {req.Commit}: {req.ObjectName} is a {f[1]}, not a message blob", req.Commit);
                    }
                    else
                    {
                        // "<name> missing": absent from this copy (mirrors lose objects) or unreadable (git treats a corrupt loose object as missing).
                        var what = f.Length > 1 ? f[^1] : header;
                        var kind = req.Kind == RawKind.Deletion ? "deleted message" : "message";
                        yield return RawMessage.Failure(at, $"commit {req.Commit}: {kind} blob {req.ObjectName} is {what} in this repository", req.Commit);
                    }
                }

                await producer; // surfaces a failure to write requests
                await log.WaitForExitAsync(cts.Token);
                if (log.ExitCode != 0)
                    yield return RawMessage.Failure(new SourceLocator(origin), $"git log stopped (exit {log.ExitCode}): {Git.FirstLine(await SafeAsync(logErr))}");
            }
            finally
            {
                cts.Cancel();
                Git.Stop(log);
                Git.Stop(cat);
                if (producer is not null) await SafeAsync(producer);
                log?.Dispose();
                cat?.Dispose();
            }
        }

        async Task ProduceAsync(Process log, Process cat, ChannelWriter<BlobRequest> requests, CancellationToken ct)
        {
            var parser = new GitLogRaw(layout);
            var batch = new List<BlobRequest>();
            var stdin = new BufferedStream(cat.StandardInput.BaseStream, 1 << 16);
            var line = new byte[128];
            try
            {
                while (await log.StandardOutput.ReadLineAsync(ct) is { } text)
                {
                    parser.Line(text, batch);
                    await SendAsync(batch);
                }
                parser.End(batch);
                await SendAsync(batch);
            }
            catch (IOException) { /* cat-file died: the reader reports it */ }
            finally
            {
                requests.TryComplete();
                try { await stdin.FlushAsync(CancellationToken.None); cat.StandardInput.Close(); } catch (IOException) { } catch (ObjectDisposedException) { }
            }

            async Task SendAsync(List<BlobRequest> items)
            {
                foreach (var r in items)
                {
                    // Queue before writing: the reader must know a request before its response can arrive.
                    await requests.WriteAsync(r, ct);
                    var n = System.Text.Encoding.ASCII.GetBytes(r.ObjectName, line);
                    line[n] = (byte)'\n';
                    await stdin.WriteAsync(line.AsMemory(0, n + 1), ct);
                }
                items.Clear();
            }
        }

        static async Task<string> SafeAsync(Task<string> t)
        {
            try { return await t; } catch (Exception) { return ""; }
        }

        static async Task SafeAsync(Task t)
        {
            try { await t; } catch (Exception) { }
        }
    }
}
