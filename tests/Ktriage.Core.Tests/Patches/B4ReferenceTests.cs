using Ktriage.Core.Mail;
using Ktriage.Core.Patches;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>
/// b4's trailer-collection cases: X.mbox through SeriesBuilder + AmMbox must give exactly X-ref-VARIANT.txt.
/// The option sets mirror b4's test parametrization (test_followup_trailers), including its per-case configs.
/// </summary>
public class B4ReferenceTests
{
    static readonly MailAddress Me = new("Test Override", "test-override@example.com");
    const string CustodyOrder = "Cc,Fixes*,Link*,Suggested*,Reviewed*,Tested*,*";

    static (SeriesOptions, AmOptions) OptionsFor(string source, string variant) => (source, variant) switch
    {
        ("single", "defaults") => (new(), new(Identity: Me)),
        ("single", "noadd") => (new(), new(NoAddTrailers: true, Identity: Me)),
        ("single", "addmysob") => (new(), new(AddMySob: true, Identity: Me)),
        ("single", "copyccs") => (new(), new(AddMySob: true, CopyCcs: true, Identity: Me)),
        ("single", "addlink") => (new(), new(AddMySob: true, AddLink: true, Identity: Me)),
        ("single", "addmsgid") => (new(), new(AddMySob: true, AddMessageId: true, Identity: Me)),
        ("single", "ordered") => (new(), new(AddMySob: true, CopyCcs: true, TrailerOrder: "Cc,Tested*,Reviewed*,*", Identity: Me)),
        ("single", "sloppy") => (new(Sloppy: true), new(AddMySob: true, Identity: Me)),
        ("with-cover", "defaults") => (new(), new(AddMySob: true, Identity: Me)),
        ("with-cover", "addlink") => (new(), new(AddMySob: true, AddLink: true, Identity: Me)),
        ("custody", "unordered") => (new(), new(AddMySob: true, CopyCcs: true, TrailerOrder: "*", Identity: Me)),
        ("custody", "ordered") => (new(), new(AddMySob: true, CopyCcs: true, TrailerOrder: CustodyOrder, Identity: Me)),
        ("custody", "with-ignored") => (new(IgnoreFrom: ["followup-reviewer1@example.com"]), new(AddMySob: true, CopyCcs: true, Identity: Me)),
        _ => (new(), new(Identity: Me)),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        if (!SharedData.Has("mail/b4")) { data.Add("absent", "absent"); return data; }
        foreach (var f in Directory.GetFiles(SharedData.Path("mail/b4"), "trailers-followup-*-ref-*.txt").Order())
        {
            var name = Path.GetFileNameWithoutExtension(f)["trailers-followup-".Length..];
            var cut = name.IndexOf("-ref-", StringComparison.Ordinal);
            data.Add(name[..cut], name[(cut + 5)..]);
        }
        return data;
    }

    [SharedTheory("mail/b4")]
    [MemberData(nameof(Cases))]
    public void Am_mbox_equals_b4_reference(string source, string variant)
    {
        var messages = MboxReader.Shared($"mail/b4/trailers-followup-{source}.mbox");
        var (seriesOptions, amOptions) = OptionsFor(source, variant);
        var revision = Assert.Single(SeriesBuilder.Build(messages, seriesOptions)).Latest;
        var actual = AmMbox.Write(revision, messages, amOptions);
        var expected = File.ReadAllText(SharedData.Path($"mail/b4/trailers-followup-{source}-ref-{variant}.txt"));
        Assert.Equal(expected, actual);
    }
}
