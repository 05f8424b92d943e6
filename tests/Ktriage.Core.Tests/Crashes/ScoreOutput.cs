using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>
/// Scores (titles X/Y, guilty files, latency) shown in a plain `dotnet test` run, not only in a verbose one: test
/// output of passing tests is hidden by default, xunit diagnostic messages are not (xunit.runner.json turns them on).
/// </summary>
public sealed class ScoreOutput(IMessageSink sink)
{
    public void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        sink.OnMessage(new DiagnosticMessage(line));
    }
}
