using System.Text.RegularExpressions;
using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

/// <summary>The K: prefilter: literals derived must be in every match, and unclear patterns get none.</summary>
public sealed class RequiredLiteralsTests
{
    [Theory]
    [InlineData("mediatek", "mediatek")]
    [InlineData(@"(?:\b|_)bpf(?:\b|_)", "bpf")]
    [InlineData(@"\bdma_(?:buf|fence|resv)\b", "dma_")]
    [InlineData(@"(devm_)?hwmon_device_(un)?register(|_with_groups|_with_info)", "hwmon_device_")]
    [InlineData(@"\b(ABS|SYN)_MT_", "_MT_")]
    [InlineData(@"[^@]sifive", "sifive")]
    [InlineData(@"\b(?:devm_|of_)?reset_control(?:ler_[a-z]+|_[a-z_]+)?\b", "reset_control")]
    [InlineData(@"\b(pstore|ramoops)", "pstore|ramoops")]
    [InlineData(@"\b(?i:clang|llvm)\b", "clang|llvm")]
    [InlineData(@"phylink\.h|struct\s+phylink|\.phylink|>phylink_|phylink_(autoneg|clear)", "phylink|phylink_")]
    [InlineData(@"abcd?", "abc")]
    public void Derives_literals(string pattern, string expected)
    {
        var got = RequiredLiterals.Of(pattern);
        Assert.NotNull(got);
        Assert.Equal(expected.Split('|').Distinct().Order(), got!.Distinct().Order());
    }

    [Theory]
    [InlineData(@"\b(?:a|bc)\b")]     // alternatives too short to be worth it
    [InlineData(@"(foo)?bar?")]        // nothing of length 3 is required
    [InlineData(@"foo # comment")]     // /x comments: not understood
    [InlineData(@"(unbalanced")]
    public void Gives_up_when_unsure(string pattern) => Assert.Null(RequiredLiterals.Of(pattern));

    [Theory]
    [InlineData(@"(?:\b|_)bpf(?:\b|_)", "int xdp_bpf_prog;")]
    [InlineData(@"\b(?i:clang|llvm)\b", "built with LLVM")]
    [InlineData(@"(devm_)?hwmon_device_(un)?register(|_with_groups|_with_info)", "devm_hwmon_device_register_with_info(")]
    public void Every_match_contains_a_literal(string pattern, string text)
    {
        Assert.Matches(new Regex(pattern, RegexOptions.IgnorePatternWhitespace), text);
        var literals = RequiredLiterals.Of(pattern)!;
        Assert.Contains(literals, l => text.Contains(l, pattern.Contains("(?i") ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
    }
}
