using System.Security.Cryptography;

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
        // Lines are spans of the text and their whitespace-free form is built in a reused buffer: this runs on every
        // patch at ingest. Each stripped line is encoded on its own, as git hashes it.
        Span<byte> result = stackalloc byte[20];
        result.Clear();
        using var ctx = new Utf8Hasher(HashAlgorithmName.SHA1);
        int before = -1, after = -1, patchLen = 0;
        var binary = false;
        Range preOid = default, postOid = default;
        var stripBuffer = SmallPool<char>.Rent(256);
        try
        {
            foreach (var lineRange in text.AsSpan().Split('\n'))
            {
                var line = text.AsSpan(lineRange).TrimEnd('\r');
                if (line.StartsWith("\\ ", StringComparison.Ordinal) && line.Length + 1 > 12) continue;
                if (patchLen == 0 && !line.StartsWith("diff ", StringComparison.Ordinal)) continue;

                if (before == -1)
                {
                    if (line.StartsWith("GIT binary patch", StringComparison.Ordinal) || line.StartsWith("Binary files", StringComparison.Ordinal))
                    {
                        binary = true;
                        before = 0;
                        ctx.Append(text.AsSpan(preOid));
                        ctx.Append(text.AsSpan(postOid));
                        Flush(result, ctx);
                        continue;
                    }
                    if (line.StartsWith("index ", StringComparison.Ordinal))
                    {
                        var dots = line.IndexOf("..", StringComparison.Ordinal);
                        if (dots > 0)
                        {
                            var sp = line[dots..].IndexOf(' ');
                            var at = lineRange.Start.Value;
                            preOid = (at + 6)..(at + dots);
                            postOid = (at + dots + 2)..(sp < 0 ? at + line.Length : at + dots + sp);
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

                if (stripBuffer.Length < line.Length)
                {
                    SmallPool<char>.Return(stripBuffer);
                    stripBuffer = SmallPool<char>.Rent(line.Length);
                }
                var stripped = RemoveSpace(line, stripBuffer);
                patchLen += stripped.Length;
                ctx.Append(stripped);
            }
        }
        finally { SmallPool<char>.Return(stripBuffer); }
        if (patchLen == 0) return null;
        Flush(result, ctx);
        return Convert.ToHexStringLower(result);
    }

    /// <summary>The line without the whitespace git's remove_space drops, copied into <paramref name="into"/>.</summary>
    static ReadOnlySpan<char> RemoveSpace(ReadOnlySpan<char> line, Span<char> into)
    {
        // A plain loop: code lines have a blank every few characters, too often for a vectorized search to pay.
        var n = 0;
        foreach (var c in line)
            if (c > ' ' || c is not (' ' or '\t' or '\n' or '\r' or '\v' or '\f')) into[n++] = c;
        return into[..n];
    }

    /// <summary>flush_one_hunk: finish this section's SHA-1 and add it to the running 20-byte sum, with carry.</summary>
    static void Flush(Span<byte> result, Utf8Hasher ctx)
    {
        Span<byte> hash = stackalloc byte[20];
        ctx.GetHashAndReset(hash);
        var carry = 0;
        for (var k = 0; k < 20; k++)
        {
            carry += result[k] + hash[k];
            result[k] = (byte)carry;
            carry >>= 8;
        }
    }

    /// <summary>scan_hunk_header: old and new lengths of "@@ -a,b +c,d @@" (missing length = 1).</summary>
    static (int, int) HunkCounts(ReadOnlySpan<char> line)
    {
        int p = 4;
        static int ReadCount(ReadOnlySpan<char> line, ref int q)
        {
            while (q < line.Length && char.IsAsciiDigit(line[q])) q++;
            if (q < line.Length && line[q] == ',')
            {
                q++;
                var s = q;
                while (q < line.Length && char.IsAsciiDigit(line[q])) q++;
                return int.TryParse(line.Slice(s, q - s), out var n) ? n : 1;
            }
            return 1;
        }
        var before = ReadCount(line, ref p);
        var plus = line[p..].IndexOf('+');
        if (plus < 0) return (before, 1);
        var q2 = p + plus + 1;
        return (before, ReadCount(line, ref q2));
    }
}
