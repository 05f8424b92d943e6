using Ktriage.Core.Maintainers;

namespace Ktriage.Core.Tests.Maintainers;

public sealed class FileEmailsTests
{
    [Fact]
    public void Yaml_maintainers_are_read_like_get_maintainer()
    {
        var yaml = """
            title: Foo controller

            maintainers:
              - Rob Herring <robh@kernel.org>
              - Jean-Philippe Brucker <jean-philippe@linaro.org>

            description: see foo@bar.org for details
            """;
        var emails = FileEmails.Extract(yaml);
        Assert.Contains("Rob Herring <robh@kernel.org>", emails);
        Assert.Contains("Jean-Philippe Brucker <jean-philippe@linaro.org>", emails);
        Assert.Contains(emails, e => e.EndsWith("foo@bar.org>", StringComparison.Ordinal) || e == "foo@bar.org");
        Assert.True(FileEmails.Applies("Documentation/devicetree/bindings/x.yaml"));
        Assert.False(FileEmails.Applies("drivers/x.c"));
    }
}
