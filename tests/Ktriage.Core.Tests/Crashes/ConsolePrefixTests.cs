using System.Text.RegularExpressions;
using Ktriage.Core.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>The hand-parsed console prefix must agree with syzkaller's consoleOutputRe (length and caller context).</summary>
public sealed class ConsolePrefixTests
{
    static readonly Regex Syzkaller = new(
        @"^(?:\*\* [0-9]+ printk messages dropped \*\* )?(?:.* login: )?(?:\<[0-9]+\>)?\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])? ");

    static void AssertSame(string line)
    {
        var m = Syzkaller.Match(line);
        int length = ConsolePrefix.Parse(line, out int context);
        Assert.True((m.Success ? m.Length : 0) == length, $"prefix length of: {line}");
        var expected = m.Success && m.Groups[1].Success ? m.Groups[1].Value.Replace(" ", "") : null;
        // Equal contexts must map to equal ids, different ones to different ids.
        Assert.True(expected is null ? context == ConsolePrefix.Console : context != ConsolePrefix.Console, $"context of: {line}");
        if (expected is not null)
        {
            int again = ConsolePrefix.Parse($"[    1.000000][{expected[1..^1]}] x", out int id);
            Assert.True(again > 0 && id == context, $"context id of: {line}");
        }
    }

    [Theory]
    [InlineData("[   12.345678][ T1234] BUG: x")]
    [InlineData("[   12.345678][    C1] x")]
    [InlineData("<4>[ 1.2] x")]
    [InlineData("** 3 printk messages dropped ** [ 1.2][T7] x")]
    [InlineData("syzkaller login: [ 1.2] x")]
    [InlineData("[ 1.2]x")]
    [InlineData("[ 1.2][T1]x")]
    [InlineData("[1.] x")]
    [InlineData("<4> [ 1.2] x")]
    [InlineData("a login: b login: [ 1.2][ T3] x")]
    public void Prefix_agrees_with_syzkallers_regex(string line)
    {
        AssertSame(line);
        Assert.NotEqual(0, ConsolePrefix.Parse("[ 1.2][T1] x", out _));
    }

    [Fact]
    public void Task_and_cpu_contexts_are_told_apart()
    {
        ConsolePrefix.Parse("[ 1.2][T1] x", out int t1);
        ConsolePrefix.Parse("[ 1.2][ C1] x", out int c1);
        ConsolePrefix.Parse("[ 1.2][T2] x", out int t2);
        Assert.Equal(3, new[] { t1, c1, t2 }.Distinct().Count());
    }

    [SharedFact("crashes/syzkaller-report")]
    public void Prefix_agrees_with_syzkallers_regex_on_every_real_line()
    {
        int prefixed = 0;
        foreach (var file in Directory.GetFiles(SharedData.Path("crashes/syzkaller-report")))
            foreach (var line in File.ReadLines(file))
            {
                AssertSame(line);
                if (ConsolePrefix.Parse(line, out _) > 0) prefixed++;
            }
        Assert.True(prefixed > 10000, $"only {prefixed} prefixed lines: corpus missing?");
    }
}
