using System.Text;
using System.Text.RegularExpressions;
using Ktriage.Core.Mail;

namespace Ktriage.Core.Search;

/// <summary>
/// The text of a message split into the fields the search language names, the way public-inbox's indexer splits it
/// (SearchIdx.pm index_xapian/index_diff): quoted blocks ('>' lines) are q:; other text is nq:, except diffs, whose
/// lines go to dfn: (file names), dfa: (-), dfb: (+), dfctx: (context) and dfhh: (hunk header text). A port of that
/// line classifier rather than <see cref="Patches.DiffParser"/>, so that the fields mean exactly what they mean there.
/// </summary>
public sealed partial class SearchFields
{
    public string Subject { get; init; } = "";
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    public string Cc { get; init; } = "";
    public string NonQuoted { get; init; } = "";
    public string Quoted { get; init; } = "";
    public string DiffFile { get; init; } = "";
    public string DiffRemoved { get; init; } = "";
    public string DiffAdded { get; init; } = "";
    public string DiffHunk { get; init; } = "";
    public string DiffContext { get; init; } = "";
    public string FileName { get; init; } = "";

    /// <summary>Each field with its value, in <see cref="TextField"/> bit order.</summary>
    public IEnumerable<(TextField Field, string Text)> All =>
    [
        (TextField.Subject, Subject), (TextField.From, From), (TextField.To, To), (TextField.Cc, Cc),
        (TextField.NonQuoted, NonQuoted), (TextField.Quoted, Quoted), (TextField.DiffFile, DiffFile),
        (TextField.DiffRemoved, DiffRemoved), (TextField.DiffAdded, DiffAdded), (TextField.DiffHunk, DiffHunk),
        (TextField.DiffContext, DiffContext), (TextField.FileName, FileName),
    ];

    /// <summary>The single fields (one bit each), in column order.</summary>
    public static readonly TextField[] Columns =
    [
        TextField.Subject, TextField.From, TextField.To, TextField.Cc, TextField.NonQuoted, TextField.Quoted,
        TextField.DiffFile, TextField.DiffRemoved, TextField.DiffAdded, TextField.DiffHunk, TextField.DiffContext, TextField.FileName,
    ];

    sealed class Builder : IDisposable
    {
        public readonly TextBuffer Nq = new(), Q = new(), Dfn = new(), Dfa = new(), Dfb = new(), Dfhh = new(), Dfctx = new();
        public readonly HashSet<string> Seen = [];

        public void Dispose()
        {
            foreach (var t in (ReadOnlySpan<TextBuffer>)[Nq, Q, Dfn, Dfa, Dfb, Dfhh, Dfctx]) t.Dispose();
        }
    }

    /// <summary>Text appended in slices, in a pooled buffer, copied out once by ToString. A StringBuilder's chunks were a
    /// second copy of each field of every message, all garbage for the ingest's GC (this runs on the FTS thread).</summary>
    sealed class TextBuffer : IDisposable
    {
        // Bigger buffers (a pasted log of MiBs) are plain arrays, not kept by the pool: the ingest's heap is limited.
        const int MaxPooled = 256 << 10;
        char[] buffer = System.Buffers.ArrayPool<char>.Shared.Rent(256);
        int length;

        public TextBuffer Append(ReadOnlySpan<char> text)
        {
            if (text.Length > buffer.Length - length) Grow(text.Length);
            text.CopyTo(buffer.AsSpan(length));
            length += text.Length;
            return this;
        }

        public TextBuffer Append(char c) => Append([c]);

        void Grow(int more)
        {
            var need = (long)length + more;
            if (need > Array.MaxLength) throw new OutOfMemoryException($"a search field over {Array.MaxLength:N0} characters");
            var size = (int)Math.Min(Array.MaxLength, Math.Max(need, 2L * buffer.Length));
            var bigger = size <= MaxPooled ? System.Buffers.ArrayPool<char>.Shared.Rent(size) : new char[size];
            buffer.AsSpan(0, length).CopyTo(bigger);
            Release();
            buffer = bigger;
        }

        void Release()
        {
            if (buffer.Length is > 0 and <= MaxPooled) System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }

        public override string ToString() => new(buffer, 0, length);

        public void Dispose()
        {
            Release();
            buffer = [];
            length = 0;
        }
    }

    /// <summary>The message's fields. One too big to split whole within the ingest's GC heap limit (a pasted log of
    /// tens of MiB) gets the first MiB of each text part, after a full collection, rather than stopping the ingest
    /// on any store.</summary>
    public static SearchFields Of(Message m)
    {
        try { return Of(m, int.MaxValue); }
        catch (OutOfMemoryException)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Of(m, 1 << 20);
        }
    }

    static SearchFields Of(Message m, int maxPartChars)
    {
        using var b = new Builder();
        static string Cap(string text, int max) => text.Length > max ? text[..max] : text;
        Part(b, Cap(m.Body, maxPartChars));
        foreach (var a in m.Attachments) Part(b, Cap(a.Text, maxPartChars));
        return new SearchFields
        {
            Subject = m.Subject,
            From = m.From?.ToString() ?? "",
            To = string.Join(", ", m.To),
            Cc = string.Join(", ", m.Cc),
            NonQuoted = b.Nq.ToString(),
            Quoted = b.Q.ToString(),
            DiffFile = b.Dfn.ToString(),
            DiffRemoved = b.Dfa.ToString(),
            DiffAdded = b.Dfb.ToString(),
            DiffHunk = b.Dfhh.ToString(),
            DiffContext = b.Dfctx.ToString(),
            FileName = string.Join(" ", m.Attachments.Select(a => a.FileName).OfType<string>().Concat(m.OtherFileNames)),
        };
    }

    static void Line(TextBuffer sb, ReadOnlySpan<char> line) => sb.Append(line).Append('\n');

    /// <summary>One text part: quoted blocks apart, the rest either plain text or (when it looks like one) a diff.
    /// Sections are appended as slices of the text (the tokenizer does not care about '\r' or extra newlines), so a
    /// log of tens of MiB is not copied line by line.</summary>
    static void Part(Builder b, string text)
    {
        var looksLikeDiff = HasDiffLine(text);
        // split_quotes: runs of '>' lines vs the rest; a section "looks like a diff" on its own.
        int start = 0;
        var quoted = false;
        void Flush(int end)
        {
            if (end <= start) return;
            var s = text.AsSpan(start, end - start);
            if (quoted) b.Q.Append(s).Append('\n');
            else if (looksLikeDiff && HasDiffLine(s)) Diff(b, s);
            else b.Nq.Append(s).Append('\n');
        }
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var (offset, length) = range.GetOffsetAndLength(text.Length);
            var isQuote = text.AsSpan(offset, length).StartsWith(">");
            if (isQuote == quoted) continue;
            Flush(offset);
            start = offset;
            quoted = isQuote;
        }
        Flush(text.Length);
    }

    /// <summary>index_diff: classifies each line of a section that contains a diff, quirks included (a "+++ /dev/null"
    /// ends the diff state until the next header, as there). <c>state</c> is public-inbox's <c>$in_diff</c>: null
    /// undef, "" false, "1" true, else the old file name of a traditional diff.</summary>
    static void Diff(Builder b, ReadOnlySpan<char> text)
    {
        // Lines are slices of the section (the lines of text.Split('\n'), read with a cursor); a string is made only
        // for the few lines a pattern with groups matches.
        if (text.Contains('\r')) text = text.ToString().Replace("\r", "");
        int next = 0;
        var more = true;
        string? state = null;
        bool InDiff() => !string.IsNullOrEmpty(state) && state != "0";
        void File(string name)
        {
            if (b.Seen.Add(name)) Line(b.Dfn, name);
        }
        // Traditional diffs: strip the leading components the two names differ in; no common path, no diff.
        bool OldDiffFileName(string fa, string fb)
        {
            var a = fa.Split('/').ToList();
            var c = fb.Split('/').ToList();
            while (a.Count > 0 && c.Count > 0)
            {
                var ja = string.Join('/', a);
                if (ja == string.Join('/', c)) { File(ja); return true; }
                a.RemoveAt(0);
                c.RemoveAt(0);
            }
            return false;
        }
        while (more)
        {
            var line = NextLine(text, ref next, ref more);
            string? str = null;
            Match m;
            // Each pattern is anchored and starts with a literal: the line's first characters are compared before a
            // regex runs (most lines of a diff are +, - or context lines and matched none of them, at ~6 regex calls each).
            var diff = line.StartsWith("diff ", StringComparison.Ordinal);
            var minus = line.StartsWith("--- ", StringComparison.Ordinal);
            var plus = line.StartsWith("+++ ", StringComparison.Ordinal);
            if (InDiff() && line.StartsWith("GIT binary patch", StringComparison.Ordinal))
            {
                Line(b.Nq, line);
                while (more && LiteralOrDelta().IsMatch(PeekLine(text, next)))
                {
                    Line(b.Nq, NextLine(text, ref next, ref more));
                    while (more && (Base85().IsMatch(PeekLine(text, next)) || PeekLine(text, next).IsWhiteSpace())) NextLine(text, ref next, ref more);
                }
            }
            else if (InDiff() && line is [' ', ..]) Line(b.Dfctx, line[1..]);
            else if (line.SequenceEqual("-- ")) state = null;
            else if (diff && (m = GitDiff().Match(str ??= line.ToString())).Success)
            {
                Line(b.Nq, line);
                state = "1";
                File(StripComponent(m.Groups[1].Value));
                File(StripComponent(m.Groups[2].Value));
            }
            else if (diff && (m = TraditionalDiff().Match(str ??= line.ToString())).Success)
            {
                Line(b.Nq, line);
                if (m.Groups[1].Value.Contains('u', StringComparison.OrdinalIgnoreCase))
                    state = OldDiffFileName(m.Groups[2].Value, m.Groups[3].Value) ? "1" : "";
            }
            else if (minus && (m = MinusFile().Match(str ??= line.ToString())).Success) { File(StripComponent(m.Groups[1].Value)); state = "1"; }
            else if (plus && (m = PlusFile().Match(str ??= line.ToString())).Success) { File(StripComponent(m.Groups[1].Value)); state = "1"; }
            else if (minus && (m = OldMinus().Match(str ??= line.ToString())).Success) { state = m.Groups[1].Value; Line(b.Nq, line); }
            else if (plus && state is not null && (m = OldPlus().Match(str ??= line.ToString())).Success) state = OldDiffFileName(state, m.Groups[1].Value) ? "1" : "";
            else if (InDiff() && line is ['+', ..]) Line(b.Dfb, line[1..]);
            else if (InDiff() && line is ['-', ..]) Line(b.Dfa, line[1..]);
            else if (line.StartsWith("index ", StringComparison.Ordinal) && IndexLine().IsMatch(line)) state = "1";
            else if (line.StartsWith("@@ ", StringComparison.Ordinal) && (m = HunkHeader().Match(str ??= line.ToString())).Success) { if (m.Groups[1].Success) Line(b.Dfhh, m.Groups[1].Value); }
            else if (line.Length > 0 && IgnoredFirst.Contains(line[0]) && Ignored().IsMatch(line)) Line(b.Nq, line);
            else if (line.Length == 0) { }
            else { Line(b.Nq, line); state = null; }
        }
    }

    /// <summary>The line starting at <paramref name="at"/>, up to its '\n'.</summary>
    static ReadOnlySpan<char> PeekLine(ReadOnlySpan<char> text, int at)
    {
        var rest = text[at..];
        var nl = rest.IndexOf('\n');
        return nl < 0 ? rest : rest[..nl];
    }

    /// <summary>Reads the line at <paramref name="at"/> and moves past it; <paramref name="more"/> turns false after the
    /// last one (the text after the last '\n', empty when the text ends with one: the lines of string.Split('\n')).</summary>
    static ReadOnlySpan<char> NextLine(ReadOnlySpan<char> text, ref int at, ref bool more)
    {
        var line = PeekLine(text, at);
        at += line.Length + 1;
        more = at <= text.Length;
        return line;
    }

    /// <summary>Whether a line starts with "diff ", "--- " or "+++ " (public-inbox's <c>/^(?:diff|---|\+\+\+) /ms</c>),
    /// looking at line starts only: the regex's search for a start stopped at every 'd', '-' and '+' of the text.</summary>
    static bool HasDiffLine(ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (text.StartsWith("diff ", StringComparison.Ordinal) || text.StartsWith("--- ", StringComparison.Ordinal)
                || text.StartsWith("+++ ", StringComparison.Ordinal)) return true;
            var nl = text.IndexOf('\n');
            if (nl < 0) return false;
            text = text[(nl + 1)..];
        }
    }

    /// <summary>The first characters of <see cref="Ignored"/>'s alternatives.</summary>
    static readonly System.Buffers.SearchValues<char> IgnoredFirst = System.Buffers.SearchValues.Create("dsoncr\\B");

    /// <summary>"a/fs/io_uring.c" → "fs/io_uring.c" (git_unquote of "quoted" names is left out: rare in kernel mail).</summary>
    static string StripComponent(string name)
    {
        name = name.Trim('"');
        var slash = name.IndexOf('/');
        return slash < 0 ? name : name[(slash + 1)..];
    }

    [GeneratedRegex(@"^diff --git (""?[^/]+/.+) (""?[^/]+/.+)$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex GitDiff();
    [GeneratedRegex(@"^--- (""?[^/]+/.+)", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex MinusFile();
    [GeneratedRegex(@"^\+\+\+ (""?[^/]+/.+)", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex PlusFile();
    [GeneratedRegex(@"^--- (\S+)", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex OldMinus();
    [GeneratedRegex(@"^\+\+\+ (\S+)", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex OldPlus();
    [GeneratedRegex(@"^diff -(.+) (\S+) (\S+)$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex TraditionalDiff();
    [GeneratedRegex(@"^(?:literal|delta) ", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex LiteralOrDelta();
    // public-inbox's $BASE85.
    [GeneratedRegex(@"^[a-zA-Z0-9!#$%&()*+;<=>?@^_`{|}~-]+$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Base85();
    [GeneratedRegex(@"^index [a-f0-9]+\.\.[a-f0-9]+", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex IndexLine();
    [GeneratedRegex(@"^@@ \S+ \S+ @@\s*(\S.*)?$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex HunkHeader();
    [GeneratedRegex(@"^(?:(?:dis)?similarity index|(?:old|new) mode|(?:deleted|new) file mode|(?:copy|rename) (?:from|to) |\\ No newline at end of file|Binary files .* differ)", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Ignored();
}
