using System.Runtime.CompilerServices;
using Ktriage.Core.Mail;

namespace Ktriage.Sources.Maildir;

/// <summary>A maildir: every file in cur/ and new/ is one message. Files are read in name order (maildir names
/// start with the delivery time), so re-reads are stable; there is no checkpoint (the store is idempotent).</summary>
public sealed class MaildirSource(string directory) : IMessageSource
{
    public string Origin { get; } = Path.GetFullPath(directory);
    public string DefaultList { get; } = SourceFactory.ListNameFromDirectory(Path.GetFullPath(directory));

    public static bool IsMaildir(string dir) =>
        Directory.Exists(Path.Combine(dir, "cur")) && Directory.Exists(Path.Combine(dir, "new"));

    public async IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var files = new List<string>();
        foreach (var sub in new[] { "cur", "new" })
            files.AddRange(Directory.EnumerateFiles(Path.Combine(Origin, sub)).Where(f => !Path.GetFileName(f).StartsWith('.')));
        // Name order, not directory order: "cur" and "new" interleave by delivery time.
        files.Sort((a, b) => string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b)));

        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            var at = new SourceLocator(Origin, Path: file);
            byte[]? bytes = null;
            string? problem = null;
            try
            {
                problem = SourceLimits.MessageTooBig(new FileInfo(file).Length, file);
                if (problem is null) bytes = await File.ReadAllBytesAsync(file, ct);
            }
            // A message moved from new/ to cur/ by a mail client while we list: not an error worth stopping for.
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { problem = $"{file}: {e.Message}"; }
            if (problem is not null) yield return RawMessage.Failure(at, problem);
            else if (bytes!.Length > 0) yield return RawMessage.Of(bytes, at);
        }
    }
}
