using System.Runtime.InteropServices;

namespace Registry.Core.Packages.Internal;

/// <summary>A read-only stream over a package's bytes, without copying them when they are an array.</summary>
internal static class ContentStream
{
    public static MemoryStream Open(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
