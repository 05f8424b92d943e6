using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ktriage.Cli.Commands;
using Ktriage.Cli.Ingest;
using Ktriage.Core.Threads;
using Ktriage.Sources.Mbox;
using Ktriage.Store;
using Ktriage.Store.Sqlite;
using Ktriage.TestSupport;

namespace Ktriage.Cli.Tests.Properties;

/// <summary>`ktriage thread MSGID --mbox` is lore's t.mbox.gz: ingesting it into an empty archive gives the same thread —
/// the same messages byte for byte, the same headers and the same nesting — whatever the thread's shape (missing
/// parents, References-only replies, equal or unordered dates) and bodies (From lines, CRLF, stray CRs).</summary>
public sealed class ThreadMboxProperties : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ktriage-thread-prop-").FullName;
    int run;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>One generated message: its parent (index of an earlier message, -1 none, -2 a message nobody has).</summary>
    public sealed record Mail(int Parent, bool FullReferences, bool InReplyTo, int Minute, bool Crlf, string Body);

    static readonly string[] BodyLines = ["From ", ">From ", ">>From x", "From mboxrd@z Thu Jan  1 00:00:00 1970", "", "> quoted", "Reviewed-by: A <a@b>", "body", "\u00e9"];

    static Gen<Mail[]> Threads =>
        from n in Gen.Choose(1, 7)
        from mails in Gen.ArrayOf(
            from parentPick in Gen.Choose(-2, 6)
            from full in Gen.Elements(true, false)
            from irt in Gen.Elements(true, true, false)
            from minute in Gen.Choose(0, 5)
            from crlf in Gen.Elements(false, false, true)
            from body in HostileInput.Text(BodyLines)
            select new Mail(parentPick, full, irt, minute, crlf, body), n)
        select mails.Select((m, i) => m with { Parent = i == 0 ? Math.Min(m.Parent, -1) : m.Parent < 0 ? m.Parent : m.Parent % i }).ToArray();

    static byte[] Raw(Mail[] mails, int i, string tag)
    {
        string Id(int k) => k == -2 ? $"<gone.{tag}@example.com>" : $"<m{k}.{tag}@example.com>";
        var m = mails[i];
        var ancestors = new List<int>();
        for (var p = m.Parent; p != -1; p = p >= 0 ? mails[p].Parent : -1) { ancestors.Insert(0, p); if (p == -2) break; }
        var sb = new StringBuilder()
            .Append($"From: Person {i} <p{i}@example.com>\n")
            .Append($"Subject: {(i == 0 ? "" : "Re: ")}[PATCH] topic {tag}\n")
            .Append($"Date: Mon, 3 Mar 2025 10:{m.Minute:D2}:00 +0000\n")
            .Append($"Message-ID: {Id(i)}\n");
        if (m.Parent != -1 && m.InReplyTo) sb.Append($"In-Reply-To: {Id(m.Parent)}\n");
        if (m.Parent != -1 && (m.FullReferences || !m.InReplyTo))
            sb.Append($"References: {string.Join(m.FullReferences ? "\n " : " ", (m.FullReferences ? ancestors : [m.Parent]).Select(Id))}\n");
        sb.Append('\n').Append(m.Body).Append('\n');
        var text = sb.ToString();
        if (m.Crlf) text = text.Replace("\n", "\r\n");
        // MboxWriter turns CRLF into LF like public-inbox's mboxrd (s/\r\n/\n/g), so "\r\r\n" needs two exports to
        // settle: lines end in at most one CR here.
        return Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, "\r+\n", "\r\n"));
    }

    SqliteArchiveStore Ingest(byte[] mbox, string name)
    {
        var store = SqliteArchiveStore.Open(Path.Combine(dir, $"{name}.db"));
        var source = new MboxSource(Path.Combine(dir, $"{name}.mbox"), "list", () => new MemoryStream(mbox, writable: false));
        var summary = new IngestPipeline(store).RunAsync(source, "list").GetAwaiter().GetResult();
        Assert.Equal(0, summary.Problems);
        return store;
    }

    static IReadOnlyList<MessageRow> ThreadOf(IArchiveStore store, string id) => store.ThreadMessages(store.FindMessages(id)[0].ThreadId);

    /// <summary>The nesting as text: every message under its parent, ghosts included, siblings in order.</summary>
    static string Shape(IReadOnlyList<MessageRow> messages)
    {
        var sb = new StringBuilder();
        void Walk(ThreadNode<MessageRow> n, int depth)
        {
            sb.Append(' ', depth).Append(n.MessageId).Append(n.IsGhost ? " (ghost)" : "").Append('\n');
            foreach (var c in n.Children) Walk(c, depth + 1);
        }
        foreach (var r in ThreadTree.Build(messages.Select(m => new ThreadItem<MessageRow>(m.MessageId, m.InReplyTo, m.References, m.Date, m)))) Walk(r, 0);
        return sb.ToString();
    }

    static string Facts(IArchiveStore store, MessageRow m) =>
        $"{m.MessageId}|{m.Subject}|{m.From}|{m.FromEmail}|{m.Date:O}|{m.InReplyTo}|{string.Join(",", m.References)}|{Convert.ToHexString(store.Copies(m.Id)[0].Raw)}";

    static string FirstDifference(IArchiveStore a, IReadOnlyList<MessageRow> before, IArchiveStore b, IReadOnlyList<MessageRow> after)
    {
        foreach (var m in before)
        {
            var x = a.Copies(m.Id)[0].Raw;
            var y = after.FirstOrDefault(n => n.MessageId == m.MessageId) is { } n ? b.Copies(n.Id)[0].Raw : [];
            var at = x.AsSpan().CommonPrefixLength(y);
            if (at < x.Length || at < y.Length)
                return $"{m.MessageId} differs at byte {at} of {x.Length}/{y.Length}: [{Show(x, at)}] vs [{Show(y, at)}] hex {Convert.ToHexString(x.AsSpan(Math.Max(0, at - 8), Math.Min(16, x.Length - Math.Max(0, at - 8))))} vs {Convert.ToHexString(y.AsSpan(Math.Max(0, at - 8), Math.Min(16, y.Length - Math.Max(0, at - 8))))}";
        }
        return "";
        static string Show(byte[] r, int at) => Encoding.Latin1.GetString(r, Math.Max(0, at - 30), Math.Min(r.Length, at + 30) - Math.Max(0, at - 30)).Replace("\n", "\\n");
    }

    [Fact]
    public void A_threads_mbox_ingested_again_gives_the_same_thread()
    {
        Prop.ForAll(Threads.ToArbitrary(), mails =>
        {
            var tag = (++run).ToString();
            using var original = new MemoryStream();
            for (var i = 0; i < mails.Length; i++) Core.Mail.MboxWriter.Write(original, Raw(mails, i, tag));
            using var a = Ingest(original.ToArray(), $"a{tag}");
            var thread = ThreadOf(a, $"m0.{tag}@example.com");

            using var exported = new MemoryStream();
            ThreadCommand.WriteMbox(a, thread, exported);
            using var b = Ingest(exported.ToArray(), $"b{tag}");
            var again = ThreadOf(b, $"m0.{tag}@example.com");

            var before = thread.Select(m => Facts(a, m)).Order(StringComparer.Ordinal).ToList();
            var after = again.Select(m => Facts(b, m)).Order(StringComparer.Ordinal).ToList();
            return (before.SequenceEqual(after) && Shape(thread) == Shape(again))
                .Label($"before:\n{Shape(thread)}after:\n{Shape(again)}{FirstDifference(a, thread, b, again)}");
        }).Check(HostileInput.Config(25));
    }
}
