using System.Text.RegularExpressions;
using Ktriage.Core.Search;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Search;

/// <summary>
/// <see cref="EnglishStemmer"/> against Snowball's own implementation: Fixtures/Search/english-stems.txt holds words
/// and their stems by python3-snowballstemmer 2.2.0 (english-stems.py beside it regenerates it).
/// </summary>
public sealed partial class EnglishStemmerTests
{
    static readonly string FixturePath = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Search", "english-stems.txt");

    static IReadOnlyList<(string Word, string Stem)> Fixture { get; } =
    [
        .. File.ReadLines(FixturePath)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(p => (p[0], p[1])),
    ];

    [Fact]
    public void Every_fixture_word_stems_as_the_Snowball_reference_does()
    {
        Assert.True(Fixture.Count > 2000, $"{FixturePath}: only {Fixture.Count} words");
        var wrong = Fixture.Select(e => (e.Word, e.Stem, Got: EnglishStemmer.Stem(e.Word))).Where(e => e.Got != e.Stem)
            .Select(e => $"{e.Word}: expected {e.Stem}, got {e.Got}").ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Fixture.Count} wrong:\n" + string.Join("\n", wrong.Take(30)));
    }

    [Theory]
    [InlineData("fix", "fix fixes fixed fixing")]
    [InlineData("regress", "regress regression regressions regressed regressing")]
    [InlineData("lock", "lock locks locked locking")]
    [InlineData("spinlock", "spinlock spinlocks spinlocking")]
    [InlineData("generous", "generous generously")]
    [InlineData("happi", "happy happiness")]
    [InlineData("die", "die dies died dying")]
    public void A_query_word_and_its_inflections_share_a_stem(string stem, string words)
    {
        foreach (var w in words.Split(' '))
            Assert.Equal((w, stem), (w, EnglishStemmer.Stem(w)));
    }

    [Fact]
    public void Short_and_empty_words_are_left_alone()
    {
        Assert.Equal("", EnglishStemmer.Stem(""));
        Assert.Equal("is", EnglishStemmer.Stem("is"));
        Assert.Throws<ArgumentNullException>(() => EnglishStemmer.Stem(null!));
    }

    [Theory]
    [InlineData("lock", "lock")]
    [InlineData("regress", "regress")]
    [InlineData("io_ur", "io_ur")]
    [InlineData("happi", "happ")] // happy
    [InlineData("hope", "hop")] // hoping
    [InlineData("gentl", "gentl")] // gently
    [InlineData("possibl", "possib")] // possibility
    [InlineData("possible", "possible")] // step 5 deletes the e of possibility's "possible"
    [InlineData("rate", "rat")] // rating
    [InlineData("relat", "relat")] // relational, relating
    [InlineData("organ", "organ")] // organization
    [InlineData("depend", "depend")] // dependency → depend
    [InlineData("sky", "sk")] // skies
    [InlineData("die", "d")] // dying
    [InlineData("free", "free")] // not short: no e is added to "fre"
    [InlineData("the", "the")]
    public void VariantPrefix_cuts_only_an_ending_a_rewrite_may_have_changed(string stem, string prefix) =>
        Assert.Equal(prefix, EnglishStemmer.VariantPrefix(stem));

    [Fact]
    public void VariantPrefix_is_the_whole_stem_for_most_words()
    {
        var stems = Fixture.Select(e => e.Stem).Distinct().ToList();
        var whole = stems.Count(s => EnglishStemmer.VariantPrefix(s) == s);
        Assert.True(whole >= stems.Count * 3 / 4, $"only {whole} of {stems.Count} stems are their own prefix");
    }

    /// <summary>The fixture's words, each with suffixes that exercise every rewrite glued on (to the word, to its
    /// stem and to the word less its last letter), seeded random strings over a small alphabet with those suffixes,
    /// and /usr/share/dict/words when installed.</summary>
    [Fact]
    public void Every_word_starts_with_the_VariantPrefix_of_its_stem()
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (word, stem) in Fixture)
        {
            words.Add(word);
            foreach (var suffix in Suffixes)
            {
                words.Add(word + suffix);
                words.Add(stem + suffix);
                if (word.Length > 1) words.Add(word[..^1] + suffix);
            }
        }
        var random = new Random(7);
        const string letters = "aeiouybcdglnrstwxz1_";
        for (var i = 0; i < 200_000; i++)
        {
            var chars = new char[random.Next(1, 9)];
            for (var j = 0; j < chars.Length; j++) chars[j] = letters[random.Next(letters.Length)];
            words.Add(new string(chars) + Suffixes[random.Next(Suffixes.Length)]);
        }
        if (File.Exists("/usr/share/dict/words"))
            words.UnionWith(File.ReadLines("/usr/share/dict/words").Select(w => w.ToLowerInvariant()));
        AssertPrefixProperty(words);
    }

    [KernelTreeFact]
    public void Every_word_of_the_kernel_tree_starts_with_the_VariantPrefix_of_its_stem()
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(KernelTree.Root!, "*", SearchOption.AllDirectories))
            foreach (Match m in IndexWord().Matches(File.ReadAllText(file)))
                words.Add(m.Value.ToLowerInvariant());
        Assert.True(words.Count > 20_000, $"only {words.Count} words in {KernelTree.Root}");
        AssertPrefixProperty(words);
    }

    static void AssertPrefixProperty(IEnumerable<string> words)
    {
        var wrong = new List<string>();
        var checkedWords = 0;
        foreach (var w in words)
        {
            if (w.StartsWith('\'')) continue; // Snowball drops it; no index tokenizer keeps one
            checkedWords++;
            var stem = EnglishStemmer.Stem(w);
            var prefix = EnglishStemmer.VariantPrefix(stem);
            if (!w.StartsWith(prefix, StringComparison.Ordinal)) wrong.Add($"{w} → {stem} → prefix {prefix}");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {checkedWords} words do not start with their prefix:\n"
            + string.Join("\n", wrong.Take(30)));
    }

    static readonly string[] Suffixes =
    [
        "", "s", "es", "'s", "s'", "ies", "ied", "ed", "ing", "ly", "ingly", "edly", "eed", "eedly", "y", "ying", "yed",
        "ity", "ities", "ization", "izations", "izer", "ational", "ationally", "ation", "ations", "ator", "ators",
        "alism", "ality", "ally", "fully", "fulness", "ousness", "ously", "iveness", "ivity", "ivities", "bility",
        "bilities", "bly", "ably", "ibly", "ogy", "ologies", "lessly", "ently", "ency", "encies", "ancy", "ancies",
        "icate", "icated", "icating", "ication", "ative", "atively", "alize", "alized", "alizing", "alization",
        "icity", "ical", "ically", "ful", "ness", "ance", "ence", "er", "ers", "ic", "able", "ible", "ant", "ement",
        "ements", "ment", "ments", "ent", "ism", "isms", "ate", "ated", "ating", "ive", "ize", "ized", "izing", "ion",
        "ions", "sion", "tion", "tional", "ous", "e", "le", "ll", "bling", "bled", "ating", "izing", "ping", "ted",
    ];

    // Words as an index tokenizer (unicode61 with '_' as a token character) cuts them.
    [GeneratedRegex(@"[\p{L}\p{N}_]+", RegexOptions.None, matchTimeoutMilliseconds: SafeRegex.TimeoutMs)]
    private static partial Regex IndexWord();
}
