using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>public-inbox's test mails and patches: odd MIME, attached and bare patches, renames, binaries.</summary>
public class PublicInboxCorpusTests
{
    static Message Mail(string name) => MailParser.Parse(File.ReadAllBytes(SharedData.Path($"mail/public-inbox/{name}")));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        if (SharedData.Has("mail/public-inbox"))
            foreach (var f in Directory.GetFiles(SharedData.Path("mail/public-inbox")).Order()) data.Add(Path.GetFileName(f));
        else data.Add("(absent)");
        return data;
    }

    [SharedTheory("mail/public-inbox")]
    [MemberData(nameof(Files))]
    public void Every_test_mail_is_analysed_without_problems(string file)
    {
        Assert.Null(PatchAnalyzer.Analyze(Mail(file)).Problem);
    }

    [SharedFact("mail/public-inbox")]
    public void Rename_with_modifications()
    {
        var info = PatchAnalyzer.Analyze(Mail("solve_0002-rename-with-modifications.patch"));
        Assert.Equal(MessageKind.Patch, info.Kind);
        var f = Assert.Single(info.Files);
        Assert.Equal((FileChangeKind.Renamed, 94, "HACKING", "CONTRIBUTING.md"), (f.Change, f.Similarity, f.OldPath, f.NewPath));
        Assert.Equal((3, 3, 2), (f.Added, f.Removed, f.Hunks.Count));
    }

    [SharedFact("mail/public-inbox")]
    public void Binary_new_file()
    {
        var f = Assert.Single(PatchAnalyzer.Analyze(Mail("data_binary.patch")).Files);
        Assert.True(f.Binary);
        Assert.Equal((FileChangeKind.Added, "zero"), (f.Change, f.Path));
        Assert.Equal("f76dd238ade08917e6712764a16a22005a50573d", f.NewIndex);
    }

    [SharedFact("mail/public-inbox")]
    public void Patch_in_a_second_text_part_is_found()
    {
        var info = PatchAnalyzer.Analyze(Mail("plack-attached-patch.eml"));
        Assert.Equal(MessageKind.Patch, info.Kind);
        Assert.Equal("file", Assert.Single(info.Files).Path);
    }

    [SharedFact("mail/public-inbox")]
    public void Bare_diff_with_mode_change_and_deletion_only_hunk()
    {
        var d = DiffParser.Parse(File.ReadAllText(SharedData.Path("mail/public-inbox/solve_bare.patch")));
        var f = Assert.Single(d.Files);
        Assert.Equal(("100644", "100755"), (f.OldMode, f.NewMode));
        Assert.Equal((0, 1), (f.Added, f.Removed));
        Assert.Equal((4, 1, 3, 0), (f.Hunks[0].OldStart, f.Hunks[0].OldCount, f.Hunks[0].NewStart, f.Hunks[0].NewCount));
    }
}
