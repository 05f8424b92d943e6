using System.Runtime.CompilerServices;
using Ktriage.Core.Mail;

namespace Ktriage.Sources;

/// <summary>One message in one file (.eml), yielded as is.</summary>
public sealed class SingleMessageSource(string path) : IMessageSource
{
    public string Origin { get; } = Path.GetFullPath(path);
    public string DefaultList { get; } = SourceFactory.ListNameFromFile(Path.GetFullPath(path));

    public async IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        byte[] bytes;
        string? tooBig;
        try { tooBig = SourceLimits.MessageTooBig(new FileInfo(Origin).Length, Origin); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SourceException($"{Origin}: {e.Message}", e); }
        if (tooBig is not null)
        {
            yield return RawMessage.Failure(new SourceLocator(Origin), tooBig);
            yield break;
        }
        try { bytes = await File.ReadAllBytesAsync(Origin, ct); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SourceException($"{Origin}: {e.Message}", e); }
        yield return RawMessage.Of(bytes, new SourceLocator(Origin));
    }
}
