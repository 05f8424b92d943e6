using System.Text.RegularExpressions;

namespace Ktriage.Core.Maintainers;

/// <summary>The tree's .mailmap as get_maintainer.pl reads it (read_mailmap) and applies it (mailmap_email): old
/// addresses of MAINTAINERS entries become the current ones ("jgg@nvidia.com" → "jgg@ziepe.ca").</summary>
public sealed class Mailmap
{
    readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> addresses = new(StringComparer.Ordinal);

    public static Mailmap Empty { get; } = new();

    public int Count => names.Count + addresses.Count;

    public static Mailmap Parse(string? text)
    {
        var map = new Mailmap();
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = SafeRegex.Replace(raw, "#.*$", "").Trim();
            if (line.Length == 0) continue;
            Match m;
            if ((m = SafeRegex.Match(line, @"^([^<]+)<([^>]+)>$")).Success)
            {
                var (name, address) = MaintainerMatcher.ParseEmail($"{m.Groups[1].Value.TrimEnd()} <{m.Groups[2].Value}>");
                map.names[address] = name;
            }
            else if ((m = SafeRegex.Match(line, @"^<([^>]+)>\s*<([^>]+)>$")).Success)
                map.addresses[m.Groups[2].Value] = m.Groups[1].Value;
            else if ((m = SafeRegex.Match(line, @"^(.+)<([^>]+)>\s*<([^>]+)>$")).Success)
            {
                var (name, address) = MaintainerMatcher.ParseEmail($"{m.Groups[1].Value.TrimEnd()} <{m.Groups[2].Value}>");
                map.names[m.Groups[3].Value] = name;
                map.addresses[m.Groups[3].Value] = address;
            }
            else if ((m = SafeRegex.Match(line, @"^(.+)<([^>]+)>\s*(.+)\s*<([^>]+)>$")).Success)
            {
                var (name, address) = MaintainerMatcher.ParseEmail($"{m.Groups[1].Value.TrimEnd()} <{m.Groups[2].Value}>");
                var (wrongName, wrongAddress) = MaintainerMatcher.ParseEmail($"{m.Groups[3].Value.TrimEnd()} <{m.Groups[4].Value}>");
                var wrong = MaintainerMatcher.FormatEmail(wrongName, wrongAddress);
                map.names[wrong] = name;
                map.addresses[wrong] = address;
            }
        }
        return map;
    }

    /// <summary>mailmap_email: by the whole "Name &lt;addr&gt;" first, else by the address.</summary>
    public string Map(string email)
    {
        if (Count == 0) return email;
        var (name, address) = MaintainerMatcher.ParseEmail(email);
        email = MaintainerMatcher.FormatEmail(name, address);
        string realName = name, realAddress = address;
        if (names.ContainsKey(email) || addresses.ContainsKey(email))
        {
            if (names.TryGetValue(email, out var n)) realName = n;
            if (addresses.TryGetValue(email, out var a)) realAddress = a;
        }
        else
        {
            if (names.TryGetValue(address, out var n)) realName = n;
            if (addresses.TryGetValue(address, out var a)) realAddress = a;
        }
        return MaintainerMatcher.FormatEmail(realName, realAddress);
    }
}
