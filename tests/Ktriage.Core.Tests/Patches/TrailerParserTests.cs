using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

public class TrailerParserTests
{
    /// <summary>b4's test_parse_trailers: the trailer block of a patch, with names in quotes and commas.</summary>
    [SharedFact("mail/b4/trailers-test-simple.txt")]
    public void B4_simple_trailers()
    {
        var msg = MboxReader.Shared("mail/b4/trailers-test-simple.txt").Single();
        var parts = TrailerParser.Split(msg.Body);
        Assert.Equal(
            [("reported-by", "Doe, Jane <jane@example.com>", TrailerKind.Person),
             ("reviewed-by", "Bogus Bupkes <bogus@example.com>", TrailerKind.Person),
             ("fixes", "abcdef01234567890", TrailerKind.Utility),
             ("link", "https://msgid.link/some@msgid.here", TrailerKind.Utility)],
            parts.Trailers.Select(t => (t.LName, t.Value, t.Kind)));
        Assert.All(parts.Trailers, t => Assert.Null(t.ExtInfo));
        Assert.Equal("This is a simple trailer parsing test.", parts.Message);
    }

    /// <summary>b4's extinfo case: "[for …]" lines, indented ones, "# comments", and a wrapped address.</summary>
    [SharedFact("mail/b4/trailers-test-extinfo.txt")]
    public void B4_extinfo_trailers()
    {
        var msg = MboxReader.Shared("mail/b4/trailers-test-extinfo.txt").Single();
        var parts = TrailerParser.Split(msg.Body);
        Assert.Equal(
            [("reported-by", "Some, One <somewhere@example.com>", null),
             ("reviewed-by", "Bogus Bupkes <bogus@example.com>", "[for the parts that are bogus]"),
             ("fixes", "abcdef01234567890", null),
             ("tested-by", "Some Person <bogus2@example.com>", "           [this person visually indented theirs]"),
             ("link", "https://msgid.link/some@msgid.here", "  # initial submission"),
             ("signed-off-by", "Wrapped Persontrailer <broken@example.com>", (string?)null)],
            parts.Trailers.Select(t => (t.LName, t.Value, t.ExtInfo)));
        Assert.Equal("Link: https://msgid.link/some@msgid.here  # initial submission", parts.Trailers[4].AsString());
    }

    [Fact]
    public void A_pasted_header_block_in_a_reply_gives_no_trailers_but_a_review_below_it_does()
    {
        const string reply = "From: Jason Wang <jasowang@redhat.com>\nDate: Fri, 24 May 2019 04:12:12 -0400\n\n> This series tries\n\nLooks good.\n\nReviewed-by: Stefan Hajnoczi <stefanha@redhat.com>\n";
        var (trailers, _) = TrailerParser.Find(reply, followup: true);
        Assert.Equal(["Reviewed-by"], trailers.Select(t => t.Name));
    }

    [Fact]
    public void Followup_trailers_ignore_quotes_prose_and_signature()
    {
        var body = """
            > Reviewed-by: Quoted Person <quoted@example.com>

            Looks fine.
            Note: this is not a trailer
            Reviewed-by: Real Reviewer <real@example.com>
            Link: https://example.org/thread
            See: https://example.org/not-a-link-trailer

            -- 
            Tested-by: In Signature <sig@example.com>
            """;
        var (trailers, _) = TrailerParser.Find(body, followup: true);
        Assert.Equal(["Reviewed-by: Real Reviewer <real@example.com>", "Link: https://example.org/thread"], trailers.Select(t => t.AsString()));
    }

    [Fact]
    public void Wrapped_fixes_subject_is_rejoined()
    {
        var (trailers, _) = TrailerParser.Find("Fixes: fce1456a19f5 (\"knfsd: make the readahead\nparams cache SMP-friendly\")\nSigned-off-by: A <a@b.org>");
        Assert.Equal("fce1456a19f5 (\"knfsd: make the readahead params cache SMP-friendly\")", trailers[0].Value);
        Assert.Equal(2, trailers.Count);
    }

    [Theory]
    [InlineData("foo@example.com", "foo@example.com", true)]
    [InlineData("foo+kernel@example.com", "foo@example.com", true)]
    [InlineData("foo@linux.intel.com", "foo@intel.com", true)]
    [InlineData("foo@example.net", "foo@example.com", false)]
    [InlineData("bar@example.com", "foo@example.com", false)]
    public void Email_identity_is_fuzzy_like_b4(string trailerEmail, string sender, bool same)
    {
        Assert.Equal(same, Trailer.Create("Reviewed-by", $"X <{trailerEmail}>").EmailMatches(sender));
    }

    [Fact]
    public void Body_parts_split_message_trailers_basement_and_signature()
    {
        var parts = TrailerParser.Split("Subject line body.\n\nMore text.\n\nSigned-off-by: A <a@b.org>\n---\n f | 1 +\n\ndiff --git a/f b/f\n-- \n2.40.0\n");
        Assert.Equal("Subject line body.\n\nMore text.", parts.Message);
        Assert.Single(parts.Trailers);
        Assert.StartsWith(" f | 1 +", parts.Basement);
        Assert.Equal("2.40.0", parts.Signature);
    }
}
