using Ktriage.Core.Crashes;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>The hand-written frame-line parser must give exactly what the reference regex gives.</summary>
public sealed class FrameParserTests
{
    static string Show(StackFrame? f) => f is null ? "(none)"
        : $"{f.Function}|{f.Offset}|{f.Size}|{f.Module}|{f.Address}|{f.Reliable}|{f.Section}|{f.Source}";

    static void AssertSame(string line)
    {
        // The fast path may decline a line (the regex then decides), but what it returns must be the regex's answer.
        if (FrameParser.TryParseFast(line, "task", out var fast))
            Assert.True(Show(FrameParser.ParseWithRegex(line, "task")) == Show(fast), $"line: {line}\nregex: {Show(FrameParser.ParseWithRegex(line, "task"))}\nfast:  {Show(fast)}");
    }

    [Theory]
    [InlineData(" [<ffffffff8174b53c>] ? ret_from_fork+0x7c/0xb0 [nfsd]", "ret_from_fork|0x7c|0xb0|nfsd|ffffffff8174b53c|False|task|")]
    [InlineData(" kasan_report+0x1a/0x20 mm/kasan/report.c:588", "kasan_report|0x1a|0x20|||True|task|mm/kasan/report.c:588")]
    [InlineData("([<000000000011a0b2>] foo+0xa2/0x128)", "foo|0xa2|0x128||000000000011a0b2|True|task|")]
    [InlineData("[c0000000fe6b3b70] [c000000000015f34] .show_stack+0x74/0x1c0 (unreliable)", ".show_stack|0x74|0x1c0||c000000000015f34|False|task|")]
    [InlineData(" <ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap+0x1/0x2", "(none)")]
    [InlineData(" virtio_device_ready.part.12+0x5/0x6 [virtio_console] drivers/char/x.rs:3 (T)", "virtio_device_ready.part.12|0x5|0x6|virtio_console||True|task|drivers/char/x.rs:3")]
    [InlineData("RIP: 0010:foo+0x1/0x2", "(none)")]
    [InlineData(" [<0x12>] f+0x1", "(none)")]
    [InlineData(" [<ffffffff81000000>] [<ffffffff81000001>] g+0x10 lib/a.c:1 b.h:2", "g|0x10|||ffffffff81000001|True|task|lib/a.c:1")]
    public void Frame_lines_parse_as_the_regex_does(string line, string expected)
    {
        Assert.Equal(expected, Show(FrameParser.Parse(line, "task")));
        AssertSame(line);
    }

    [SharedFact("crashes/syzkaller-report")]
    public void Fast_frame_parser_agrees_with_the_regex_on_every_real_line()
    {
        int frames = 0;
        foreach (var dir in new[] { "crashes/syzkaller-report", "crashes/syzkaller-guilty", "crashes/satyr-kerneloopses" })
            foreach (var file in Directory.GetFiles(SharedData.Path(dir)))
                foreach (var line in File.ReadLines(file))
                {
                    if (!line.Contains("+0x", StringComparison.Ordinal)) continue;
                    // Console prefixes are stripped before frames are parsed: test both forms.
                    int close = line.StartsWith('[') ? line.IndexOf("] ", StringComparison.Ordinal) : -1;
                    foreach (var l in close > 0 ? new[] { line, line[(close + 2)..] } : [line])
                    {
                        AssertSame(l);
                        if (FrameParser.Parse(l, "task") is not null) frames++;
                    }
                }
        Assert.True(frames > 5000, $"only {frames} frames: corpus missing?");
    }
}

/// <summary>Title prefilters rest on the literal each title regex starts with.</summary>
public sealed class LeadingLiteralTests
{
    [Theory]
    [InlineData(@"BUG: KASAN: ([a-z\-]+) on address", "BUG: KASAN: ")]
    [InlineData(@"WARNING: .*lib/refcount\.c", "WARNING: ")]
    [InlineData(@"Kernel panic - not syncing: \(x\)", "Kernel panic - not syncing: (x)")]
    [InlineData(@"ab?c", "a")]
    [InlineData(@"ab+c", "ab")]
    [InlineData(@"^Booting the kernel", "")]
    [InlineData(@"BUG: x|INFO: y", "")]
    [InlineData(@"BUG: (?:x|y)", "BUG: ")]
    [InlineData(@"\d+ BUG", "")]
    [InlineData(@"a[|]b", "a")]
    public void Leading_literal_is_a_prefix_of_every_match(string pattern, string literal)
    {
        Assert.Equal(literal, Rx.LeadingLiteral(new System.Text.RegularExpressions.Regex(pattern)));
    }

}
