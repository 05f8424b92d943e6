using Ktriage.Core.Patches;

namespace Ktriage.Core.Tests.Patches;

public class SubjectInfoTests
{
    [Theory]
    [InlineData("[PATCH v2 3/5] mm: fix foo", 2, 3, 5, "mm: fix foo")]
    [InlineData("[PATCH 0/2 v2] series title", 2, 0, 2, "series title")]
    [InlineData("[PATCHv3] net: one", 3, 1, 1, "net: one")]
    [InlineData("[PATCH 6/5] extra patch", 1, 6, 5, "extra patch")]
    [InlineData("[PATCH 0 of 2] Sample Mercurial patches", 1, 0, 2, "Sample Mercurial patches")]
    [InlineData("[net,v2,1/2] net: ieee802154: remove", 2, 1, 2, "net: ieee802154: remove")]
    [InlineData("[PATCH V4 01/11] padded counter", 4, 1, 11, "padded counter")]
    [InlineData("Re: [PATCH v2 3/5] mm: fix foo", 2, 3, 5, "mm: fix foo")]
    public void Version_counter_and_title(string subject, int version, int counter, int total, string title)
    {
        var s = SubjectInfo.Parse(subject);
        Assert.True(s.IsPatch);
        Assert.Equal((version, counter, total, title), (s.Version, s.Counter, s.Total, s.Title));
    }

    [Fact]
    public void Rfc_and_tree_prefix_in_any_order()
    {
        var s = SubjectInfo.Parse("[RFC PATCH net-next 1/4] tcp: thing");
        Assert.True(s.IsRfc);
        Assert.Equal(["net-next"], s.Prefixes);
        Assert.Equal((1, 4), (s.Counter, s.Total));
        Assert.Equal("[PATCH RFC 1/4] tcp: thing", s.AmSubject());
    }

    [Fact]
    public void Resend_in_its_own_bracket()
    {
        var s = SubjectInfo.Parse("[RESEND][PATCH 0/6] KVM: stuff");
        Assert.True(s.IsResend);
        Assert.Equal((0, 6), (s.Counter, s.Total));
        Assert.Equal("KVM: stuff", s.Title);
    }

    [Fact]
    public void List_tags_are_prefixes_and_replies_are_marked()
    {
        var s = SubjectInfo.Parse("Re: [Buildroot] [PATCH 01/11] package/rpi-userland: rename patches");
        Assert.True(s.IsReply);
        Assert.Equal(["Buildroot"], s.Prefixes);
        Assert.Equal("package/rpi-userland: rename patches", s.Title);
        Assert.False(SubjectInfo.Parse("[PATCH] x").IsReply);
        Assert.True(SubjectInfo.Parse("AW: Re: [PATCH] x").IsReply);
    }

    [Fact]
    public void No_counter_means_a_single_patch_and_no_tags_means_no_patch()
    {
        var single = SubjectInfo.Parse("[PATCH] fix");
        Assert.False(single.CounterStated);
        Assert.Equal("[PATCH] fix", single.AmSubject());
        var plain = SubjectInfo.Parse("widget subsystem corrupts data");
        Assert.False(plain.IsPatch);
        Assert.Equal("widget subsystem corrupts data", plain.Title);
    }

    [Fact]
    public void Normalized_title_matches_across_revisions()
    {
        Assert.Equal(SubjectInfo.Parse("[PATCH v3 2/2]  Foo:  Bar baz.").Normalized, SubjectInfo.Parse("[PATCH 2/2] foo: bar baz").Normalized);
    }

    [Fact]
    public void Pull_requests_are_recognised()
    {
        Assert.True(SubjectInfo.Parse("[GIT PULL] spufs fixes").IsPull);
        Assert.True(SubjectInfo.Parse("[PULL 0/3] net").IsPull);
    }
}
