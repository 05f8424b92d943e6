// GitReadBench mimediff REF-DIR SOURCE...: parses every message of each source with this build's MailParser and with
// the MailParser of another build (REF-DIR: a directory holding that build's Ktriage.Core.dll and MimeKit.dll, e.g.
// main's bin/Release/net10.0), loaded side by side in its own AssemblyLoadContext, and compares every field of the two
// Messages and of their full-text fields (SearchFields.Of). A SOURCE is anything SourceFactory opens (a git epoch, an mbox…); a directory that is not a source has
// each of its files read both as a source and as one raw message (malformed corpora). Each message is also parsed
// with CRLF line ends. Prints the differences (first 20 in full) and exits 1 when there are any. A message the
// reference parses differently each time is reported apart (not a difference) when this build's parse is stable.
using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Ktriage.Core.Mail;
using Ktriage.Sources;

static class MimeDiff
{
    public static async Task<int> Run(string refDir, IEnumerable<string> sources)
    {
        var fallbackDate = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var context = new AssemblyLoadContext("reference-parser");
        context.Resolving += (ctx, name) =>
        {
            var path = Path.Combine(refDir, name.Name + ".dll");
            return File.Exists(path) ? ctx.LoadFromAssemblyPath(path) : null;
        };
        var refCore = context.LoadFromAssemblyPath(Path.GetFullPath(Path.Combine(refDir, "Ktriage.Core.dll")));
        var refParse = refCore.GetType("Ktriage.Core.Mail.MailParser")!.GetMethod("Parse", [typeof(byte[]), typeof(DateTimeOffset?)])!;
        var refMessage = refCore.GetType("Ktriage.Core.Mail.Message")!;
        var refFields = refCore.GetType("Ktriage.Core.Search.SearchFields")!.GetMethod("Of", [refMessage])!;
        object RefParse(byte[] input)
        {
            try
            {
                var m = refParse.Invoke(null, [input, fallbackDate])!;
                return new { Message = m, Search = refFields.Invoke(null, [m]) };
            }
            catch (TargetInvocationException e) { throw e.InnerException!; }
        }
        object Parse(byte[] input)
        {
            var m = MailParser.Parse(input, fallbackDate);
            return new { Message = m, Search = Ktriage.Core.Search.SearchFields.Of(m) };
        }
        long messages = 0, differing = 0, unstable = 0;

        void Compare(string where, byte[] bytes)
        {
            foreach (var (variant, input) in new[] { ("", bytes), (" (CRLF)", Crlf(bytes)) })
            {
                messages++;
                var mine = Dump(() => Parse(input));
                var theirs = Dump(() => RefParse(input));
                if (mine == theirs) continue;
                // The reference may not be a function of the bytes (main gave a message without a header block a
                // random MimeKit Message-ID and the current date): then this build must be, and the case is counted apart.
                var again = Dump(() => RefParse(input));
                if (again != theirs && mine == Dump(() => Parse(input)))
                {
                    unstable++;
                    Console.WriteLine($"=== reference not deterministic, this build is: {where}{variant}");
                    continue;
                }
                if (++differing <= 20)
                {
                    Console.WriteLine($"=== DIFF {where}{variant}");
                    var a = theirs.Split('\n');
                    var b = mine.Split('\n');
                    for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
                    {
                        var x = i < a.Length ? a[i] : "<none>";
                        var y = i < b.Length ? b[i] : "<none>";
                        if (x != y) Console.WriteLine($"  ref:  {Cut(x)}\n  this: {Cut(y)}");
                    }
                }
                else Console.WriteLine($"=== DIFF {where}{variant}");
            }
        }

        foreach (var source in sources)
        {
            var isSource = true;
            try { SourceFactory.Open(source); } catch (SourceException) { isSource = false; }
            var inputs = isSource ? [source] : Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order().ToList();
            foreach (var input in inputs)
            {
                if (!isSource) Compare($"{input} (whole file)", File.ReadAllBytes(input));
                try
                {
                    foreach (var s in SourceFactory.Open(input))
                        await foreach (var raw in s.ReadAsync(null))
                            if (raw.Kind == RawKind.Message) Compare(raw.Locator.ToString(), raw.Bytes);
                }
                catch (SourceException e) { Console.WriteLine($"  (not a source: {input}: {e.Message})"); }
            }
        }
        Console.WriteLine($"mimediff: {messages} parses compared, {differing} differ, {unstable} where only the reference varies between two parses");
        return differing == 0 ? 0 : 1;
    }

    static string Cut(string s) => s.Length > 300 ? s[..300] + "…" : s;

    static byte[] Crlf(byte[] bytes)
    {
        var o = new List<byte>(bytes.Length + bytes.Length / 40);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) o.Add((byte)'\r');
            o.Add(bytes[i]);
        }
        return [.. o];
    }

    /// <summary>Every public property of the Message, recursively (records, lists), one line per leaf; works on
    /// either build's types since it goes by reflection. An exception is dumped as its type and message.</summary>
    static string Dump(Func<object?> parse)
    {
        var sb = new StringBuilder();
        try { Write(sb, "", parse()); }
        catch (Exception e) { sb.Append($"EXCEPTION {e.GetType().FullName}: {e.Message}\n"); }
        return sb.ToString();
    }

    static void Write(StringBuilder sb, string path, object? value)
    {
        switch (value)
        {
            case null: sb.Append(path).Append(" = null\n"); return;
            case string s: sb.Append(path).Append(" = \"").Append(s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r")).Append("\"\n"); return;
            case byte[] b: sb.Append(path).Append($" = {b.Length} bytes {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b))}\n"); return;
            case DateTimeOffset d: sb.Append(path).Append(" = ").Append(d.ToString("O")).Append('\n'); return;
            case bool or int or long or Enum: sb.Append(path).Append(" = ").Append(value).Append('\n'); return;
            case IEnumerable list:
            {
                var n = 0;
                foreach (var item in list) Write(sb, $"{path}[{n++}]", item);
                sb.Append(path).Append($".Count = {n}\n");
                return;
            }
        }
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            Write(sb, path.Length == 0 ? p.Name : $"{path}.{p.Name}", p.GetValue(value));
        }
    }
}
