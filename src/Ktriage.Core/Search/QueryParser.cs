using System.Text.RegularExpressions;
using Ktriage.Core.Mail;

namespace Ktriage.Core.Search;

/// <summary>
/// Parses public-inbox's search language (what Xapian's QueryParser accepts with public-inbox's prefixes):
/// terms are ANDed; <c>OR</c>, <c>AND</c>, <c>NOT</c> (upper case), <c>-term</c>, <c>+term</c>, parentheses,
/// <c>"phrases"</c>, <c>prefix:value</c> and <c>prefix:"phrase"</c>, <c>word*</c>. A word of several tokens
/// (<c>use-after-free</c>, <c>fs/io_uring.c</c>) is a phrase, as in Xapian. An unknown <c>foo:bar</c> is plain text.
/// </summary>
public static partial class QueryParser
{
    static readonly Dictionary<string, TextField> TextPrefixes = new()
    {
        ["s"] = TextField.Subject,
        ["f"] = TextField.From,
        ["t"] = TextField.To,
        ["c"] = TextField.Cc,
        ["tc"] = TextField.To | TextField.Cc,
        ["a"] = TextField.To | TextField.Cc | TextField.From,
        ["tcf"] = TextField.To | TextField.Cc | TextField.From,
        ["b"] = TextField.Body,
        ["bs"] = TextField.Body | TextField.Subject,
        ["nq"] = TextField.NonQuotedBody,
        ["q"] = TextField.Quoted,
        ["n"] = TextField.FileName,
        ["dfn"] = TextField.DiffFile,
        ["dfa"] = TextField.DiffRemoved,
        ["dfb"] = TextField.DiffAdded,
        ["dfhh"] = TextField.DiffHunk,
        ["dfctx"] = TextField.DiffContext,
    };

    static readonly HashSet<string> OtherPrefixes = ["m", "mid", "l", "lid", "d", "dt", "patchid", "crash", "type", "func", "tainted", "fixed"];

    /// <summary>Every prefix the language knows, for help texts.</summary>
    public static IEnumerable<string> Prefixes => TextPrefixes.Keys.Concat(OtherPrefixes);

    enum Kind { Word, Phrase, Open, Close, And, Or, Not, Minus, Plus, End }

    sealed record Token(Kind Kind, string Text, int Column, string? Prefix = null);

    /// <summary>Most words and phrases in one query: a person's query has a handful; thousands only cost the store time.</summary>
    public const int MaxTerms = 64;

    /// <summary>Deepest nesting of parentheses and NOT: the parser recurses once per level (and the store's query with it).</summary>
    public const int MaxDepth = 32;

    /// <summary>Parses <paramref name="query"/>; relative dates are relative to <paramref name="now"/> (default: the clock).</summary>
    /// <exception cref="SearchSyntaxException">the query is malformed, or has more than <see cref="MaxTerms"/> terms or
    /// nests deeper than <see cref="MaxDepth"/>.</exception>
    public static SearchNode Parse(string query, DateTimeOffset? now = null)
    {
        var tokens = Tokenize(query);
        var terms = tokens.Count(t => t.Kind is Kind.Word or Kind.Phrase);
        if (terms > MaxTerms) throw new SearchSyntaxException($"the query has {terms} terms; at most {MaxTerms} are allowed");
        var p = new Parser(tokens, now ?? DateTimeOffset.UtcNow);
        if (tokens[0].Kind == Kind.End) throw new SearchSyntaxException("empty query");
        var node = p.ParseOr();
        if (p.Peek.Kind == Kind.Close) throw new SearchSyntaxException($"unmatched ')' at column {p.Peek.Column}");
        if (p.Peek.Kind != Kind.End) throw new SearchSyntaxException($"unexpected '{p.Peek.Text}' at column {p.Peek.Column}");
        if (OnlyNegative(node)) throw new SearchSyntaxException($"'{query}' only excludes messages: add a term to search for");
        return node;
    }

    static bool OnlyNegative(SearchNode n) => n switch
    {
        NotNode => true,
        AndNode a => a.Items.All(OnlyNegative),
        _ => false,
    };

    static List<Token> Tokenize(string q)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var col = i + 1;
            if (c == '(') { tokens.Add(new(Kind.Open, "(", col)); i++; continue; }
            if (c == ')') { tokens.Add(new(Kind.Close, ")", col)); i++; continue; }
            // -term / +term only at the start of a term (a '-' inside a word is part of it).
            if ((c == '-' || c == '+') && i + 1 < q.Length && !char.IsWhiteSpace(q[i + 1]) && q[i + 1] != ')')
            {
                tokens.Add(new(c == '-' ? Kind.Minus : Kind.Plus, c.ToString(), col));
                i++;
                continue;
            }
            if (c == '"') { tokens.Add(new(Kind.Phrase, ReadPhrase(q, ref i, col), col)); continue; }
            var start = i;
            while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] != '(' && q[i] != ')' && q[i] != '"') i++;
            var word = q[start..i];
            var colon = word.IndexOf(':');
            if (colon > 0 && word[..colon] is var pfx && IsPrefix(pfx))
            {
                var value = word[(colon + 1)..];
                if (value.Length == 0 && i < q.Length && q[i] == '"')
                {
                    tokens.Add(new(Kind.Phrase, ReadPhrase(q, ref i, col), col, pfx));
                    continue;
                }
                if (value.Length == 0) throw new SearchSyntaxException($"'{word}' at column {col}: nothing after the prefix");
                tokens.Add(new(Kind.Word, value, col, pfx));
                continue;
            }
            tokens.Add(new(word switch { "AND" => Kind.And, "OR" => Kind.Or, "NOT" => Kind.Not, _ => Kind.Word }, word, col));
        }
        tokens.Add(new(Kind.End, "end of query", q.Length + 1));
        return tokens;
    }

    static bool IsPrefix(string p) => TextPrefixes.ContainsKey(p) || OtherPrefixes.Contains(p);

    static string ReadPhrase(string q, ref int i, int col)
    {
        var end = q.IndexOf('"', i + 1);
        if (end < 0) throw new SearchSyntaxException($"unterminated quote starting at column {col}");
        var text = q[(i + 1)..end];
        i = end + 1;
        return text;
    }

    [GeneratedRegex(@"[\p{L}\p{N}_]+", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex Words();

    /// <summary>The words of a text the way the full-text indexes split it: letters, digits and '_'.</summary>
    public static IReadOnlyList<string> SplitWords(string text) => Words().Matches(text).Select(m => m.Value).ToList();

    sealed class Parser(List<Token> tokens, DateTimeOffset now)
    {
        int pos, depth;

        void Deeper(Token at)
        {
            if (++depth > MaxDepth) throw new SearchSyntaxException($"the query nests deeper than {MaxDepth} levels at column {at.Column}");
        }
        public Token Peek => tokens[pos];
        Token Next() => tokens[pos++];

        public SearchNode ParseOr()
        {
            var items = new List<SearchNode> { ParseAnd() };
            while (Peek.Kind == Kind.Or)
            {
                Next();
                items.Add(ParseAnd());
            }
            return items.Count == 1 ? items[0] : new OrNode(items);
        }

        SearchNode ParseAnd()
        {
            var items = new List<SearchNode>();
            while (Peek.Kind is not (Kind.End or Kind.Close or Kind.Or))
            {
                if (Peek.Kind == Kind.And)
                {
                    var and = Next();
                    if (items.Count == 0) throw new SearchSyntaxException($"'AND' at column {and.Column} has nothing before it");
                    if (Peek.Kind is Kind.End or Kind.Close or Kind.Or or Kind.And)
                        throw new SearchSyntaxException($"'AND' at column {and.Column} has nothing after it");
                }
                if (ParseUnary() is { } n) items.Add(n);
            }
            if (items.Count == 0)
            {
                var t = Peek;
                throw new SearchSyntaxException(t.Kind switch
                {
                    Kind.Or => $"'OR' at column {t.Column} has nothing before it",
                    Kind.Close => $"empty parentheses or unmatched ')' at column {t.Column}",
                    _ => tokens.Count > 1 && tokens[pos - 1].Kind == Kind.Or
                        ? $"'OR' at column {tokens[pos - 1].Column} has nothing after it"
                        : "the query has no words to search for",
                });
            }
            return items.Count == 1 ? items[0] : new AndNode(items);
        }

        SearchNode? ParseUnary()
        {
            var t = Peek;
            if (t.Kind is Kind.Not or Kind.Minus)
            {
                Next();
                if (Peek.Kind is Kind.End or Kind.Close or Kind.Or or Kind.And)
                    throw new SearchSyntaxException($"'{t.Text}' at column {t.Column} has nothing after it");
                Deeper(t);
                var negated = ParseUnary();
                depth--;
                return negated is { } inner ? new NotNode(inner) : null;
            }
            if (t.Kind == Kind.Plus) Next();
            return ParseAtom();
        }

        SearchNode? ParseAtom()
        {
            var t = Next();
            switch (t.Kind)
            {
                case Kind.Open:
                    Deeper(t);
                    var inner = ParseOr();
                    depth--;
                    if (Peek.Kind != Kind.Close) throw new SearchSyntaxException($"'(' at column {t.Column} is never closed");
                    Next();
                    return inner;
                case Kind.Word or Kind.Phrase:
                    return t.Prefix is null ? Text(TextField.Default, t) : Prefixed(t);
                default:
                    throw new SearchSyntaxException($"unexpected '{t.Text}' at column {t.Column}");
            }
        }

        /// <summary>Words of a term; null when it has none (punctuation only): Xapian ignores such terms too.</summary>
        static TextNode? Text(TextField fields, Token t)
        {
            var prefix = t.Kind == Kind.Word && t.Text.EndsWith('*');
            var words = SplitWords(t.Text);
            if (words.Count == 0) return null;
            return new TextNode(fields, words, t.Kind == Kind.Phrase || words.Count > 1, prefix);
        }

        SearchNode? Prefixed(Token t)
        {
            var p = t.Prefix!;
            var v = t.Text.Trim();
            if (TextPrefixes.TryGetValue(p, out var fields))
                return Text(fields, t) ?? throw new SearchSyntaxException($"{p}:{t.Text} at column {t.Column}: no words to search for");
            if (v.Length == 0) throw new SearchSyntaxException($"{p}: at column {t.Column}: empty value");
            return p switch
            {
                "m" or "mid" => new MessageIdNode(MessageIds.Normalize(v)),
                "l" or "lid" => new ListNode(v.Trim('<', '>').ToLowerInvariant()),
                "d" or "dt" => DateSpec.ParseRange(v, now),
                "patchid" => IsHex(v) && v.Length == 40 ? new PatchIdNode(v.ToLowerInvariant())
                    : throw new SearchSyntaxException($"patchid:{v}: expected 40 hex digits (git patch-id --stable)"),
                "crash" => SplitWords(v) is { Count: > 0 } w ? new CrashTitleNode(w)
                    : throw new SearchSyntaxException($"crash:{v} at column {t.Column}: no words to search for"),
                "type" => new CrashTypeNode(v),
                "func" => new CrashFunctionNode(v),
                "tainted" => v.ToLowerInvariant() switch
                {
                    "yes" => new TaintedNode(true, null),
                    "no" => new TaintedNode(false, null),
                    _ when TaintFlags().IsMatch(v) => new TaintedNode(true, v.ToUpperInvariant()),
                    _ => throw new SearchSyntaxException($"tainted:{v}: expected yes, no or taint flag letters (e.g. tainted:W)"),
                },
                "fixed" => v.ToLowerInvariant() switch
                {
                    "yes" => new FixedNode(true),
                    "no" => new FixedNode(false),
                    _ => throw new SearchSyntaxException($"fixed:{v}: expected fixed:yes or fixed:no"),
                },
                _ => throw new InvalidOperationException(p),
            };
        }

        static bool IsHex(string s) => s.All(Uri.IsHexDigit);
    }

    [GeneratedRegex(@"^[A-Za-z]{1,20}$", RegexOptions.None, SafeRegex.TimeoutMs)]
    private static partial Regex TaintFlags();
}
