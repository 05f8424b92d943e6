using System.Buffers;

namespace Ktriage.Core;

/// <summary>
/// <see cref="ArrayPool{T}.Shared"/> for scratch arrays up to <see cref="MaxLength"/> elements; larger ones are plain
/// allocations. The shared pool keeps what is returned to it, and a message can be 64 MiB: pooling its buffers would
/// hold tens of MiB for the rest of an ingest that must stay under its memory budget.
/// </summary>
internal static class SmallPool<T>
{
    public const int MaxLength = 1 << 16;

    public static T[] Rent(int length) => length <= MaxLength ? ArrayPool<T>.Shared.Rent(length) : new T[length];

    public static void Return(T[] array)
    {
        if (array.Length is > 0 and <= MaxLength) ArrayPool<T>.Shared.Return(array);
    }
}
