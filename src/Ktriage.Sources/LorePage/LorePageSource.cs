using System.Runtime.CompilerServices;
using System.Text;
using Ktriage.Core.Mail;

namespace Ktriage.Sources.LorePage;

/// <summary>A saved lore thread or message page (.html or .txt). Yields each message shown on the page rebuilt as
/// RFC 5322 bytes; every copy is yielded (the store folds copies of one Message-ID with the same body).
/// Pages are small, so the page is read whole.</summary>
public sealed class LorePageSource(string path) : IMessageSource
{
    public string Origin { get; } = Path.GetFullPath(path);
    public string DefaultList { get; } = SourceFactory.ListNameFromFile(Path.GetFullPath(path));

    public async IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string text;
        string? tooBig;
        try { tooBig = SourceLimits.MessageTooBig(new FileInfo(Origin).Length, $"{Origin} (a saved page)"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SourceException($"{Origin}: {e.Message}", e); }
        if (tooBig is not null)
        {
            yield return RawMessage.Failure(new SourceLocator(Origin), tooBig);
            yield break;
        }
        try { text = await File.ReadAllTextAsync(Origin, Encoding.UTF8, ct); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SourceException($"{Origin}: {e.Message}", e); }

        var messages = LorePageParser.Parse(text);
        if (messages.Count == 0)
        {
            yield return RawMessage.Failure(new SourceLocator(Origin), $"{Origin}: no message found on this page (not a lore thread or message page?)");
            yield break;
        }
        for (var i = 0; i < messages.Count; i++)
            yield return RawMessage.Of(messages[i].ToRfc5322(), new SourceLocator(Origin, Path: $"{Origin}#{i + 1}"));
    }
}
