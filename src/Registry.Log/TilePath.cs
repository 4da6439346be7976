using System.Globalization;
using System.Text;

namespace Registry.Log;

/// <summary>
/// The C2SP tlog-tiles layout of a log under a store prefix: <c>checkpoint</c>, hash tiles
/// <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> of 256 hashes and entry bundles <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>,
/// with N written as 3-digit path elements (1234067 is <c>x001/x234/067</c>).
/// </summary>
public static class TilePath
{
    /// <summary>Hashes (or entries) in a full tile (tile height 8).</summary>
    public const int Width = 256;

    public const int Height = 8;

    public static string Checkpoint(string prefix) => prefix + "checkpoint";

    /// <summary>A hash tile; <paramref name="width"/> 256 is the full tile, 1..255 a partial one.</summary>
    public static string Hash(string prefix, int level, long index, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 63);
        return prefix + "tile/" + level.ToString(CultureInfo.InvariantCulture) + "/" + Index(index) + Partial(width);
    }

    /// <summary>An entry bundle; <paramref name="width"/> 256 is the full bundle.</summary>
    public static string Entries(string prefix, long index, int width) => prefix + "tile/entries/" + Index(index) + Partial(width);

    /// <summary>The number of hashes at <paramref name="level"/> (each the root of a full tile below) in a tree of <paramref name="size"/>.</summary>
    public static long HashesAtLevel(long size, int level) => level == 0 ? size : size >> (Height * level);

    /// <summary>The width of tile <paramref name="index"/> at a level with <paramref name="count"/> hashes (256 when full).</summary>
    public static int WidthOf(long index, long count)
    {
        var width = count - (index * Width);
        if (width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"tile {index} is beyond the {count} hashes of its level");
        }

        return (int)Math.Min(Width, width);
    }

    private static string Partial(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, Width);
        return width == Width ? "" : ".p/" + width.ToString(CultureInfo.InvariantCulture);
    }

    private static string Index(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var elements = new List<string>();
        do
        {
            elements.Add((index % 1000).ToString("000", CultureInfo.InvariantCulture));
            index /= 1000;
        }
        while (index > 0);

        var text = new StringBuilder();
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            text.Append(i > 0 ? "x" : "").Append(elements[i]).Append(i > 0 ? "/" : "");
        }

        return text.ToString();
    }
}
