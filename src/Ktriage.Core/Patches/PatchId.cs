using System.Security.Cryptography;
using System.Text;

namespace Ktriage.Core.Patches;

/// <summary>
/// <c>git patch-id --stable</c>: a hash of the diff that ignores whitespace, line numbers and file order,
/// so the same change posted twice (a resend, an unchanged patch in v2) gets the same id. Port of
/// get_one_patchid() in git's builtin/patch-id.c: each file section is hashed on its own and the
/// 20-byte digests are summed with carry (that is what makes the id independent of file order).
/// </summary>
public static class PatchId
{
    /// <summary>The patch-id (40 hex) of the diff in <paramref name="text"/>, or null when it holds no diff.</summary>
    public static string? Compute(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var result = new byte[20];
        using var ctx = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        int before = -1, after = -1, patchLen = 0;
        var binary = false;
        string preOid = "", postOid = "";
        var buf = new byte[256];

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("\\ ", StringComparison.Ordinal) && line.Length + 1 > 12) continue;
            if (patchLen == 0 && !line.StartsWith("diff ", StringComparison.Ordinal)) continue;

            if (before == -1)
            {
                if (line.StartsWith("GIT binary patch", StringComparison.Ordinal) || line.StartsWith("Binary files", StringComparison.Ordinal))
                {
                    binary = true;
                    before = 0;
                    Update(ctx, preOid, ref buf);
                    Update(ctx, postOid, ref buf);
                    Flush(result, ctx);
                    continue;
                }
                if (line.StartsWith("index ", StringComparison.Ordinal))
                {
                    var dots = line.IndexOf("..", StringComparison.Ordinal);
                    if (dots > 0)
                    {
                        var sp = line.IndexOf(' ', dots);
                        preOid = line[6..dots];
                        postOid = sp < 0 ? line[(dots + 2)..] : line[(dots + 2)..sp];
                    }
                    continue;
                }
                if (line.StartsWith("--- ", StringComparison.Ordinal)) before = after = 1;
                else if (line.Length == 0 || !char.IsAsciiLetter(line[0])) break;
            }

            if (binary)
            {
                // As in git, the "diff" line that ends a binary section is itself not hashed.
                if (line.StartsWith("diff ", StringComparison.Ordinal)) { binary = false; before = -1; }
                continue;
            }

            if (before == 0 && after == 0)
            {
                if (line.StartsWith("@@ -", StringComparison.Ordinal))
                {
                    (before, after) = HunkCounts(line);
                    continue;
                }
                if (!line.StartsWith("diff ", StringComparison.Ordinal)) break;
                Flush(result, ctx);
                before = after = -1;
            }

            if (line.Length > 0 && line[0] is '-' or ' ') before--;
            if (line.Length > 0 && line[0] is '+' or ' ') after--;
            // A blank line inside a hunk is a context line whose space a mailer ate.
            if (line.Length == 0 && before > 0 && after > 0) { before--; after--; }

            var stripped = RemoveSpace(line);
            patchLen += stripped.Length;
            Update(ctx, stripped, ref buf);
        }
        if (patchLen == 0) return null;
        Flush(result, ctx);
        return Convert.ToHexStringLower(result);
    }

    static string RemoveSpace(string line)
    {
        var sb = new StringBuilder(line.Length);
        foreach (var c in line) if (!(c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f')) sb.Append(c);
        return sb.ToString();
    }

    static void Update(IncrementalHash ctx, string s, ref byte[] buf)
    {
        var n = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (buf.Length < n) buf = new byte[n];
        var len = Encoding.UTF8.GetBytes(s, buf);
        ctx.AppendData(buf, 0, len);
    }

    /// <summary>flush_one_hunk: finish this section's SHA-1 and add it to the running 20-byte sum, with carry.</summary>
    static void Flush(byte[] result, IncrementalHash ctx)
    {
        var hash = ctx.GetHashAndReset();
        var carry = 0;
        for (var k = 0; k < 20; k++)
        {
            carry += result[k] + hash[k];
            result[k] = (byte)carry;
            carry >>= 8;
        }
    }

    /// <summary>scan_hunk_header: old and new lengths of "@@ -a,b +c,d @@" (missing length = 1).</summary>
    static (int, int) HunkCounts(string line)
    {
        int p = 4;
        int ReadCount(ref int q)
        {
            while (q < line.Length && char.IsAsciiDigit(line[q])) q++;
            if (q < line.Length && line[q] == ',')
            {
                q++;
                var s = q;
                while (q < line.Length && char.IsAsciiDigit(line[q])) q++;
                return int.TryParse(line.AsSpan(s, q - s), out var n) ? n : 1;
            }
            return 1;
        }
        var before = ReadCount(ref p);
        var plus = line.IndexOf('+', p);
        if (plus < 0) return (before, 1);
        var q2 = plus + 1;
        return (before, ReadCount(ref q2));
    }
}
