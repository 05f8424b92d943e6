using Ktriage.Core.Mail;
using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

/// <summary>
/// Body hashes and patch-ids are stored: a faster implementation must give the values the earlier one gave, or
/// re-ingesting an archive would see every message as new. The expected values were computed by the line-at-a-time
/// implementations (main a512988) on inputs that reach their edge cases.
/// </summary>
public class HashStabilityTests
{
    // 24,000 characters: longer than the hashers' 16 KiB buffer.
    static readonly string LongLine = string.Concat(Enumerable.Repeat("0123456789abcdef", 1500));

    [Fact]
    public void Body_hash_is_unchanged_across_pieces_buffers_and_blank_lines()
    {
        // A surrogate pair across the 256-character piece edge (hashed as two U+FFFD), trailing blanks, CRLF, blank lines
        // before, between and after, a non-breaking space at a line end, an empty attachment.
        var straddle = new string('x', 255) + "\U0001F600" + " tail  ";
        var body = "\r\n\nfirst line  \t\r\nsecond\u00e9\u4e2d line\n\n\n" + straddle + "\n" + LongLine + "\n   \n\n";
        var m = new Message
        {
            MessageId = "m@x", References = [], Date = DateTimeOffset.UnixEpoch, Subject = "s", Body = body, ContentHash = "", Raw = [],
            Attachments = [new TextAttachment("a.patch", "text/x-patch", "\n\nattached\u00a0 \nend"), new TextAttachment(null, "text/plain", "")],
        };
        Assert.Equal("00b5accc15215c8d6d82ca185a4ce919fd9b8e3bb1e43bc5918f4e8117518975", m.BodyHash);
    }

    [Fact]
    public void Patch_id_is_unchanged_for_crlf_long_lines_binary_sections_and_a_missing_final_newline()
    {
        var diff = "diff --git a/f.c b/f.c\r\nindex 1111111..2222222 100644\r\n--- a/f.c\r\n+++ b/f.c\r\n@@ -1,3 +1,3 @@ int f(void)\r\n int  a;\r\n-int\tb = " + LongLine + ";\r\n+int c \u00e9;\r\n\r\n"
            + "diff --git a/img.png b/img.png\nindex 3333333..4444444\nGIT binary patch\nliteral 5\nMcmZ?wbaG(`0Ez\n\nliteral 0\nHcmV?d00001\n\n"
            + "diff --git a/g.c b/g.c\n--- a/g.c\n+++ b/g.c\n@@ -1 +1,2 @@\n x\n+\ty \U0001F600";
        Assert.Equal("536ad646dff0b8d6ef8659bb9a2168fab675695d", PatchId.Compute(diff));
    }

    [Fact]
    public void Review_phrase_spelled_with_a_kelvin_sign_is_still_found()
    {
        // The regexes ignore case the Unicode way (U+212A KELVIN SIGN is a 'k'); the cheap word checks in front of them
        // compare ordinally and must not drop such a sentence.
        var signals = ReviewSignals.Find("I tested it on my box.\n\nLoo\u212As good to me.", [], "A <a@b.c>");
        Assert.Contains(signals, s => s.Kind == SignalKind.Reviewed && s.Evidence == "Loo\u212As good to me.");
    }
}
