using FsCheck;
using FsCheck.Fluent;
using Ktriage.Core.Links;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Links;

/// <summary>FixScoring's "does the commit message name this function" search (a vectorised search per word) must
/// find exactly what IndexOf(…, OrdinalIgnoreCase) finds, also for characters whose case folding is not ASCII's.</summary>
public sealed class NamesWordTests
{
    /// <summary>The search as it was written first, IndexOf by IndexOf.</summary>
    static bool Reference(string text, string word)
    {
        if (word.Length < 4) return false;
        for (var i = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = i + word.Length;
            bool Ident(char c) => char.IsLetterOrDigit(c) || c == '_';
            if ((i == 0 || !Ident(text[i - 1])) && (end >= text.Length || !Ident(text[end]))) return true;
        }
        return false;
    }

    [Fact]
    public void A_function_is_named_as_a_whole_identifier_in_any_case()
    {
        Assert.True(FixScoring.NamesWord("Fix a leak in IO_SQE_Buffer_Register() on error.", "io_sqe_buffer_register"));
        Assert.False(FixScoring.NamesWord("io_sqe_buffer_register_x leaks", "io_sqe_buffer_register"));
        Assert.True(FixScoring.NamesWord("io_sqe_buffer_register_x and io_sqe_buffer_register leak", "io_sqe_buffer_register"));
        Assert.False(FixScoring.NamesWord("io leaks", "io")); // too short to count
    }

    static string Word(string text, string other, int start, int length, bool[] flips)
    {
        var source = text.Length >= 4 && start % 4 != 0 ? text : other + "isk_";
        start %= Math.Max(1, source.Length - 3);
        var word = source.Substring(start, Math.Min(length, source.Length - start)).ToCharArray();
        for (var i = 0; i < word.Length; i++)
            if (flips[i]) word[i] = char.IsUpper(word[i]) ? char.ToLowerInvariant(word[i]) : char.ToUpperInvariant(word[i]);
        return new string(word);
    }

    [Fact]
    public void The_search_finds_what_IndexOf_ignoring_case_finds()
    {
        // Letters with non-ASCII case partners (dotless and dotted i, long s, Kelvin and Ångström signs, sharp s),
        // a surrogate pair with a case partner, identifier and non-identifier neighbours.
        string[] pieces = ["i", "I", "\u0131", "\u0130", "s", "S", "\u017f", "k", "K", "\u212a", "\u00e5", "\u212b", "\u00df", "ss", "\U00010400", "\U00010428", "_", " ", "(", "io_", "sk", "is"];
        // Words are mostly cut from the text with some letters' case flipped, so that most searches find something.
        var gen = from text in HostileInput.Text(pieces)
                  from other in Gen.Elements(pieces).ArrayOf().Select(p => string.Concat(p))
                  from start in Gen.Choose(0, 400)
                  from length in Gen.Choose(4, 12)
                  from flips in Gen.Elements(false, true).ArrayOf(12)
                  select (text, word: Word(text, other, start, length, flips));
        Prop.ForAll(gen.ToArbitrary(), c =>
            (FixScoring.NamesWord(c.text, c.word) == Reference(c.text, c.word)).Label($"'{c.word}' in '{c.text}'"))
            .Check(HostileInput.Config(3000));
    }
}
