using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

public sealed class KernelVersionTests
{
    [Theory]
    [InlineData("6.1.192", "6.1.192")]
    [InlineData("5.10.0-rc3-syzkaller", "5.10.0")]
    [InlineData("4.18.0-80.el8.x86_64", "4.18.0")]
    [InlineData("2.6.21.5-x160", "2.6.21")]
    [InlineData("6.8", "6.8.0")]
    public void Parses_releases(string text, string expected) => Assert.Equal(expected, KernelVersion.Parse(text)!.Value.ToString());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("#1 SMP PREEMPT")]
    public void No_version_in_text(string? text) => Assert.Null(KernelVersion.Parse(text));

    [Fact]
    public void Reads_the_Makefile()
    {
        Assert.Equal("6.1.192", KernelVersion.FromMakefile("# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\nEXTRAVERSION =\nNAME = Curry Ramen\n"));
        Assert.Equal("6.8.0-rc1", KernelVersion.FromMakefile("VERSION = 6\nPATCHLEVEL = 8\nSUBLEVEL = 0\nEXTRAVERSION = -rc1\n"));
        Assert.Null(KernelVersion.FromMakefile("all:\n\techo\n"));
    }

    [Fact]
    public void The_nearest_tree_wins_and_the_newest_without_a_version()
    {
        var trees = new[] { "4.19.0", "5.10.200", "6.1.192" };
        string? Pick(string? v) => KernelVersion.Nearest(trees, t => KernelVersion.Parse(t), KernelVersion.Parse(v));
        Assert.Equal("5.10.200", Pick("5.10.0-rc3-syzkaller"));
        Assert.Equal("4.19.0", Pick("3.18.0-0.rc1.git0.1.fc22.x86_64"));
        Assert.Equal("6.1.192", Pick("6.6.0"));
        Assert.Equal("6.1.192", Pick(null));
        Assert.Null(KernelVersion.Nearest(Array.Empty<string>(), t => KernelVersion.Parse(t), null));
    }
}
