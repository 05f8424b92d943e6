using Ktriage.Core.Mail;
using Ktriage.Core.Search;

namespace Ktriage.Core.Tests.Search;

public sealed class QueryParserTests
{
    static readonly DateTimeOffset Now = new(2024, 3, 15, 12, 0, 0, TimeSpan.Zero);
    static SearchNode P(string q) => QueryParser.Parse(q, Now);

    [Fact]
    public void Plain_words_are_ANDed_over_the_default_fields()
    {
        var and = Assert.IsType<AndNode>(P("io_uring  leak"));
        Assert.Collection(and.Items,
            a => Assert.Equal(["io_uring"], Assert.IsType<TextNode>(a).Words),
            b => Assert.Equal(["leak"], Assert.IsType<TextNode>(b).Words));
        Assert.All(and.Items, i => Assert.Equal(TextField.Default, ((TextNode)i).Fields));
        Assert.All(and.Items, i => Assert.False(((TextNode)i).Phrase));
    }

    [Theory]
    [InlineData("s:fix", TextField.Subject)]
    [InlineData("f:axboe", TextField.From)]
    [InlineData("t:io-uring", TextField.To)]
    [InlineData("c:stable", TextField.Cc)]
    [InlineData("tc:stable", TextField.To | TextField.Cc)]
    [InlineData("a:jens", TextField.To | TextField.Cc | TextField.From)]
    [InlineData("b:leak", TextField.Body)]
    [InlineData("bs:leak", TextField.Body | TextField.Subject)]
    [InlineData("nq:leak", TextField.NonQuotedBody)]
    [InlineData("q:leak", TextField.Quoted)]
    [InlineData("dfn:io_uring.c", TextField.DiffFile)]
    [InlineData("dfa:spin_lock", TextField.DiffRemoved)]
    [InlineData("dfb:spin_lock", TextField.DiffAdded)]
    [InlineData("dfhh:io_submit_sqe", TextField.DiffHunk)]
    [InlineData("dfctx:return", TextField.DiffContext)]
    public void Text_prefixes_select_public_inbox_fields(string query, TextField fields) =>
        Assert.Equal(fields, Assert.IsType<TextNode>(P(query)).Fields);

    [Fact]
    public void Body_prefixes_nest_like_public_inbox()
    {
        // public-inbox: b = nq + q; nq includes the diff fields; bs adds the subject; no prefix adds From and attachment names.
        Assert.True(TextField.Body.HasFlag(TextField.Quoted | TextField.DiffAdded | TextField.NonQuoted));
        Assert.False(TextField.NonQuotedBody.HasFlag(TextField.Quoted));
        Assert.False(TextField.Default.HasFlag(TextField.To));
    }

    [Fact]
    public void Quoted_phrases_and_multi_token_words_are_phrases()
    {
        var s = Assert.IsType<TextNode>(P("s:\"use after free\""));
        Assert.Equal(["use", "after", "free"], s.Words);
        Assert.True(s.Phrase);
        Assert.Equal(TextField.Subject, s.Fields);
        var dfn = Assert.IsType<TextNode>(P("dfn:fs/io_uring.c"));
        Assert.Equal(["fs", "io_uring", "c"], dfn.Words);
        Assert.True(dfn.Phrase);
        Assert.True(Assert.IsType<TextNode>(P("use-after-free")).Phrase);
    }

    [Fact]
    public void Wildcard_marks_a_prefix_term() => Assert.True(Assert.IsType<TextNode>(P("io_uring_reg*")).Prefix);

    [Fact]
    public void Or_binds_looser_than_implicit_and_and_parentheses_group()
    {
        var or = Assert.IsType<OrNode>(P("a b OR c"));
        Assert.IsType<AndNode>(or.Items[0]);
        var and = Assert.IsType<AndNode>(P("a (b OR c)"));
        Assert.IsType<OrNode>(and.Items[1]);
    }

    [Fact]
    public void Not_and_minus_negate_the_next_term()
    {
        var and = Assert.IsType<AndNode>(P("leak NOT syzbot -s:Re"));
        Assert.IsType<NotNode>(and.Items[1]);
        var not = Assert.IsType<NotNode>(and.Items[2]);
        Assert.Equal(TextField.Subject, Assert.IsType<TextNode>(not.Item).Fields);
        Assert.IsType<AndNode>(P("leak AND NOT syzbot"));
        // '-' inside a word is part of it
        Assert.IsType<TextNode>(P("use-after-free"));
    }

    [Fact]
    public void Archive_prefixes()
    {
        Assert.Equal("abc@x", Assert.IsType<MessageIdNode>(P("m:<abc@x>")).MessageId);
        Assert.Equal("abc@x", Assert.IsType<MessageIdNode>(P("mid:abc@x")).MessageId);
        Assert.Equal("io-uring.vger.kernel.org", Assert.IsType<ListNode>(P("l:io-uring.vger.kernel.org")).List);
        Assert.Equal(new string('a', 40), Assert.IsType<PatchIdNode>(P("patchid:" + new string('A', 40))).PatchId);
    }

    [Fact]
    public void Crash_prefixes()
    {
        Assert.Equal(["use", "after", "free", "io_poll"], Assert.IsType<CrashTitleNode>(P("crash:\"use-after-free io_poll\"")).Words);
        Assert.Equal("KASAN", Assert.IsType<CrashTypeNode>(P("type:KASAN")).Type);
        Assert.Equal("io_req_complete", Assert.IsType<CrashFunctionNode>(P("func:io_req_complete")).Function);
        Assert.Equal(new TaintedNode(true, null), P("tainted:yes"));
        Assert.Equal(new TaintedNode(false, null), P("tainted:no"));
        Assert.Equal(new TaintedNode(true, "GW"), P("tainted:gw"));
        Assert.Equal(new FixedNode(false), P("fixed:no"));
    }

    [Theory]
    [InlineData("d:2023-01-01..2023-02-01", "2023-01-01T00:00:00Z", "2023-02-02T00:00:00Z")]
    [InlineData("d:20230101..20230201", "2023-01-01T00:00:00Z", "2023-02-02T00:00:00Z")]
    [InlineData("d:2023-01-05", "2023-01-05T00:00:00Z", "2023-01-06T00:00:00Z")]
    [InlineData("d:2023-01-05..", "2023-01-05T00:00:00Z", null)]
    [InlineData("d:..2023-01-05", null, "2023-01-06T00:00:00Z")]
    [InlineData("d:last.week..", "2024-03-08T12:00:00Z", null)]
    [InlineData("d:2.weeks.ago..1.week.ago", "2024-03-01T12:00:00Z", "2024-03-08T12:00:00Z")]
    [InlineData("d:..2.days.ago", null, "2024-03-13T12:00:00Z")]
    [InlineData("d:3.months..yesterday", "2023-12-15T12:00:00Z", "2024-03-15T00:00:00Z")]
    [InlineData("d:2023-01-05T10:30..2023-01-05T11:00", "2023-01-05T10:30:00Z", "2023-01-05T11:00:00Z")]
    public void Date_ranges_absolute_and_relative(string q, string? from, string? to)
    {
        var d = Assert.IsType<DateNode>(P(q));
        Assert.Equal(from is null ? null : DateTimeOffset.Parse(from), d.From);
        Assert.Equal(to is null ? null : DateTimeOffset.Parse(to), d.To);
    }

    [Fact]
    public void Unknown_prefix_is_plain_text_like_xapian()
    {
        var t = Assert.IsType<TextNode>(P("KASAN:slab-out-of-bounds"));
        Assert.Equal(["KASAN", "slab", "out", "of", "bounds"], t.Words);
        Assert.Equal(TextField.Default, t.Fields);
    }

    [Theory]
    [InlineData("", "empty query")]
    [InlineData("   ", "empty query")]
    [InlineData("(leak", "'(' at column 1 is never closed")]
    [InlineData("leak)", "unmatched ')' at column 5")]
    [InlineData("\"use after", "unterminated quote starting at column 1")]
    [InlineData("OR leak", "'OR' at column 1 has nothing before it")]
    [InlineData("leak OR", "'OR' at column 6 has nothing after it")]
    [InlineData("leak AND", "'AND' at column 6 has nothing after it")]
    [InlineData("s: leak", "'s:' at column 1: nothing after the prefix")]
    [InlineData("d:yesteryear", "d:yesteryear: not a date")]
    [InlineData("d:2023-02-30", "d:2023-02-30: not a valid date")]
    [InlineData("d:2023-02-01..2023-01-01", "the range ends before it starts")]
    [InlineData("fixed:maybe", "fixed:maybe: expected fixed:yes or fixed:no")]
    [InlineData("tainted:42", "tainted:42: expected yes, no or taint flag letters")]
    [InlineData("patchid:1234", "patchid:1234: expected 40 hex digits")]
    [InlineData("-syzbot", "only excludes messages")]
    [InlineData("()", "empty parentheses")]
    [InlineData("!!! ???", "no words to search for")]
    public void Invalid_queries_say_what_is_wrong(string q, string message) =>
        Assert.Contains(message, Assert.Throws<SearchSyntaxException>(() => P(q)).Message);
}
