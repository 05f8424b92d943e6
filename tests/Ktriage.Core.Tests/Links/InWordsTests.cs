using FsCheck;
using FsCheck.Fluent;
using Ktriage.Core.Links;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Links;

/// <summary>The crash linker skips reading a candidate fix's text when its stored <see cref="InWords"/> say it cannot
/// name the crash title: that must never skip a text that does name it, or a fix loses its "names the crash" evidence.</summary>
public sealed class InWordsTests
{
    static bool MayName(string subject, string text, string title) =>
        InWords.Of(subject, text) is not { } words || InWords.MayContain(words, InWords.Collapse(title));

    [Fact]
    public void A_fix_that_names_the_crash_may_contain_its_title_and_one_that_only_touches_the_function_cannot()
    {
        const string title = "KASAN: use-after-free Read in io_sqe_buffer_register";
        var naming = "syzbot reports a KASAN: use-after-free\n  Read IN\tio_sqe_buffer_register+0x1a/0x40 when the ring is torn down.";
        Assert.Equal("io_sqe_buffer_register+0x1a/0x40", InWords.Of("[PATCH] io_uring: fix", naming));
        Assert.True(MayName("[PATCH] io_uring: fix", naming, title));
        Assert.Contains(InWords.Collapse(title), InWords.Collapse("[PATCH] io_uring: fix", " ", naming));

        var touching = "io_sqe_buffer_register() frees the pages in the error path.\n\n@@ -10,6 +10,8 @@ static int io_sqe_buffer_register(struct io_ring_ctx *ctx)";
        Assert.Equal("the", InWords.Of("[PATCH] io_uring: fix a leak", touching));
        Assert.False(MayName("[PATCH] io_uring: fix a leak", touching, title));
    }

    [Fact]
    public void Words_are_found_across_the_subject_and_the_text_and_long_or_odd_words_are_never_ruled_out()
    {
        Assert.True(MayName("WARNING in", "io_ring_exit_work", "WARNING in io_ring_exit_work"));
        Assert.True(MayName("io_uring: warning in io_ring_exit_work", "", "WARNING in io_ring_exit_work"));
        // A title ending in " in " has no word to look for; nor has one whose word is longer than what is kept.
        Assert.True(InWords.MayContain("", "oops in "));
        Assert.True(InWords.MayContain("", "oops in " + new string('x', InWords.MaxWord + 1)));
        Assert.False(InWords.MayContain("", "oops in " + new string('x', InWords.MaxWord)));
        // What a store cannot keep as it is: no words, so the text is read.
        Assert.Null(InWords.Of("", "crash in io_\0foo"));
        Assert.Null(InWords.Of("", "crash in io_\ud83d\ude00"));
        Assert.Null(InWords.Of("", string.Join(' ', Enumerable.Range(0, InWords.MaxWords + 1).Select(i => $"in w{i}"))));
    }

    [Fact]
    public void A_text_containing_a_title_is_never_ruled_out()
    {
        // Small alphabets make " in " and its look-alikes frequent: white space of several kinds, capitals, the
        // characters that lower-case to i and k. Titles are cut from the collapsed text itself, so most of them are in it.
        string[] pieces = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "i", "I", "\u0130", "in", "IN", "n", "N", "o", "_", "x", "(", "K", "\u212a", "io_x", " in ", " In\t"];
        var gen = from subject in HostileInput.Text(pieces)
                  from text in HostileInput.Text(pieces)
                  from start in Gen.Choose(0, 1000)
                  from length in Gen.Choose(4, 40)
                  select (subject, text, start, length);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var all = InWords.Collapse(c.subject, " ", c.text);
            var title = all.Length == 0 ? " in x" : all.Substring(c.start % all.Length, Math.Min(c.length, all.Length - c.start % all.Length));
            if (!title.Contains(" in ", StringComparison.Ordinal)) title = " in " + title;
            var contained = all.Contains(InWords.Collapse(title), StringComparison.Ordinal);
            return (!contained || MayName(c.subject, c.text, title)).Label($"'{c.subject}' + '{c.text}' contains '{title}' but was ruled out");
        }).Check(HostileInput.Config(2000));
    }
}
