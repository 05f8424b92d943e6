using System.Text;
using Ktriage.Core.Mail;
using Ktriage.TestSupport;

namespace Ktriage.Core.Tests.Patches;

/// <summary>Test helper: splits an mbox file into messages (mboxo/mboxrd "From " lines) and parses them.</summary>
internal static class MboxReader
{
    public static List<Message> Read(string path) => Split(File.ReadAllBytes(path)).Select(b => MailParser.Parse(b)).ToList();

    public static List<Message> Shared(string relative) => Read(SharedData.Path(relative));

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Patches", name);

    public static List<Message> Fixture(string name) => Read(FixturePath(name));

    public static Message One(string text) => MailParser.Parse(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n")));

    public static IEnumerable<byte[]> Split(byte[] data)
    {
        var text = Encoding.Latin1.GetString(data);
        var starts = new List<int>();
        if (text.StartsWith("From ", StringComparison.Ordinal)) starts.Add(0);
        for (var i = text.IndexOf("\nFrom ", StringComparison.Ordinal); i >= 0; i = text.IndexOf("\nFrom ", i + 1, StringComparison.Ordinal))
            starts.Add(i + 1);
        if (starts.Count == 0) { yield return data; yield break; }
        for (var k = 0; k < starts.Count; k++)
        {
            var s = starts[k];
            var e = k + 1 < starts.Count ? starts[k + 1] : text.Length;
            var chunk = text[s..e];
            var nl = chunk.IndexOf('\n');
            chunk = nl < 0 ? "" : chunk[(nl + 1)..];
            // mboxrd: ">From " → "From "
            chunk = chunk.Replace("\n>From ", "\nFrom ");
            yield return Encoding.Latin1.GetBytes(chunk);
        }
    }
}
