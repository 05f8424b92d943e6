using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Ktriage.Core.Search;
using Npgsql;

namespace Ktriage.Store.Postgres;

/// <summary>Where a field's lexemes are kept: message_doc.head (the short fields) or message_doc.body.</summary>
internal enum DocPart { Head, Body }

/// <summary>
/// The full-text document of a message on PostgreSQL (message_doc, migration 2) and the tsqueries that search it.
/// Like Xapian's prefixed terms, every lexeme carries its field: "s:fixes" is the word "fixes" in the subject as written
/// (lower-cased), "s~fix" its English stem when stemming changes it. One GIN index then answers a query over any fields
/// in one scan, a plain word matches either form of its stem (<c>'s~fix' | 's:fix'</c>), and phrase words and prefixes
/// match words as written — public-inbox's meaning (a phrase's words are not stemmed there). Stems come from the
/// server's Snowball dictionary (ktriage_stem, migration 1), asked once per distinct word and cached: the document is
/// built in the ingest process, off the server, which serialises writes. The short fields (headers, file names, hunk
/// headers) are a document of their own, so that a phrase in them is checked without reading the whole text.
/// </summary>
internal static class PostgresTextIndex
{
    /// <summary>tsvector limits: positions stop at 16,383, a lexeme keeps at most 256 positions, a tsvector is at most
    /// 1 MiB (kept well under, counting lexeme and position bytes).</summary>
    const int MaxPosition = 16383, MaxPositions = 256, MaxDocBytes = 900_000;

    /// <summary>Field text beyond this is not indexed (a few huge attachments would otherwise fill the budget).</summary>
    const int MaxFieldChars = 200_000;

    public static string Tag(TextField field) => field switch
    {
        TextField.Subject => "s",
        TextField.From => "a",
        TextField.To => "t",
        TextField.Cc => "c",
        TextField.NonQuoted => "n",
        TextField.Quoted => "q",
        TextField.DiffFile => "dn",
        TextField.DiffRemoved => "da",
        TextField.DiffAdded => "db",
        TextField.DiffHunk => "dh",
        TextField.DiffContext => "dc",
        TextField.FileName => "fn",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a single field"),
    };

    public static DocPart PartOf(TextField field) =>
        field is TextField.NonQuoted or TextField.Quoted or TextField.DiffRemoved or TextField.DiffAdded or TextField.DiffContext
            ? DocPart.Body : DocPart.Head;

    public static string Column(DocPart part) => part == DocPart.Head ? "head" : "body";

    /// <summary>The parts a set of fields is kept in.</summary>
    public static IEnumerable<DocPart> Parts(TextField fields) =>
        SearchFields.Columns.Where(c => fields.HasFlag(c)).Select(PartOf).Distinct().Order();

    /// <summary>Words PostgreSQL's English configuration stems: letters only (words with digits or '_' are kept as
    /// written there, and here).</summary>
    static bool Stemmable(string lower)
    {
        foreach (var ch in lower) if (!char.IsLetter(ch)) return false;
        return true;
    }

    // word (lower-cased) → stem, for every word asked so far (bounded: past the bound, stems are asked and not kept).
    static readonly ConcurrentDictionary<string, string> stemCache = new(StringComparer.Ordinal);
    const int MaxCachedStems = 2_000_000;

    /// <summary>The stems of the stemmable <paramref name="words"/> (lower-cased), from the cache or, for the missing
    /// ones, from the server in one round trip.</summary>
    public static Dictionary<string, string> Stems(NpgsqlConnection conn, IEnumerable<string> words)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            if (map.ContainsKey(w) || !Stemmable(w)) continue;
            if (stemCache.TryGetValue(w, out var s)) map[w] = s;
            else missing.Add(w);
        }
        if (missing.Count == 0) return map;
        using var cmd = new NpgsqlCommand("SELECT w, coalesce((ts_lexize('ktriage_stem', w))[1], w) FROM unnest($1::text[]) w", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = missing.ToArray() });
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            map[r.GetString(0)] = r.GetString(1);
            if (stemCache.Count < MaxCachedStems) stemCache[r.GetString(0)] = r.GetString(1);
        }
        return map;
    }

    static IEnumerable<(TextField Field, List<string> Words)> Words(SearchFields fields) =>
        fields.All.Select(f => (f.Field, QueryParser.SplitWords(f.Text.Length > MaxFieldChars ? f.Text[..MaxFieldChars] : f.Text)
            .Select(w => w.ToLowerInvariant()).ToList()));

    /// <summary>The two tsvectors (as their text form, to cast) of a message's fields.</summary>
    public static (string Head, string Body) Document(NpgsqlConnection conn, SearchFields fields)
    {
        var words = Words(fields).ToList();
        var stems = Stems(conn, words.SelectMany(f => f.Words));
        return (Vector(words.Where(w => PartOf(w.Field) == DocPart.Head), stems), Vector(words.Where(w => PartOf(w.Field) == DocPart.Body), stems));
    }

    static string Vector(IEnumerable<(TextField Field, List<string> Words)> words, Dictionary<string, string> stems)
    {
        var positions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var bytes = 0;
        void Add(string lexeme, int pos)
        {
            if (!positions.TryGetValue(lexeme, out var list))
            {
                if (bytes + lexeme.Length + 8 > MaxDocBytes) return;
                positions[lexeme] = list = [];
                bytes += Encoding.UTF8.GetByteCount(lexeme) + 8;
            }
            if (list.Count >= MaxPositions || bytes + 2 > MaxDocBytes) return;
            list.Add(pos);
            bytes += 2;
        }
        foreach (var (field, list) in words)
        {
            var tag = Tag(field);
            // Each field has its own positions: a phrase cannot run from one field into the next (their tags differ).
            for (var i = 0; i < list.Count; i++)
            {
                var pos = Math.Min(i + 1, MaxPosition);
                Add(tag + ":" + list[i], pos);
                if (stems.TryGetValue(list[i], out var stem) && stem != list[i]) Add(tag + "~" + stem, pos);
            }
        }
        var sb = new StringBuilder(bytes + positions.Count * 4);
        foreach (var (lexeme, list) in positions)
        {
            if (list.Count == 0) continue;
            if (sb.Length > 0) sb.Append(' ');
            Quote(sb, lexeme);
            sb.Append(':');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(list[i].ToString(CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>A lexeme in tsvector/tsquery text: quoted, quotes doubled, backslashes escaped.</summary>
    static void Quote(StringBuilder sb, string lexeme) =>
        sb.Append('\'').Append(lexeme.Replace("\\", "\\\\").Replace("'", "''")).Append('\'');

    static string Quoted(string lexeme)
    {
        var sb = new StringBuilder(lexeme.Length + 2);
        Quote(sb, lexeme);
        return sb.ToString();
    }

    /// <summary>The tsquery text of one search term: words (stemmed, or as written in a phrase) in any of its fields
    /// kept in <paramref name="part"/> (null: none is). <paramref name="stems"/>: from <see cref="Stems"/> over
    /// <see cref="StemmedWords"/> of the query.</summary>
    public static string? Query(TextNode t, DocPart part, IReadOnlyDictionary<string, string> stems)
    {
        var words = t.Words.Select(w => w.ToLowerInvariant()).ToList();
        var perField = SearchFields.Columns.Where(c => t.Fields.HasFlag(c) && PartOf(c) == part).Select(field =>
        {
            var tag = Tag(field);
            var terms = words.Select((w, i) =>
            {
                if (t.Prefix && i == words.Count - 1) return Quoted(tag + ":" + w) + ":*";
                // A plain word matches every word with its stem: stored as "~stem" where stemming changed the word, as
                // ":stem" where the word is its own stem. The rest match as written.
                if (t.StemmedWord is null) return Quoted(tag + ":" + w);
                var stem = stems.GetValueOrDefault(w, w);
                return $"({Quoted(tag + "~" + stem)} | {Quoted(tag + ":" + stem)})";
            }).ToList();
            return terms.Count == 1 ? terms[0] : "(" + string.Join(" <-> ", terms) + ")";
        }).ToList();
        return perField.Count switch { 0 => null, 1 => perField[0], _ => "(" + string.Join(" | ", perField) + ")" };
    }

    /// <summary>Every word of a parsed query that a plain (stemmed) term needs the stem of.</summary>
    public static IEnumerable<string> StemmedWords(SearchNode node) => node switch
    {
        TextNode { StemmedWord: { } w } => [w],
        AndNode a => a.Items.SelectMany(StemmedWords),
        OrNode o => o.Items.SelectMany(StemmedWords),
        NotNode n => StemmedWords(n.Item),
        _ => [],
    };
}
