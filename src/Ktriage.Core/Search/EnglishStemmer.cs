namespace Ktriage.Core.Search;

/// <summary>
/// The Snowball English stemmer ("Porter2", https://snowballstem.org/algorithms/english/stemmer.html), the stemmer
/// Xapian applies to public-inbox's index, so that a plain query word matches the same words as there. It follows
/// Snowball 2.2.0's generated code (Debian's python3-snowballstemmer 2.2.0 is the reference the tests were made with)
/// step for step, including the exceptional forms, the initial apostrophe and the y/Y marking, and it stems any
/// string as that code does (digits, '_' and other non-letters are simply non-vowels).
/// Hand-written: the NuGet mirror has no small, well-kept package of it (Lucene.Net's analyzers are a beta of a whole
/// search engine).
/// </summary>
public static class EnglishStemmer
{
    /// <summary>The stem of a lower-case word, equal to Snowball's.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var exception = Exception1(word);
        if (exception is not null) return exception;
        var w = new Word(word);
        if (w.Length < 3) return word;
        w.Prelude();
        w.MarkRegions();
        w.Step1a();
        if (!w.IsException2())
        {
            w.Step1b();
            w.Step1c();
            w.Step2();
            w.Step3();
            w.Step4();
            w.Step5();
        }
        w.Postlude();
        return w.ToString();
    }

    /// <summary>
    /// A prefix of <paramref name="stem"/> that every word whose <see cref="Stem"/> is <paramref name="stem"/> starts
    /// with (words that begin with an apostrophe, which Snowball drops and no index tokenizer keeps, aside), as long as
    /// that can be guaranteed. The stemmer only rewrites the end of a word, mostly by deleting a suffix or replacing it
    /// with a prefix of it (sses → ss, ies → i, eed → ee, tional → tion, alli → al, …). The rewrites that write
    /// something else are cut from the stem, as far as they can survive to it:
    /// <list type="bullet">
    /// <item>step 1c's y → i after a non-vowel (happy → happi; ugly/early/only → ugli/earli/onli): a final i after
    ///   a non-vowel is cut;</item>
    /// <item>step 1b's added e (hoping → hope): it survives step 5 only after a short stem (R1 empty, short syllable),
    ///   so such an e is cut;</item>
    /// <item>step 2 "biliti" → "ble" (possibility → possible → possibl in step 5): a final "bl" is cut to "b";</item>
    /// <item>the exceptional forms skies → sky, dying → die, lying → lie, tying → tie.</item>
    /// </list>
    /// The other rewrites that add an e (enci → ence, anci → ance, abli → able, bli → ble, ization → ize,
    /// ation/ator/ational → ate, iviti → ive; at/bl/iz + e in step 1b) need the rewritten suffix in R1, which puts
    /// that e in R2 or after a non-short syllable, so step 5 always deletes it (or step 4 the whole suffix) and what
    /// is left (enc, anc, abl, bl, iz, at, iv) is a prefix of what the word had.
    /// </summary>
    public static string VariantPrefix(string stem)
    {
        ArgumentNullException.ThrowIfNull(stem);
        return stem[..^Math.Min(stem.Length, ForeignTail(stem))];
    }

    /// <summary>How many final characters of <paramref name="stem"/> a word stemming to it may not have.</summary>
    static int ForeignTail(string stem)
    {
        switch (stem)
        {
            case "sky": return 1;
            case "die" or "lie" or "tie": return 2;
        }
        if (stem.EndsWith("bl", StringComparison.Ordinal)) return 1;
        if (stem.EndsWith('i')) return stem.Length >= 2 && stem[^2] is 'a' or 'e' or 'i' or 'o' or 'u' ? 0 : 1;
        if (!stem.EndsWith('e')) return 0;
        var w = new Word(stem[..^1]);
        w.Prelude();
        w.MarkRegions();
        return w.P1 == w.Length && w.ShortV(w.Length) ? 1 : 0;
    }

    /// <summary>Snowball's exception1: whole words with a fixed stem, checked before anything else.</summary>
    static string? Exception1(string word) => word switch
    {
        "skis" => "ski",
        "skies" => "sky",
        "dying" => "die",
        "lying" => "lie",
        "tying" => "tie",
        "idly" => "idl",
        "gently" => "gentl",
        "ugly" => "ugli",
        "early" => "earli",
        "only" => "onli",
        "singly" => "singl",
        "sky" or "news" or "howe" or "atlas" or "cosmos" or "bias" or "andes" => word,
        _ => null,
    };

    // Suffix tables of steps 2-4, longest first: Snowball's among picks the longest matching suffix, and when that
    // one's condition fails the step does nothing (no retry with a shorter suffix).
    static readonly (string Suffix, string Replacement)[] Step2Suffixes = ByLength(
    [
        ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"), ("entli", "ent"),
        ("izer", "ize"), ("ization", "ize"), ("ational", "ate"), ("ation", "ate"), ("ator", "ate"),
        ("alism", "al"), ("aliti", "al"), ("alli", "al"), ("fulness", "ful"), ("ousli", "ous"), ("ousness", "ous"),
        ("iveness", "ive"), ("iviti", "ive"), ("biliti", "ble"), ("bli", "ble"), ("ogi", "og"), ("fulli", "ful"),
        ("lessli", "less"), ("li", ""),
    ]);

    static readonly (string Suffix, string Replacement)[] Step3Suffixes = ByLength(
    [
        ("tional", "tion"), ("ational", "ate"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ical", "ic"),
        ("ful", ""), ("ness", ""), ("ative", ""),
    ]);

    static readonly string[] Step4Suffixes =
    [
        .. new[]
        {
            "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti",
            "ous", "ive", "ize", "ion",
        }.OrderByDescending(s => s.Length),
    ];

    static (string, string)[] ByLength((string Suffix, string Replacement)[] table) =>
        [.. table.OrderByDescending(e => e.Suffix.Length)];

    static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    static readonly System.Buffers.SearchValues<char> Vowels = System.Buffers.SearchValues.Create("aeiouy");

    /// <summary>
    /// The word being stemmed, one char per code point as Snowball counts them: a character outside the BMP is
    /// held as one placeholder char (every non-ASCII character is a plain non-vowel to the algorithm, which never
    /// deletes or rewrites one) and put back by <see cref="ToString"/>.
    /// </summary>
    sealed class Word
    {
        const char Placeholder = '\uFFFF';
        char[] b;
        readonly List<string>? placed;
        bool yFound;
        public int Length { get; private set; }
        public int P1 { get; private set; }
        public int P2 { get; private set; }

        public Word(string word)
        {
            b = new char[word.Length + 2];
            for (var i = 0; i < word.Length; i++)
            {
                var c = word[i];
                if (char.IsHighSurrogate(c) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]))
                {
                    (placed ??= []).Add(word.Substring(i, 2));
                    c = Placeholder;
                    i++;
                }
                else if (c == Placeholder)
                {
                    (placed ??= []).Add(word.Substring(i, 1));
                }
                b[Length++] = c;
            }
        }

        public override string ToString()
        {
            if (placed is null) return new string(b, 0, Length);
            var s = new System.Text.StringBuilder(Length + placed.Count);
            var next = 0;
            for (var i = 0; i < Length; i++)
                if (b[i] == Placeholder) s.Append(placed[next++]);
                else s.Append(b[i]);
            return s.ToString();
        }

        bool EndsWith(string suffix) =>
            Length >= suffix.Length && (suffix.Length == 0 || b[Length - 1] == suffix[^1])
            && b.AsSpan(Length - suffix.Length, suffix.Length).SequenceEqual(suffix);

        bool StartsWith(string prefix) => Length >= prefix.Length && b.AsSpan(0, prefix.Length).SequenceEqual(prefix);

        void ReplaceEnd(int suffixLength, string replacement)
        {
            var start = Length - suffixLength;
            if (start + replacement.Length > b.Length) Array.Resize(ref b, start + replacement.Length + 4);
            replacement.CopyTo(b.AsSpan(start));
            Length = start + replacement.Length;
        }

        /// <summary>Drops an initial apostrophe and marks consonant y's (initial, or after a vowel) as Y.</summary>
        public void Prelude()
        {
            if (Length > 0 && b[0] == '\'')
            {
                Array.Copy(b, 1, b, 0, Length - 1);
                Length--;
            }
            if (Length > 0 && b[0] == 'y')
            {
                b[0] = 'Y';
                yFound = true;
            }
            // Left to right, so that a y after a marked Y stays a vowel ("ayy" → "aYy"), as Snowball's loop does.
            for (var i = 1; i < Length; i++)
                if (b[i] == 'y' && IsVowel(b[i - 1]))
                {
                    b[i] = 'Y';
                    yFound = true;
                }
        }

        /// <summary>R1 and R2: after the first non-vowel following a vowel (for R1, after gener/commun/arsen when the
        /// word starts so).</summary>
        public void MarkRegions()
        {
            P1 = P2 = Length;
            int c;
            if (StartsWith("gener") || StartsWith("arsen")) c = 5;
            else if (StartsWith("commun")) c = 6;
            else if ((c = AfterVowelThenNonVowel(0)) < 0) return;
            P1 = c;
            if ((c = AfterVowelThenNonVowel(c)) < 0) return;
            P2 = c;
        }

        int AfterVowelThenNonVowel(int from)
        {
            var i = from;
            while (i < Length && !IsVowel(b[i])) i++;
            if (i++ >= Length) return -1;
            while (i < Length && IsVowel(b[i])) i++;
            return i < Length ? i + 1 : -1;
        }

        /// <summary>Whether the text before <paramref name="end"/> ends in a short syllable: non-vowel (not w, x, Y),
        /// vowel, non-vowel; or vowel, non-vowel at the start of the word.</summary>
        public bool ShortV(int end)
        {
            if (end >= 3 && !IsVowel(b[end - 1]) && b[end - 1] is not ('w' or 'x' or 'Y') && IsVowel(b[end - 2])
                && !IsVowel(b[end - 3]))
                return true;
            return end == 2 && !IsVowel(b[1]) && IsVowel(b[0]);
        }

        public void Step1a()
        {
            if (EndsWith("'s'")) Length -= 3;
            else if (EndsWith("'s")) Length -= 2;
            else if (EndsWith("'")) Length -= 1;

            if (EndsWith("sses")) Length -= 2;
            else if (EndsWith("ied") || EndsWith("ies")) ReplaceEnd(3, Length - 3 >= 2 ? "i" : "ie");
            else if (EndsWith("ss") || EndsWith("us")) { }
            else if (EndsWith("s") && Length >= 2 && b.AsSpan(0, Length - 2).ContainsAny(Vowels)) Length--;
        }

        /// <summary>exception2: the words step 1a leaves that must not be stemmed further.</summary>
        public bool IsException2() =>
            Length is 6 or 7 && new string(b, 0, Length) is "inning" or "outing" or "canning" or "herring"
                or "earring" or "proceed" or "exceed" or "succeed";

        public void Step1b()
        {
            string? suffix = null;
            foreach (var s in (ReadOnlySpan<string>)["eedly", "ingly", "edly", "eed", "ing", "ed"])
                if (EndsWith(s)) { suffix = s; break; }
            if (suffix is null) return;
            var start = Length - suffix.Length;
            if (suffix is "eed" or "eedly")
            {
                if (start >= P1) ReplaceEnd(suffix.Length, "ee");
                return;
            }
            if (!b.AsSpan(0, start).ContainsAny(Vowels)) return;
            Length = start;
            if (EndsWith("at") || EndsWith("bl") || EndsWith("iz")) ReplaceEnd(0, "e");
            else if (Length >= 2 && b[Length - 1] == b[Length - 2] && b[Length - 1] is 'b' or 'd' or 'f' or 'g' or 'm'
                         or 'n' or 'p' or 'r' or 't')
                Length--;
            else if (Length == P1 && ShortV(Length)) ReplaceEnd(0, "e");
        }

        public void Step1c()
        {
            if (Length >= 3 && b[Length - 1] is 'y' or 'Y' && !IsVowel(b[Length - 2])) b[Length - 1] = 'i';
        }

        public void Step2()
        {
            foreach (var (suffix, replacement) in Step2Suffixes)
            {
                if (!EndsWith(suffix)) continue;
                var start = Length - suffix.Length;
                if (start < P1) return;
                if (suffix == "ogi" && (start == 0 || b[start - 1] != 'l')) return;
                if (suffix == "li" && (start == 0 || b[start - 1] is not ('c' or 'd' or 'e' or 'g' or 'h' or 'k' or 'm'
                        or 'n' or 'r' or 't')))
                    return;
                ReplaceEnd(suffix.Length, replacement);
                return;
            }
        }

        public void Step3()
        {
            foreach (var (suffix, replacement) in Step3Suffixes)
            {
                if (!EndsWith(suffix)) continue;
                var start = Length - suffix.Length;
                if (start < P1 || (suffix == "ative" && start < P2)) return;
                ReplaceEnd(suffix.Length, replacement);
                return;
            }
        }

        public void Step4()
        {
            foreach (var suffix in Step4Suffixes)
            {
                if (!EndsWith(suffix)) continue;
                var start = Length - suffix.Length;
                if (start < P2) return;
                if (suffix == "ion" && (start == 0 || b[start - 1] is not ('s' or 't'))) return;
                Length = start;
                return;
            }
        }

        public void Step5()
        {
            if (Length == 0) return;
            var start = Length - 1;
            if (b[start] == 'e')
            {
                if (start >= P2 || (start >= P1 && !ShortV(start))) Length--;
            }
            else if (b[start] == 'l' && start >= P2 && start > 0 && b[start - 1] == 'l')
                Length--;
        }

        /// <summary>Turns the Y marks back into y, if the prelude made any.</summary>
        public void Postlude()
        {
            if (yFound) b.AsSpan(0, Length).Replace('Y', 'y');
        }
    }
}
