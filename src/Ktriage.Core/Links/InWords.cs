using System.Buffers;

namespace Ktriage.Core.Links;

/// <summary>
/// Whether a message can contain a crash title ("KASAN: use-after-free Read in io_foo"), told without its text. The
/// crash linker asks, for each candidate fix of each crash, whether the fix's subject and text contain one of the
/// crash's titles, both <see cref="Collapse"/>d (every run of white space made one space, lower-cased). Those titles have
/// " in " followed by a word, so a text contains one only where " in " is followed by a word that starts with the
/// title's: ingest keeps, with a patch, the words that follow " in " in its text (<see cref="Of"/>), and the linker
/// reads the text again only when one of them fits a title (<see cref="MayContain"/>). Most candidates touch the
/// crash's function without ever writing "in io_foo".
/// </summary>
public static class InWords
{
    /// <summary>Longer words are kept cut to this length (a title's word is rarely longer).</summary>
    public const int MaxWord = 64;

    /// <summary>More distinct words than this: none are kept (null), and the linker reads such a message's text.</summary>
    public const int MaxWords = 256;

    // Whatever Collapse lower-cases to 'i': ToLowerInvariant is not only ASCII.
    static readonly SearchValues<char> Is = SearchValues.Create(CharsLoweringTo('i'));

    static char[] CharsLoweringTo(char lower)
    {
        var list = new List<char>();
        for (var c = 0; c <= char.MaxValue; c++)
            if (!char.IsSurrogate((char)c) && char.ToLowerInvariant((char)c) == lower) list.Add((char)c);
        return [.. list];
    }

    /// <summary>The distinct words (maximal runs of non-white-space, lower-cased, at most <see cref="MaxWord"/>
    /// characters) that follow " in " in <paramref name="subject"/> + " " + <paramref name="text"/> once white space is
    /// collapsed, one a line; null when there are more than <see cref="MaxWords"/> or a word holds what a store may not
    /// keep as it is (NUL, a surrogate).</summary>
    public static string? Of(string subject, string text)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = new Joined(subject, text);
        foreach (var (part, offset) in new[] { (subject, 0), (text, subject.Length + 1) })
        {
            var span = part.AsSpan();
            for (var j = span.IndexOfAny(Is); j >= 0; j = span[(j + 1)..].IndexOfAny(Is) is var k and >= 0 ? j + 1 + k : -1)
            {
                var g = offset + j;
                if (g == 0 || !char.IsWhiteSpace(all[g - 1]) || g + 2 >= all.Length
                    || char.ToLowerInvariant(all[g + 1]) != 'n' || !char.IsWhiteSpace(all[g + 2])) continue;
                var start = g + 3;
                while (start < all.Length && char.IsWhiteSpace(all[start])) start++;
                if (start == all.Length) continue;
                var end = start;
                while (end < all.Length && !char.IsWhiteSpace(all[end]) && end - start < MaxWord) end++;
                var word = all.Lower(start, end);
                if (word.AsSpan().IndexOfAny('\0', '\n') >= 0 || word.AsSpan().ContainsAnyInRange('\ud800', '\udfff')) return null;
                if (seen.Add(word))
                {
                    if (words.Count == MaxWords) return null;
                    words.Add(word);
                }
            }
        }
        return string.Join('\n', words);
    }

    /// <summary>False when a text whose <see cref="Of"/> is <paramref name="words"/> cannot contain
    /// <paramref name="collapsedTitle"/> (white space collapsed, lower-cased); true when it may.</summary>
    public static bool MayContain(string words, string collapsedTitle)
    {
        var at = collapsedTitle.LastIndexOf(" in ", StringComparison.Ordinal);
        if (at < 0) return true;
        var word = collapsedTitle.AsSpan(at + 4);
        if (word.IndexOf(' ') is var space and >= 0) word = word[..space];
        if (word.Length == 0 || word.Length > MaxWord) return true;
        for (var rest = words.AsSpan(); ;)
        {
            var n = rest.IndexOf('\n');
            if ((n >= 0 ? rest[..n] : rest).StartsWith(word, StringComparison.Ordinal)) return true;
            if (n < 0) return false;
            rest = rest[(n + 1)..];
        }
    }

    /// <summary>The parts, joined, with every run of white space (what Regex's \s matches: char.IsWhiteSpace) made one
    /// space, lower-cased: one pass and one string for messages of megabytes.</summary>
    public static string Collapse(params ReadOnlySpan<string> parts)
    {
        var length = 0;
        foreach (var p in parts) length += p.Length;
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            var n = 0;
            var space = false;
            foreach (var p in parts)
                foreach (var c in p)
                {
                    if (!char.IsWhiteSpace(c)) buffer[n++] = c;
                    else if (!space) buffer[n++] = ' ';
                    space = char.IsWhiteSpace(c);
                }
            return string.Create(n, buffer, static (lower, b) => b.AsSpan(0, lower.Length).ToLowerInvariant(lower));
        }
        finally { System.Buffers.ArrayPool<char>.Shared.Return(buffer); }
    }

    /// <summary>subject + " " + text, without copying either.</summary>
    readonly struct Joined(string subject, string text)
    {
        public int Length => subject.Length + 1 + text.Length;

        public char this[int i] => i < subject.Length ? subject[i] : i == subject.Length ? ' ' : text[i - subject.Length - 1];

        /// <summary>Characters [start, end), lower-cased as one span (as Collapse does: surrogate pairs together).</summary>
        public string Lower(int start, int end)
        {
            Span<char> buffer = stackalloc char[MaxWord];
            var n = end - start;
            for (var i = 0; i < n; i++) buffer[i] = this[start + i];
            return new string(buffer[..n]).ToLowerInvariant();
        }
    }
}
