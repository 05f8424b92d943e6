namespace Ktriage.Cli.Ingest;

/// <summary>
/// The GC heap limit of an ingest. Ingest streams, so what it keeps alive is small (~60 MiB on io-uring: the
/// parse-ahead window and the index queue; SQLite's caches are native); left alone the GC still lets garbage grow to
/// ~200 MiB between full collections (large-object heap, gen0 budget). A limit makes it collect sooner instead: on
/// io-uring the whole command's peak RSS 321 → 255 MiB for the same CPU time (bench/RESULTS.md, "Ingest memory").
/// The limit is 128 MiB plus room for the largest message seen so far (its text, the analysis' working copies and
/// the index fields of it are several times its size), so memory is bounded by the biggest message, never by the
/// archive. Should a message still not fit, its analysis is retried alone, then it is stored without analysis with
/// a note (<see cref="IngestPipeline"/>); the full-text fields fall back to its first MiB the same way (SearchFields.Of).
/// KTRIAGE_INGEST_HEAP_MB sets the base (0 = no limit).
/// </summary>
internal static class IngestMemory
{
    const long DefaultBaseMiB = 128;
    const long PerMessageByte = 12;
    static long baseBytes, current;

    public static void Limit()
    {
        var mib = long.TryParse(Environment.GetEnvironmentVariable("KTRIAGE_INGEST_HEAP_MB"), out var v) ? v : DefaultBaseMiB;
        if (mib <= 0) return;
        baseBytes = mib << 20;
        Set(baseBytes);
    }

    /// <summary>Makes room for a message of this many bytes (called before it is parsed, on the reader thread).</summary>
    public static void Fit(long messageBytes)
    {
        if (baseBytes == 0) return;
        var needed = baseBytes + PerMessageByte * messageBytes;
        if (needed > Interlocked.Read(ref current)) Set(needed);
    }

    static void Set(long bytes)
    {
        Interlocked.Exchange(ref current, bytes);
        AppContext.SetData("GCHeapHardLimit", (ulong)bytes);
        GC.RefreshMemoryLimit();
    }
}
