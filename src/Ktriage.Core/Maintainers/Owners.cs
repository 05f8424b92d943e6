namespace Ktriage.Core.Maintainers;

public enum RecipientKind { Maintainer, Reviewer, List, InFile }

/// <summary>One address get_maintainer.pl would print.</summary>
/// <param name="Address">"Name &lt;addr&gt;" (or the bare address), formatted like get_maintainer.pl.</param>
/// <param name="Email">the bare address.</param>
/// <param name="Role">get_maintainer.pl's role text: "maintainer:SUBSYSTEM", "reviewer:…", "open list:…", "moderated list:…".</param>
public sealed record Recipient(string Address, string Email, RecipientKind Kind, string Role, string? Subsystem);

/// <summary>A MAINTAINERS section that matched, with why.</summary>
/// <param name="MatchedBy">the entry that matched first: "F: net/sunrpc/", "N: …", "K: …".</param>
/// <param name="Files">the input files this section covers (empty for a keyword match).</param>
public sealed record SubsystemOwners(
    string Name, string? Status, string MatchedBy, IReadOnlyList<string> Files,
    IReadOnlyList<string> Maintainers, IReadOnlyList<string> Reviewers, IReadOnlyList<string> Lists,
    IReadOnlyList<string> Trees, IReadOnlyList<string> Web);

/// <summary>Who owns a set of files: the sections (most specific first) and the deduplicated addresses, in
/// get_maintainer.pl's order (people, then lists).</summary>
public sealed record Owners(IReadOnlyList<string> Files, IReadOnlyList<SubsystemOwners> Subsystems, IReadOnlyList<Recipient> Recipients)
{
    public static Owners None { get; } = new([], [], []);

    public bool IsEmpty => Recipients.Count == 0;

    /// <summary>Maintainers: the people a report or patch goes To.</summary>
    public IReadOnlyList<string> To => Recipients.Where(r => r.Kind == RecipientKind.Maintainer).Select(r => r.Address).ToList();

    /// <summary>Reviewers, addresses named in the files, then the lists: Cc.</summary>
    public IReadOnlyList<string> Cc => Recipients.Where(r => r.Kind != RecipientKind.Maintainer).Select(r => r.Address).ToList();

    /// <summary>The first (most specific) section's status: Maintained, Supported, Odd Fixes, Orphan, Obsolete…</summary>
    public string? Status => Subsystems.FirstOrDefault()?.Status;
}
