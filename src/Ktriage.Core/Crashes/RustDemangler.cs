using System.Text;

namespace Ktriage.Core.Crashes;

/// <summary>
/// Rust "v0" symbol demangling (RFC 2603) for kernel stack frames: "_RNvNtCs…_4core9panicking9panic_fmt" →
/// "core::panicking::panic_fmt", trait impls as "&lt;ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice&gt;::mmap".
/// syzkaller titles Rust panics by the demangled frame. Hand-written because no .NET library does v0; it covers
/// paths, impls, generics, backrefs and the common types, and gives the symbol back unchanged when it meets
/// anything else (a wrong name is worse than a mangled one).
/// </summary>
public static class RustDemangler
{
    /// <summary>The demangled name, or <paramref name="symbol"/> itself when it is not a v0 symbol we can read.</summary>
    public static string Demangle(string symbol)
    {
        if (!symbol.StartsWith("_R", StringComparison.Ordinal) || symbol.Length < 4) return symbol;
        try
        {
            var p = new Parser(symbol, 2);
            // An optional encoding version (decimal) precedes the path.
            if (char.IsAsciiDigit(p.Peek)) return symbol;
            var sb = new StringBuilder();
            p.Path(sb, depth: 0);
            // An instantiating crate may follow; anything else means we misread the symbol.
            if (!p.AtEnd && p.Peek != 'C') return symbol;
            return sb.ToString();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return symbol;
        }
    }

    sealed class Parser(string s, int pos)
    {
        // Backrefs are relative to the character after "_R".
        readonly int origin = 2;
        int pos = pos;
        const int MaxDepth = 64;

        public char Peek => pos < s.Length ? s[pos] : '\0';
        public bool AtEnd => pos >= s.Length;

        char Next() => pos < s.Length ? s[pos++] : throw new FormatException();

        bool Eat(char c)
        {
            if (Peek != c) return false;
            pos++;
            return true;
        }

        public void Path(StringBuilder sb, int depth)
        {
            if (depth > MaxDepth) throw new FormatException();
            char c = Next();
            switch (c)
            {
                case 'C': // crate root
                    sb.Append(Identifier().Name);
                    break;
                case 'M': // inherent impl: <Type>
                    ImplPath(depth);
                    sb.Append('<');
                    Type(sb, depth + 1);
                    sb.Append('>');
                    break;
                case 'X': // trait impl: its impl-path, then <Type as Trait> like a trait definition
                    ImplPath(depth);
                    goto case 'Y';
                case 'Y': // trait definition: <Type as Trait>
                    sb.Append('<');
                    Type(sb, depth + 1);
                    sb.Append(" as ");
                    Path(sb, depth + 1);
                    sb.Append('>');
                    break;
                case 'N':
                {
                    char ns = Next();
                    if (!char.IsAsciiLetter(ns)) throw new FormatException();
                    Path(sb, depth + 1);
                    var (name, disambiguator) = Identifier();
                    if (char.IsAsciiLetterUpper(ns))
                    {
                        // Special namespaces: closures and shims print as {closure#N}.
                        sb.Append("::{").Append(ns == 'C' ? "closure" : ns == 'S' ? "shim" : ns.ToString());
                        if (name.Length > 0) sb.Append(':').Append(name);
                        sb.Append('#').Append(disambiguator).Append('}');
                    }
                    else if (name.Length > 0) sb.Append("::").Append(name);
                    break;
                }
                case 'I': // generic arguments
                    Path(sb, depth + 1);
                    sb.Append("::<");
                    GenericArgs(sb, depth);
                    sb.Append('>');
                    break;
                case 'B':
                    Backref(depth).Path(sb, depth + 1);
                    break;
                default:
                    throw new FormatException();
            }
        }

        void ImplPath(int depth)
        {
            Disambiguator();
            // The impl's own path is not printed.
            Path(new StringBuilder(), depth + 1);
        }

        void GenericArgs(StringBuilder sb, int depth)
        {
            for (bool first = true; !Eat('E'); first = false)
            {
                if (!first) sb.Append(", ");
                if (Eat('L')) { Base62(); sb.Append("'_"); }
                else if (Eat('K')) Const(sb);
                else Type(sb, depth + 1);
            }
        }

        void Const(StringBuilder sb)
        {
            if (Eat('p')) { sb.Append('_'); return; }
            if (Eat('B')) { Backref(0).Const(sb); return; }
            Next(); // the const's type
            bool negative = Eat('n');
            var hex = new StringBuilder();
            while (!Eat('_')) hex.Append(Next());
            sb.Append(negative ? "-" : "").Append(hex.Length == 0 ? "0" : "0x" + hex);
        }

        static readonly Dictionary<char, string> Basic = new()
        {
            ['a'] = "i8", ['b'] = "bool", ['c'] = "char", ['d'] = "f64", ['e'] = "str", ['f'] = "f32", ['h'] = "u8",
            ['i'] = "isize", ['j'] = "usize", ['l'] = "i32", ['m'] = "u32", ['n'] = "i128", ['o'] = "u128",
            ['s'] = "i16", ['t'] = "u16", ['u'] = "()", ['v'] = "...", ['x'] = "i64", ['y'] = "u64", ['z'] = "!", ['p'] = "_",
        };

        void Type(StringBuilder sb, int depth)
        {
            if (depth > MaxDepth) throw new FormatException();
            char c = Peek;
            if (Basic.TryGetValue(c, out var basic)) { pos++; sb.Append(basic); return; }
            switch (c)
            {
                case 'R' or 'Q':
                    pos++;
                    if (Eat('L')) Base62();
                    sb.Append(c == 'R' ? "&" : "&mut ");
                    Type(sb, depth + 1);
                    return;
                case 'P' or 'O':
                    pos++;
                    sb.Append(c == 'P' ? "*const " : "*mut ");
                    Type(sb, depth + 1);
                    return;
                case 'A':
                    pos++;
                    sb.Append('[');
                    Type(sb, depth + 1);
                    sb.Append("; ");
                    Eat('K');
                    Const(sb);
                    sb.Append(']');
                    return;
                case 'S':
                    pos++;
                    sb.Append('[');
                    Type(sb, depth + 1);
                    sb.Append(']');
                    return;
                case 'T':
                    pos++;
                    sb.Append('(');
                    for (bool first = true; !Eat('E'); first = false)
                    {
                        if (!first) sb.Append(", ");
                        Type(sb, depth + 1);
                    }
                    sb.Append(')');
                    return;
                case 'B':
                    pos++;
                    Backref(depth).Type(sb, depth + 1);
                    return;
                case 'C' or 'M' or 'X' or 'Y' or 'N' or 'I':
                    Path(sb, depth + 1);
                    return;
                default:
                    // fn pointers and dyn traits: rare in kernel frames, and long; not worth guessing.
                    throw new FormatException();
            }
        }

        Parser Backref(int depth)
        {
            if (depth > MaxDepth) throw new FormatException();
            ulong at = Base62();
            if (at >= (ulong)(pos - origin)) throw new FormatException(); // only backwards
            return new Parser(s, origin + (int)at);
        }

        // Crate disambiguators are 64-bit hashes: wrap around, only backrefs need the value and they are small.
        ulong Base62()
        {
            if (Eat('_')) return 0;
            ulong v = 0;
            for (char c; (c = Next()) != '_';)
            {
                int d = c switch
                {
                    >= '0' and <= '9' => c - '0',
                    >= 'a' and <= 'z' => c - 'a' + 10,
                    >= 'A' and <= 'Z' => c - 'A' + 36,
                    _ => throw new FormatException(),
                };
                v = unchecked(v * 62 + (ulong)d);
            }
            return unchecked(v + 1);
        }

        ulong Disambiguator() => Eat('s') ? unchecked(Base62() + 1) : 0;

        (string Name, ulong Disambiguator) Identifier()
        {
            ulong dis = Disambiguator();
            bool punycode = Eat('u');
            int len = 0;
            if (!char.IsAsciiDigit(Peek)) throw new FormatException();
            if (Peek == '0') { pos++; }
            else
                while (char.IsAsciiDigit(Peek))
                    if ((len = len * 10 + (Next() - '0')) > s.Length) throw new FormatException();
            // A '_' separates the length from a name that starts with a digit or '_'.
            Eat('_');
            if (pos + len > s.Length) throw new FormatException();
            var name = s.Substring(pos, len);
            pos += len;
            if (punycode) throw new FormatException(); // non-ASCII identifiers: not in the kernel
            return (name, dis);
        }
    }
}
