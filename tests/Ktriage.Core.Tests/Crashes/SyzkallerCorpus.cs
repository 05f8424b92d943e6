using System.Text;

namespace Ktriage.Core.Tests.Crashes;

/// <summary>One of syzkaller's report tests: header fields, the log, and the optional expected report.</summary>
internal sealed record SyzkallerCase(string Name, string? Title, List<string> Alt, string? Type, bool Corrupted, bool Panicked, string Log)
{
    public static SyzkallerCase Load(string path)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path)).Replace("\r", "");
        string? title = null, type = null;
        bool corrupted = false, panicked = false;
        var alt = new List<string>();
        int pos = 0;
        while (pos < text.Length)
        {
            int nl = text.IndexOf('\n', pos);
            var line = nl < 0 ? text[pos..] : text[pos..nl];
            pos = nl < 0 ? text.Length : nl + 1;
            if (line.Length == 0) break;
            if (line.StartsWith("TITLE: ")) title = line["TITLE: ".Length..].Trim();
            else if (line.StartsWith("ALT: ")) alt.Add(line["ALT: ".Length..].Trim());
            else if (line.StartsWith("TYPE: ")) type = line["TYPE: ".Length..].Trim();
            else if (line.StartsWith("CORRUPTED: Y")) corrupted = true;
            else if (line.StartsWith("PANICKED: Y")) panicked = true;
        }
        var log = text[pos..];
        // An expected report may follow the log after an empty line: "\n\nREPORT:\n…"; it is not log.
        int rep = log.IndexOf("\nREPORT:\n", StringComparison.Ordinal);
        if (log.StartsWith("REPORT:\n")) rep = 0;
        if (rep >= 0) log = log[..rep];
        if (string.IsNullOrEmpty(title)) title = null;
        return new SyzkallerCase(Path.GetFileName(path), title, alt, type, corrupted, panicked, log);
    }
}
