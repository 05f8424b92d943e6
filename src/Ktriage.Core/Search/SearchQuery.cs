namespace Ktriage.Core.Search;

/// <summary>A parsed search: public-inbox's query language (prefixes, AND/OR/NOT, -term, "phrases", parentheses)
/// plus ktriage's crash prefixes. Stores compile it to their own SQL (SQLite FTS5, PostgreSQL tsvector).</summary>
public abstract record SearchNode;

public sealed record AndNode(IReadOnlyList<SearchNode> Items) : SearchNode;
public sealed record OrNode(IReadOnlyList<SearchNode> Items) : SearchNode;
public sealed record NotNode(SearchNode Item) : SearchNode;

/// <summary>Text fields of the full-text index, named like public-inbox's Xapian prefixes.</summary>
[Flags]
public enum TextField
{
    None = 0,
    Subject = 1 << 0,     // S
    From = 1 << 1,        // A
    To = 1 << 2,          // XTO
    Cc = 1 << 3,          // XCC
    NonQuoted = 1 << 4,   // XNQ: the sender's own text, not quoted, not diff
    Quoted = 1 << 5,      // XQUOT: lines starting with '>'
    DiffFile = 1 << 6,    // XDFN
    DiffRemoved = 1 << 7, // XDFA
    DiffAdded = 1 << 8,   // XDFB
    DiffHunk = 1 << 9,    // XDFHH
    DiffContext = 1 << 10, // XDFCTX
    FileName = 1 << 11,   // XFN: attachment file names
    Diff = DiffFile | DiffRemoved | DiffAdded | DiffHunk | DiffContext,
    /// <summary>nq: as public-inbox means it: non-quoted text including diffs.</summary>
    NonQuotedBody = NonQuoted | Diff,
    Body = NonQuotedBody | Quoted,
    /// <summary>No prefix: subject, from, body (quoted too) and attachment names, as public-inbox's default.</summary>
    Default = Subject | From | Body | FileName,
}

/// <summary>Words (or one phrase) that must occur in one of <paramref name="Fields"/>. <paramref name="Prefix"/>: the
/// last word is a prefix (<c>foo*</c>).</summary>
public sealed record TextNode(TextField Fields, IReadOnlyList<string> Words, bool Phrase, bool Prefix) : SearchNode
{
    /// <summary>The word (lower-cased) when the term matches every word with its English stem, else null (matched as
    /// written). public-inbox's meaning (Xapian's STEM_SOME): a plain word is stemmed unless it starts with a capital
    /// letter ("Acked" is exact, "acked" finds "ack", "acking"); words of a phrase and prefixes are never stemmed. Only
    /// words of letters are: the stores' stemmers (PostgreSQL's English dictionary, <see cref="EnglishStemmer"/>) leave
    /// the others alone.</summary>
    public string? StemmedWord => !Phrase && !Prefix && Words is [var w] && char.IsLower(w[0]) && w.All(char.IsLetter)
        ? w.ToLowerInvariant() : null;
}

/// <summary>m:/mid: exact Message-ID (normalised).</summary>
public sealed record MessageIdNode(string MessageId) : SearchNode;

/// <summary>l: list name, or a List-Id whose first label is the list name.</summary>
public sealed record ListNode(string List) : SearchNode;

/// <summary>d: date range, [From, To) in UTC; either end open.</summary>
public sealed record DateNode(DateTimeOffset? From, DateTimeOffset? To) : SearchNode;

public sealed record PatchIdNode(string PatchId) : SearchNode;

/// <summary>crash: every word occurs in the title of one crash report of the message (case-insensitive).</summary>
public sealed record CrashTitleNode(IReadOnlyList<string> Words) : SearchNode;

/// <summary>type: crash type as syzkaller names them (KASAN-USE-AFTER-FREE-READ, WARNING, ...), case-insensitive;
/// a leading part selects the family (type:KASAN).</summary>
public sealed record CrashTypeNode(string Type) : SearchNode;

/// <summary>func: a function in a crash report's trace or crash site.</summary>
public sealed record CrashFunctionNode(string Function) : SearchNode;

/// <summary>tainted:yes|no, or tainted:FLAGS (every flag letter present, e.g. tainted:W).</summary>
public sealed record TaintedNode(bool? Tainted, string? Flags) : SearchNode;

/// <summary>fixed:yes|no: a crash of the message belongs to a cluster with (without) a candidate fix.</summary>
public sealed record FixedNode(bool Fixed) : SearchNode;

/// <summary>A query the user must correct: the message names the problem and where it is.</summary>
public sealed class SearchSyntaxException(string message) : Exception(message);
