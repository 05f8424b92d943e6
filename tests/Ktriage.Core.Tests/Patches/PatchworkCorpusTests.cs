using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>patchwork's own parser test mails: what patchwork extracts, we must extract too.</summary>
public class PatchworkCorpusTests
{
    static PatchInfo Analyze(string name) => PatchAnalyzer.Analyze(MboxReader.Shared($"mail/patchwork/{name}").Single());

    [SharedTheory("mail/patchwork")]
    [InlineData("0001-git-pull-request.mbox", "git://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next")]
    [InlineData("0002-git-pull-request-wrapped.mbox", "git://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next")]
    [InlineData("0004-git-pull-request-git+ssh.mbox", "git+ssh://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next")]
    [InlineData("0005-git-pull-request-ssh.mbox", "ssh://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next")]
    [InlineData("0006-git-pull-request-http.mbox", "http://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next")]
    [InlineData("0017-git-pull-request-git-2-14-3.mbox", "git://git.kernel.org/pub/scm/linux/kernel/git/davem/net")]
    [InlineData("0023-git-pull-request-newline-in-url.mbox", "https://git.kernel.org/pub/scm/linux/kernel/git/matthias.bgg/linux.git/ tags/v5.4-next-soc")]
    [InlineData("0024-git-pull-request-trailing-space.mbox", "git://git.kernel.org/pub/scm/linux/kernel/git/nsekhar/linux-davinci.git tags/davinci-for-v5.6/soc")]
    public void Pull_requests_give_patchworks_url(string file, string spec)
    {
        var info = Analyze(file);
        Assert.Equal(MessageKind.PullRequest, info.Kind);
        Assert.Equal(spec, info.Pull!.Spec);
        Assert.Empty(info.Files);
    }

    [SharedFact("mail/patchwork")]
    public void Pull_request_with_diff_keeps_both()
    {
        var info = Analyze("0003-git-pull-request-with-diff.mbox");
        Assert.Equal(MessageKind.PullRequest, info.Kind);
        Assert.Equal("git://git.kernel.org/pub/scm/linux/kernel/git/tip/linux-2.6-tip.git x86-fixes-for-linus", info.Pull!.Spec);
        Assert.Equal("arch/x86/include/asm/smp.h", info.Files[0].Path);
        // Reference value: git patch-id --stable < 0003-git-pull-request-with-diff.mbox
        Assert.Equal("40c98ae3a2ac887309e1dd50f8740f8d60980ffb", info.PatchId);
    }

    [SharedFact("mail/patchwork")]
    public void Cvs_diff_lists_files_from_index_lines()
    {
        var info = Analyze("0007-cvs-format-diff.mbox");
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal(["bfd/elf-bfd.h", "bfd/elflink.c", "bfd/elfxx-mips.c"], info.Files.Select(f => f.Path));
        Assert.All(info.Files, f => Assert.Equal(DiffFormat.Cvs, f.Format));
        Assert.All(info.Files, f => Assert.NotEmpty(f.Hunks));
    }

    [SharedFact("mail/patchwork")]
    public void Pure_renames_have_similarity_and_no_hunks()
    {
        var info = Analyze("0008-git-rename.mbox");
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal(2, info.Files.Count);
        Assert.All(info.Files, f =>
        {
            Assert.Equal(FileChangeKind.Renamed, f.Change);
            Assert.Equal(100, f.Similarity);
            Assert.Empty(f.Hunks);
        });
        Assert.Equal("package/rpi-userland/rpi-userland-add-pkgconfig-files.patch", info.Files[0].OldPath);
        Assert.Equal("package/rpi-userland/rpi-userland-000-add-pkgconfig-files.patch", info.Files[0].NewPath);
    }

    [SharedFact("mail/patchwork")]
    public void Rename_with_changes_counts_lines()
    {
        var info = Analyze("0009-git-rename-with-diff.mbox");
        Assert.All(info.Files, f => Assert.Equal(FileChangeKind.Renamed, f.Change));
        Assert.True(info.Stat!.Insertions > 0 && info.Stat.Deletions > 0);
        Assert.Equal("c6d15a7c95b26b4a1bc4bd17e9c237756f8a7e47", info.PatchId);
    }

    [SharedFact("mail/patchwork")]
    public void No_newline_markers_are_recorded()
    {
        var info = Analyze("0011-no-newline-at-end-of-file.mbox");
        var added = info.Files.Where(f => f.Change == FileChangeKind.Added).ToList();
        Assert.Equal(2, added.Count);
        Assert.All(added, f => Assert.True(f.NewNoNewline));
        Assert.All(added, f => Assert.Equal("120000", f.NewMode));
        Assert.Equal("7dfa3e1959583f9afb5d9265b10db66c82058d91", info.PatchId);
    }

    [SharedTheory("mail/patchwork")]
    [InlineData("0010-invalid-charset.mbox")]
    [InlineData("0012-invalid-header-char.mbox")]
    [InlineData("0013-with-utf8-body.mbox")]
    [InlineData("0014-with-unencoded-utf8-headers.mbox")]
    [InlineData("0015-with-invalid-utf8-headers.mbox")]
    public void Odd_encodings_still_give_the_patch(string file)
    {
        var info = Analyze(file);
        Assert.Null(info.Problem);
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.NotEmpty(info.Files);
        Assert.All(info.Files, f => Assert.True(f.Hunks.Count > 0 && f.Added + f.Removed > 0));
    }

    [SharedFact("mail/patchwork")]
    public void Missing_subject_is_still_a_patch()
    {
        var info = Analyze("0016-no-subject.mbox");
        Assert.Equal("", info.Subject.Title);
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal(2, info.Files.Count);
    }

    [SharedFact("mail/patchwork")]
    public void Multipart_alternative_patch_uses_the_text_part()
    {
        var info = Analyze("0019-multipart-patch.mbox");
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal("patchwork/parser.py", Assert.Single(info.Files).Path);
    }

    [SharedFact("mail/patchwork")]
    public void Multipart_alternative_reply_is_a_comment()
    {
        var msg = MboxReader.Shared("mail/patchwork/0020-multipart-comment.mbox").Single();
        var info = PatchAnalyzer.Analyze(msg);
        Assert.Equal(MessageKind.Comment, info.Kind);
        Assert.DoesNotContain("<html", msg.Body, StringComparison.OrdinalIgnoreCase);
    }

    [SharedFact("mail/patchwork")]
    public void Empty_new_file_is_an_addition_without_hunks()
    {
        var f = Assert.Single(Analyze("0021-git-empty-new-file.mbox").Files);
        Assert.Equal(FileChangeKind.Added, f.Change);
        Assert.Equal("banana", f.Path);
        Assert.Null(f.OldPath);
        Assert.Empty(f.Hunks);
        Assert.Equal("e69de29bb2d1", f.NewIndex);
    }

    [SharedFact("mail/patchwork")]
    public void Mode_change_only()
    {
        var f = Assert.Single(Analyze("0022-git-mode-change.mbox").Files);
        Assert.Equal(("100644", "100755"), (f.OldMode, f.NewMode));
        Assert.Equal("scripts/kconfig/nconf-cfg.sh", f.Path);
        Assert.Empty(f.Hunks);
    }

    [SharedTheory("mail/patchwork")]
    [InlineData("0025-git-add-binary-file.mbox", "ce456b0f503b28d8750fb8a2ff613d351b069be3")]
    [InlineData("0026-git-add-mixed-binary-text-files.mbox", "a5059ff0edfbc00a9ff007a8f15cbb8e6848d129")]
    [InlineData("0027-git-modify-binary-file.mbox", "72023c34c7340567443b9a1da0c3b6629446b575")]
    public void Binary_patches_are_files_and_match_git_patch_id(string file, string gitPatchId)
    {
        var info = Analyze(file);
        Assert.Equal(MessageKind.Patch, info.Kind);
        var bin = info.Files.First(f => f.Path == "pixel.bmp");
        Assert.True(bin.Binary);
        Assert.Equal(gitPatchId, info.PatchId);
    }

    [SharedFact("mail/patchwork")]
    public void Mixed_binary_and_text_keeps_the_text_file_after_the_binary_one()
    {
        var info = Analyze("0026-git-add-mixed-binary-text-files.mbox");
        Assert.Equal(["pixel.bmp", "quit.sh"], info.Files.Select(f => f.Path));
        var sh = info.Files[1];
        Assert.Equal(FileChangeKind.Added, sh.Change);
        Assert.Equal(3, sh.Added);
    }

    public static TheoryData<string> FuzzFiles()
    {
        var data = new TheoryData<string>();
        if (SharedData.Has("mail/patchwork-fuzz"))
            foreach (var f in Directory.GetFiles(SharedData.Path("mail/patchwork-fuzz")).Order()) data.Add(Path.GetFileName(f));
        else data.Add("(absent)");
        return data;
    }

    [SharedTheory("mail/patchwork-fuzz")]
    [MemberData(nameof(FuzzFiles))]
    public void Malformed_mail_never_throws(string file)
    {
        foreach (var msg in MboxReader.Shared($"mail/patchwork-fuzz/{file}"))
        {
            var info = PatchAnalyzer.Analyze(msg);
            Assert.Null(info.Problem);
        }
    }
}
