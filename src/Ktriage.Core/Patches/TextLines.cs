namespace Ktriage.Core.Patches;

/// <summary>
/// The lines of a text as spans, split on '\n' like <c>string.Split('\n')</c> (a text ending in '\n' has a last, empty
/// line): the diff parser walks every line of every patch at ingest, and a string per line was most of its garbage.
/// </summary>
internal sealed class TextLines : IDisposable
{
    readonly string text;
    // starts[k] is where line k begins; starts[Length] is one past the text's end, so line k ends at starts[k + 1] - 1.
    int[] starts;

    public TextLines(string text)
    {
        this.text = text;
        starts = SmallPool<int>.Rent(16);
        var n = 0;
        starts[n++] = 0;
        for (var at = text.IndexOf('\n'); at >= 0; at = text.IndexOf('\n', at + 1))
        {
            if (n + 1 >= starts.Length) Grow();
            starts[n++] = at + 1;
        }
        if (n >= starts.Length) Grow();
        starts[n] = text.Length + 1;
        Length = n;
    }

    void Grow()
    {
        var bigger = SmallPool<int>.Rent(starts.Length * 2);
        starts.AsSpan().CopyTo(bigger);
        SmallPool<int>.Return(starts);
        starts = bigger;
    }

    public int Length { get; }

    public ReadOnlySpan<char> this[int i] => text.AsSpan(starts[i], starts[i + 1] - 1 - starts[i]);

    /// <summary>Line <paramref name="i"/> as a string.</summary>
    public string String(int i) => this[i].ToString();

    /// <summary>Lines <paramref name="first"/> to <paramref name="last"/>, each ended by '\n'.</summary>
    public string Section(int first, int last)
    {
        var end = starts[last + 1];
        return end <= text.Length ? text[starts[first]..end] : string.Concat(text.AsSpan(starts[first]), "\n");
    }

    public void Dispose()
    {
        SmallPool<int>.Return(starts);
        starts = [];
    }
}
