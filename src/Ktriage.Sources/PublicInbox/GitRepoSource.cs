using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Ktriage.Core;
using Ktriage.Core.Mail;

namespace Ktriage.Sources.PublicInbox;

/// <summary>One git repository of a public-inbox archive: a v2 epoch (<c>git/N.git</c>) or a v1 inbox.
/// Streams every commit's message in commit order with two long-lived git processes:
/// <c>git log --raw</c> lists each commit's blob, and one <c>git cat-file --batch</c> returns the blobs.
/// Requests are written by one thread while another reads the responses, so there is no round trip per commit.
/// Checkpoint = the commit id; resuming reads <c>checkpoint..tip</c>.</summary>
public sealed partial class GitRepoSource : IMessageSource, IRereadableSource
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
            var known = Git.IsHexOid(from) && (await Git.RunAsync(Origin, ct, "merge-base", "--is-ancestor", from, head)).Code == 0;
            if (!known)
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
            await foreach (var item in run.ReadAsync(GitLogRaw.Args(from is null ? head : $"{from}..{head}"), ct))
                yield return item;
            if (run.RestartAfter is null) yield break;
            from = run.RestartAfter;
        }
    }

    /// <summary>The commits named by problem locators ("… commit C blob B"), read again: a blob that was missing or
    /// corrupt may be there now (a repaired or re-fetched repository).</summary>
    public async IAsyncEnumerable<RawMessage> RereadAsync(IReadOnlyList<string> locators, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var commits = locators.Select(l => CommitIn().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        if (commits.Count == 0 || await ResolveHeadAsync(ct) is not { } head) yield break;
        var layout = await DetectLayoutAsync(head, ct);
        var done = new HashSet<string>();
        while (commits.Count > 0)
        {
            var run = new Run(this, layout);
            await foreach (var item in run.ReadAsync(GitLogRaw.Args(commits), ct))
            {
                if (item.Locator.Commit is { } c) done.Add(c);
                yield return item;
            }
            if (run.RestartAfter is null) yield break;
            commits = commits.Where(c => !done.Contains(c) && c != run.RestartAfter).ToList();
        }
    }

    [GeneratedRegex(@"\bcommit ([0-9a-f]{64}|[0-9a-f]{40})\b", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex CommitIn();

    async Task<string?> ResolveHeadAsync(CancellationToken ct)
    {
        // public-inbox writes refs/heads/master; other repos may use another default branch: fall back to HEAD.
        foreach (var rev in new[] { "refs/heads/master", "HEAD" })
        {
            var (code, sha, _) = await Git.RunAsync(Origin, ct, "rev-parse", "--verify", "-q", rev + "^{commit}");
            if (code == 0 && Git.IsHexOid(sha)) return sha;
        }
        // No commit yet is fine (a new epoch); a repository git cannot open is not.
        var (ok, _, err) = await Git.RunAsync(Origin, ct, "rev-parse", "--git-dir");
        if (ok != 0) throw new SourceException($"{Origin}: git cannot read this repository: {Git.FirstLine(err)}");
        return null;
    }

    async Task<RepoLayout> DetectLayoutAsync(string head, CancellationToken ct)
    {
        var (code, names, err) = await Git.RunAsync(Origin, ct, "ls-tree", "--name-only", head);
        if (code != 0) throw new SourceException($"{Origin}: cannot read the tree of {head}: {Git.FirstLine(err)}");
        var entries = names.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (entries.Contains("m") || entries.Contains("d")) return RepoLayout.V2;
        if (entries.Any(e => e.Length == 2 && Git.IsHexOid(e + new string('0', 38)))) return RepoLayout.V1;
        return RepoLayout.Unknown;
    }

    /// <summary>One pass of the two git processes over a commit range. Two dedicated threads do blocking pipe I/O:
    /// one turns <c>git log</c> lines into requests written to cat-file, the other reads cat-file's answers into
    /// messages; the async enumerator only awaits finished messages. Queues are bounded, so memory stays flat.</summary>
    sealed class Run(GitRepoSource src, RepoLayout layout)
    {
        /// <summary>Set when cat-file died on a commit: read again after it.</summary>
        public string? RestartAfter { get; private set; }

        public async IAsyncEnumerable<RawMessage> ReadAsync(IReadOnlyList<string> logArgs, [EnumeratorCancellation] CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Process? log = null, cat = null;
            Task? producer = null, reader = null;
            using var requests = new BlockingCollection<BlobRequest>(InFlight);
            var results = Channel.CreateBounded<RawMessage>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
            try
            {
                log = Git.Start(src.Origin, logArgs);
                cat = Git.Start(src.Origin, ["cat-file", "--batch", "--buffer"], stdin: true);
                var logErr = log.StandardError.ReadToEndAsync(cts.Token);
                var catErr = cat.StandardError.ReadToEndAsync(cts.Token);
                var (l, c) = (log, cat);
                producer = Task.Factory.StartNew(() => Produce(l, c, requests, cts.Token), cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                reader = Task.Factory.StartNew(() => ReadResponses(l, c, logErr, catErr, requests, results.Writer, cts.Token), cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

                await foreach (var item in results.Reader.ReadAllAsync(cts.Token))
                    yield return item;
            }
            finally
            {
                cts.Cancel();
                Git.Stop(log);
                Git.Stop(cat);
                if (producer is not null) await SafeAsync(producer);
                if (reader is not null) await SafeAsync(reader);
                log?.Dispose();
                cat?.Dispose();
            }
        }

        void ReadResponses(Process log, Process cat, Task<string> logErr, Task<string> catErr,
            BlockingCollection<BlobRequest> requests, ChannelWriter<RawMessage> results, CancellationToken ct)
        {
            var origin = src.Origin;
            void Put(RawMessage m)
            {
                while (!results.TryWrite(m))
                    if (!results.WaitToWriteAsync(ct).AsTask().GetAwaiter().GetResult()) throw new OperationCanceledException(ct);
            }
            try
            {
                Git.EnlargePipe(cat.StandardOutput.BaseStream);
                var input = new BatchReader(cat.StandardOutput.BaseStream, 1 << 18);
                foreach (var req in requests.GetConsumingEnumerable(ct))
                {
                    var at = new SourceLocator(origin, Blob: Git.IsHexOid(req.ObjectName) ? req.ObjectName : null, Commit: req.Commit);
                    var header = input.ReadLine();
                    if (header is null)
                    {
                        Git.Stop(cat);
                        Put(RawMessage.Failure(at, $"commit {req.Commit}: git cat-file stopped while reading {req.ObjectName}: {Git.FirstLine(Wait(catErr))}", req.Commit));
                        RestartAfter = req.Commit;
                        return;
                    }
                    var f = header.Split(' ');
                    if (f.Length == 3 && f[1] == "blob" && long.TryParse(f[2], out var blobSize)
                        && SourceLimits.MessageTooBig(blobSize, $"commit {req.Commit}: blob {f[0]}") is { } tooBig)
                    {
                        input.Skip(blobSize + 1);
                        Put(RawMessage.Failure(at with { Blob = f[0] }, tooBig, req.Commit));
                    }
                    else if (f.Length == 3 && f[1] == "blob" && int.TryParse(f[2], out var size))
                    {
                        // Every byte is overwritten by the read: skip zeroing 256 MiB.
                        var bytes = GC.AllocateUninitializedArray<byte>(size);
                        if (!input.ReadExact(bytes) || !input.Skip(1))
                        {
                            Git.Stop(cat);
                            Put(RawMessage.Failure(at, $"commit {req.Commit}: blob {f[0]} was cut short: {Git.FirstLine(Wait(catErr))}", req.Commit));
                            RestartAfter = req.Commit;
                            return;
                        }
                        Put(new RawMessage(req.Kind, bytes, at with { Blob = f[0] }, req.CommitTime, null, req.Commit));
                    }
                    else if (f.Length == 3 && long.TryParse(f[2], out var other))
                    {
                        input.Skip(other + 1);
                        Put(RawMessage.Failure(at, $"commit {req.Commit}: {req.ObjectName} is a {f[1]}, not a message blob", req.Commit));
                    }
                    else
                    {
                        // "<name> missing": absent from this copy (mirrors lose objects) or unreadable (git treats a corrupt loose object as missing).
                        var what = f.Length > 1 ? f[^1] : header;
                        var kind = req.Kind == RawKind.Deletion ? "deleted message" : "message";
                        Put(RawMessage.Failure(at, $"commit {req.Commit}: {kind} blob {req.ObjectName} is {what} in this repository", req.Commit));
                    }
                }
                log.WaitForExit();
                if (log.ExitCode != 0)
                    Put(RawMessage.Failure(new SourceLocator(origin), $"git log stopped (exit {log.ExitCode}): {Git.FirstLine(Wait(logErr))}"));
                results.TryComplete();
            }
            catch (OperationCanceledException) { results.TryComplete(); }
            catch (Exception e) { results.TryComplete(e); }
            finally { results.TryComplete(); }
        }

        void Produce(Process log, Process cat, BlockingCollection<BlobRequest> requests, CancellationToken ct)
        {
            var parser = new GitLogRaw(layout);
            var batch = new List<BlobRequest>();
            var stdin = new BufferedStream(cat.StandardInput.BaseStream, 1 << 16);
            var line = new byte[128];
            try
            {
                while (log.StandardOutput.ReadLine() is { } text)
                {
                    parser.Line(text, batch);
                    Send(batch);
                }
                parser.End(batch);
                Send(batch);
            }
            catch (IOException) { /* cat-file died: the reader reports it */ }
            catch (OperationCanceledException) { }
            finally
            {
                requests.CompleteAdding();
                try { stdin.Flush(); cat.StandardInput.Close(); } catch (IOException) { } catch (ObjectDisposedException) { } catch (InvalidOperationException) { }
            }

            void Send(List<BlobRequest> items)
            {
                foreach (var r in items)
                {
                    // Queue before writing: the reader must know a request before its response can arrive.
                    requests.Add(r, ct);
                    var n = System.Text.Encoding.ASCII.GetBytes(r.ObjectName, line);
                    line[n] = (byte)'\n';
                    stdin.Write(line, 0, n + 1);
                }
                items.Clear();
            }
        }

        static string Wait(Task<string> t)
        {
            try { return t.Wait(TimeSpan.FromSeconds(5)) ? t.Result : ""; } catch (Exception) { return ""; }
        }

        static async Task SafeAsync(Task t)
        {
            try { await t; } catch (Exception) { }
        }
    }
}
