using Ktriage.Core.Mail;

namespace Ktriage.Sources;

/// <summary>A stream of raw messages from one place (an epoch repo, an mbox, a maildir, a page...).</summary>
public interface IMessageSource
{
    /// <summary>Stable identity of this source for incremental state (absolute path, or "-").</summary>
    string Origin { get; }

    /// <summary>The list name to use when the user gives none (inbox directory name, file stem...).</summary>
    string DefaultList { get; }

    /// <summary>Streams items in source order, starting after <paramref name="resumeAfter"/> (a checkpoint
    /// previously yielded by this source) when given. Memory must not grow with the source's size.</summary>
    IAsyncEnumerable<RawMessage> ReadAsync(string? resumeAfter, CancellationToken ct = default);
}

/// <summary>A source that cannot be read at all (wrong kind, unreadable): the message names the input and the problem.</summary>
public sealed class SourceException(string message, Exception? inner = null) : Exception(message, inner);
