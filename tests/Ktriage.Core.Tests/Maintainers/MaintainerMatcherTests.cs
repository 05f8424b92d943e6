using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

/// <summary>get_maintainer.pl --no-git semantics on a hand-written MAINTAINERS.</summary>
public sealed class MaintainerMatcherTests
{
    static readonly HashSet<string> Dirs = ["fs/nfsd", "net", "net/sunrpc", "net/sunrpc/xprtrdma", "include/net", "drivers", "drivers/char", "drivers/misc"];
    static readonly MaintainersFile File = MaintainersFile.Parse(MaintainersFixture.Text, v => Dirs.Contains(v));

    static List<string> Emails(Owners o) => o.Recipients.Select(r => r.Email).ToList();

    [Fact]
    public void The_preamble_is_not_a_section_and_every_titled_block_is()
    {
        Assert.Equal(["KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", "NETWORKING [GENERAL]", "NFS/RDMA", "VIRTIO CONSOLE DRIVER",
            "CHAR and MISC DRIVERS", "DA90XX DRIVERS", "ARM/Mediatek SoC support", "BPF [GENERAL]", "THE REST"], File.Sections.Select(s => s.Name));
    }

    [Fact]
    public void Most_specific_section_first_and_people_then_lists_like_get_maintainer()
    {
        var o = MaintainerMatcher.Who(File, ["net/sunrpc/cache.c"]);
        Assert.Equal(["KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", "NETWORKING [GENERAL]", "THE REST"], o.Subsystems.Select(s => s.Name));
        // Jeff Layton's second address is a duplicate by name; Linus (THE REST) is dropped as get_maintainer does.
        Assert.Equal(["chuck.lever@oracle.com", "jlayton@kernel.org", "davem@davemloft.net",
            "linux-nfs@vger.kernel.org", "netdev@vger.kernel.org", "linux-kernel@vger.kernel.org"], Emails(o));
        Assert.Equal("Supported", o.Status);
        Assert.Equal("F: net/sunrpc/", o.Subsystems[0].MatchedBy);
        Assert.Equal("\"David S. Miller\" <davem@davemloft.net>", o.To[2]);
    }

    [Fact]
    public void X_excludes_a_section_for_files_below_it()
    {
        var o = MaintainerMatcher.Who(File, ["net/sunrpc/xprtrdma/verbs.c"]);
        Assert.DoesNotContain(o.Subsystems, s => s.Name.StartsWith("KERNEL NFSD"));
        Assert.Equal("NFS/RDMA", o.Subsystems[0].Name);
        Assert.Equal("Odd Fixes", o.Status);
    }

    [Fact]
    public void Subscribers_only_lists_are_left_out_and_moderated_ones_kept()
    {
        var rdma = Emails(MaintainerMatcher.Who(File, ["net/sunrpc/xprtrdma/verbs.c"]));
        Assert.Contains("linux-rdma@vger.kernel.org", rdma);
        Assert.DoesNotContain("secret@lists.example.org", rdma);
        var misc = MaintainerMatcher.Who(File, ["drivers/misc/foo.c"]);
        Assert.Contains(misc.Recipients, r => r.Email == "misc@lists.example.org" && r.Role.StartsWith("moderated list"));
        Assert.Contains(misc.Recipients, r => r.Kind == RecipientKind.Reviewer && r.Email == "GREGKH@linuxfoundation.org");
    }

    [Fact]
    public void A_file_pattern_matches_only_at_its_own_depth_and_globs_follow_the_perl_conversion()
    {
        // "drivers/char/virtio_console.c" is a file pattern: same number of '/' required.
        Assert.Equal("VIRTIO CONSOLE DRIVER", MaintainerMatcher.Who(File, ["drivers/char/virtio_console.c"]).Subsystems[0].Name);
        Assert.DoesNotContain(MaintainerMatcher.Who(File, ["drivers/char/virtio_console.c/x.c"]).Subsystems, s => s.Name == "VIRTIO CONSOLE DRIVER");
        // '?' is one character, '*' any run; '.' is literal.
        Assert.Contains(MaintainerMatcher.Who(File, ["drivers/rtc/rtc-da9063.c"]).Subsystems, s => s.Name == "DA90XX DRIVERS");
        Assert.DoesNotContain(MaintainerMatcher.Who(File, ["drivers/rtc/rtc-da906.c"]).Subsystems, s => s.Name == "DA90XX DRIVERS");
        Assert.DoesNotContain(MaintainerMatcher.Who(File, ["drivers/rtc/rtc-da9063xc"]).Subsystems, s => s.Name == "DA90XX DRIVERS");
        Assert.Contains(MaintainerMatcher.Who(File, ["drivers/mfd/da9052-core.c"]).Subsystems, s => s.Name == "DA90XX DRIVERS");
        // A '*' does not cross into a deeper directory for a non-directory pattern.
        Assert.DoesNotContain(MaintainerMatcher.Who(File, ["drivers/mfd/x/da9052-core.c"]).Subsystems, s => s.Name == "DA90XX DRIVERS");
    }

    [Fact]
    public void Without_the_tree_a_pattern_naming_a_directory_still_covers_its_files()
    {
        // Only MAINTAINERS imported: "fs/nfsd/" has its slash, but a pattern written without one must still work both ways.
        var bare = MaintainersFile.Parse(MaintainersFixture.Text.Replace("F:\tnet/sunrpc/\n", "F:\tnet/sunrpc\n"));
        Assert.Equal("KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", MaintainerMatcher.Who(bare, ["net/sunrpc/cache.c"]).Subsystems[0].Name);
        // With the tree, the perl's "-d" decides: the same pattern, not a directory of the tree, is a file pattern.
        var withTree = MaintainersFile.Parse(MaintainersFixture.Text.Replace("F:\tnet/sunrpc/\n", "F:\tnet/sunrpc\n"), _ => false);
        Assert.NotEqual("KERNEL NFSD, SUNRPC, AND LOCKD SERVERS", MaintainerMatcher.Who(withTree, ["net/sunrpc/cache.c"]).Subsystems[0].Name);
    }

    [Fact]
    public void N_regexes_match_anywhere_in_the_path()
    {
        var o = MaintainerMatcher.Who(File, ["drivers/spi/spi-mt65xx.c"]);
        Assert.Contains(o.Subsystems, s => s.Name == "ARM/Mediatek SoC support" && s.MatchedBy == "N: mt[678]");
        Assert.Contains("linux-mediatek@lists.infradead.org", Emails(o));
    }

    [Fact]
    public void K_keywords_in_a_patch_count_in_the_message_and_changed_lines_only()
    {
        var patch = """
            Subject: [PATCH] net: fix a leak

            Found while reading the code.

            diff --git a/net/core/filter.c b/net/core/filter.c
            --- a/net/core/filter.c
            +++ b/net/core/filter.c
            @@ -1,3 +1,3 @@ int bpf_prog_run(void)
             	/* a bpf context line does not count */
            -	old();
            +	new();
            """;
        Assert.Empty(File.KeywordSectionsInPatch(patch));
        var changed = patch.Replace("+\tnew();", "+\tbpf_new();");
        Assert.Equal([7], File.KeywordSectionsInPatch(changed));
        var inMessage = patch.Replace("Found while reading the code.", "Found with a mediatek board.");
        Assert.Equal([6], File.KeywordSectionsInPatch(inMessage));
    }

    [Fact]
    public void K_keywords_in_a_file_text_add_their_section_after_the_file_patterns()
    {
        var keywords = File.KeywordSectionsInText("static int xdp_bpf_prog(void) { return 0; }");
        var o = MaintainerMatcher.Who(File, ["net/core/filter.c"], keywords);
        Assert.Equal(["NETWORKING [GENERAL]", "THE REST", "BPF [GENERAL]"], o.Subsystems.Select(s => s.Name));
        Assert.StartsWith("K: ", o.Subsystems[2].MatchedBy);
        Assert.Contains("bpf@vger.kernel.org", Emails(o));
    }

    [Fact]
    public void Several_files_merge_their_owners_without_repeats()
    {
        var o = MaintainerMatcher.Who(File, ["net/sunrpc/cache.c", "drivers/char/virtio_console.c", "net/sunrpc/svc.c"]);
        Assert.Equal(o.Recipients.Count, o.Recipients.Select(r => r.Email.ToLowerInvariant()).Distinct().Count());
        Assert.Contains("amit@kernel.org", Emails(o));
        Assert.Equal(["net/sunrpc/cache.c", "net/sunrpc/svc.c"], o.Subsystems[0].Files);
    }

    [Fact]
    public void Text_without_sections_is_not_a_MAINTAINERS_file()
    {
        Assert.Throws<FormatException>(() => MaintainersFile.Parse("just some\ntext\n"));
    }

    [Theory]
    [InlineData("\"David S. Miller\" <davem@davemloft.net>", "\"David S. Miller\"", "davem@davemloft.net")]
    [InlineData("Chuck Lever <chuck.lever@oracle.com>", "Chuck Lever", "chuck.lever@oracle.com")]
    [InlineData("<x@y.org>", "", "x@y.org")]
    [InlineData("x@y.org (Someone)", "", "x@y.org")]
    public void Addresses_parse_like_get_maintainer(string text, string name, string address)
    {
        Assert.Equal((name, address), MaintainerMatcher.ParseEmail(text));
    }
}

public sealed class MailmapTests
{
    [Fact]
    public void Old_addresses_become_the_current_ones_like_get_maintainer()
    {
        var map = Mailmap.Parse("""
            # comment
            Chuck Lever <chuck@new.org> <chuck.lever@oracle.com>
            <davem@new.org> <davem@davemloft.net>
            Jeff Layton <jeff@new.org> Jeff L <jlayton@kernel.org>
            """);
        var o = MaintainerMatcher.Who(MaintainersFile.Parse(MaintainersFixture.Text), ["net/sunrpc/cache.c"], mailmap: map);
        var emails = o.Recipients.Select(r => r.Address).ToList();
        Assert.Contains("Chuck Lever <chuck@new.org>", emails);
        Assert.Contains("\"David S. Miller\" <davem@new.org>", emails);
        // The name+address form only maps that exact pair.
        Assert.Contains("Jeff Layton <jlayton@kernel.org>", emails);
        Assert.Equal("Jeff Layton <jeff@new.org>", map.Map("Jeff L <jlayton@kernel.org>"));
    }
}
