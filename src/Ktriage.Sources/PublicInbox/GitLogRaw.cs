using Ktriage.Core.Mail;

namespace Ktriage.Sources.PublicInbox;

/// <summary>How a repository stores messages.</summary>
internal enum RepoLayout
{
    /// <summary>public-inbox v2 epoch: the tree holds one file, <c>m</c> (message) or <c>d</c> (deleted message).</summary>
    V2,
    /// <summary>public-inbox v1: every message is a file at <c>xx/38hex</c> (sha1 of its Message-ID); deletion removes it.</summary>
    V1,
    /// <summary>The tip's tree is empty (everything deleted): paths tell, commit by commit.</summary>
    Unknown,
}

/// <summary>One blob to fetch for one commit, in commit order.</summary>
internal readonly record struct BlobRequest(RawKind Kind, string ObjectName, string Commit, DateTimeOffset CommitTime);

/// <summary>Turns the stream of <c>git log --reverse --format='C %H %ct' --raw --no-abbrev</c> into blob requests,
/// so one git process lists every commit's message blob without a round trip per commit.</summary>
internal sealed class GitLogRaw(RepoLayout layout)
{
    public static IReadOnlyList<string> Args(string range) =>
        ["log", "--reverse", "--first-parent", "--no-renames", "--no-abbrev", "--raw", "--no-color", "--no-ext-diff", "--no-textconv", "--format=C %H %ct", range, "--"];

    /// <summary>Just these commits, each with its diff against its first parent, oldest first; ids the repository
    /// does not have (history rewritten since) are left out.</summary>
    public static IReadOnlyList<string> Args(IEnumerable<string> commits) =>
        ["log", "--no-walk", "--ignore-missing", "--reverse", "--first-parent", "--no-renames", "--no-abbrev", "--raw", "--no-color", "--no-ext-diff", "--no-textconv", "--format=C %H %ct", .. commits, "--"];

    string? _commit;
    DateTimeOffset _time;
    bool _commitHadEntry; // any diff line for m/d (a bare removal counts: nothing to repeat)
    // v2 trees hold exactly one file, so the tree state is known from the diffs; a commit with no diff re-adds the
    // same blob (io-uring has one such commit: the same message stored twice) and must still be yielded.
    RawKind? _v2Kind;
    string? _v2Oid;

    /// <summary>Feeds one output line; appends the requests it completes.</summary>
    public void Line(ReadOnlySpan<char> line, List<BlobRequest> output)
    {
        if (line.StartsWith("C "))
        {
            Flush(output);
            var rest = line[2..];
            var sp = rest.IndexOf(' ');
            _commit = rest[..sp].ToString();
            _time = long.TryParse(rest[(sp + 1)..], out var secs) ? DateTimeOffset.FromUnixTimeSeconds(secs) : default;
            _commitHadEntry = false;
            return;
        }
        if (line.Length == 0 || line[0] != ':' || _commit is null) return;

        // :100644 100644 <old> <new> <status>\t<path>
        var tab = line.IndexOf('\t');
        if (tab < 0) return;
        var path = line[(tab + 1)..];
        var fields = line[1..tab].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5) return;
        string oldOid = fields[2], newOid = fields[3];
        var status = fields[4][0];

        var kind = path switch { "m" => RawKind.Message, "d" => RawKind.Deletion, _ => (RawKind?)null };
        if (kind is not null && layout != RepoLayout.V1)
        {
            _commitHadEntry = true;
            if (status == 'D')
            {
                if (_v2Kind == kind) { _v2Kind = null; _v2Oid = null; }
                return;
            }
            _v2Kind = kind; _v2Oid = newOid;
            output.Add(new BlobRequest(kind.Value, newOid, _commit, _time));
        }
        else if (layout != RepoLayout.V2)
        {
            if (!IsFanoutPath(path)) return;
            // v1 deletion removes the file: the old blob holds the message being deleted.
            output.Add(status == 'D'
                ? new BlobRequest(RawKind.Deletion, oldOid, _commit, _time)
                : new BlobRequest(RawKind.Message, newOid, _commit, _time));
            _commitHadEntry = true;
        }
    }

    /// <summary>Ends the stream: completes the last commit.</summary>
    public void End(List<BlobRequest> output) => Flush(output);

    void Flush(List<BlobRequest> output)
    {
        // Only a v2 tree repeats its blob; with an unknown layout, only once we have seen a v2 blob.
        if (_commit is null || _commitHadEntry || layout == RepoLayout.V1 || (layout == RepoLayout.Unknown && _v2Oid is null)) return;
        // Unchanged tree: the same blob again. At the start of a resumed run we do not know it yet: ask git for <commit>:m.
        output.Add(_v2Oid is not null
            ? new BlobRequest(_v2Kind!.Value, _v2Oid, _commit, _time)
            : new BlobRequest(RawKind.Message, _commit + ":m", _commit, _time));
        _commitHadEntry = true;
    }

    static bool IsFanoutPath(ReadOnlySpan<char> path) =>
        (path.Length == 41 || path.Length == 65) && path[2] == '/'
        && Git.IsHexOid(string.Concat(path[..2], path[3..]));
}
