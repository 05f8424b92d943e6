using Ktriage.Core.Search;
using Microsoft.Data.Sqlite;

namespace Ktriage.Store.Sqlite;

/// <summary>The indexed words that share a query word's English stem: "fix" → fix, fixed, fixes, fixing. The FTS5 index
/// keeps words as written (phrases must match them so, as in public-inbox), so stemming happens at query time: the
/// index's vocabulary (fts5vocab) is read from the stem's guaranteed prefix (<see cref="EnglishStemmer.VariantPrefix"/>)
/// and each word there is stemmed — a range scan of a few hundred terms, not the whole vocabulary.</summary>
internal static class SqliteStemVariants
{
    /// <summary>Creates the vocabulary table on a search connection (temp: nothing is written to the index file).</summary>
    public static void Register(SqliteConnection conn) =>
        SqliteArchiveStore.Exec(conn, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(fts, message_fts, row)");

    public static IReadOnlyList<string> Of(SqliteConnection conn, string word)
    {
        var stem = EnglishStemmer.Stem(word);
        var prefix = EnglishStemmer.VariantPrefix(stem);
        using var cmd = conn.CreateCommand();
        // Terms are compared as UTF-8 bytes: every term starting with the prefix sorts below prefix + U+10FFFF.
        cmd.CommandText = "SELECT term FROM temp.fts_vocab WHERE term >= $lo AND term < $hi";
        cmd.Parameters.AddWithValue("$lo", prefix);
        cmd.Parameters.AddWithValue("$hi", prefix + char.ConvertFromUtf32(0x10FFFF));
        var found = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var term = r.GetString(0);
            if (term.All(char.IsLetter) && EnglishStemmer.Stem(term) == stem) found.Add(term);
        }
        return found;
    }
}
