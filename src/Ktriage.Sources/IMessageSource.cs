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

/// <summary>A source that can read again just the items named by locators it reported (<see cref="SourceLocator"/>'s
/// text, as stored with a problem), so that retrying a few problems does not read everything again.</summary>
public interface IRereadableSource
{
    /// <summary>The items at these locators, in source order; locators it cannot place are left out.</summary>
    IAsyncEnumerable<RawMessage> RereadAsync(IReadOnlyList<string> locators, CancellationToken ct = default);
}
