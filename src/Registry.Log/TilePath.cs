using System.Globalization;
using System.Text;

namespace Registry.Log;

/// <summary>
/// The C2SP tlog-tiles layout of a log under a store prefix: <c>checkpoint</c>, hash tiles
/// <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> of 256 hashes and entry bundles
/// <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>, with N written as 3-digit path elements (1234067 is
/// <c>x001/x234/067</c>).
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
    public static string Entries(string prefix, long index, int width)
        => prefix + "tile/entries/" + Index(index) + Partial(width);

    /// <summary>The record a leaf entry (a record's SHA-256) names: <c>record/&lt;hex&gt;</c>, content-addressed and
    /// immutable.</summary>
    public static string Record(string prefix, ReadOnlySpan<byte> leafEntry)
        => prefix + "record/" + Convert.ToHexStringLower(leafEntry);

    /// <summary>The full tile or bundle that supersedes the partial <paramref name="key"/> (null: not a partial's
    /// key).</summary>
    public static string? FullOf(string key)
    {
        var partial = key.LastIndexOf(".p/", StringComparison.Ordinal);
        return partial > 0 && key.IndexOf('/', partial + 3) < 0 ? key[..partial] : null;
    }

    /// <summary>
    /// Whether a full tile or bundle at <paramref name="key"/> (no <c>.p/W</c>) lies wholly inside a tree of
    /// <paramref name="size"/>: the tree's partial tile at that position is then superseded.
    /// </summary>
    public static bool IsFullWithin(string prefix, string key, long size)
    {
        if (!key.StartsWith(prefix + "tile/", StringComparison.Ordinal)
            || key.Contains(".p/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[(prefix.Length + 5)..].Split('/');
        var level = parts[0] == "entries"
            ? 0
            : int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : -1;
        long index = 0;
        for (var i = 1; i < parts.Length; i++)
        {
            var digits = i < parts.Length - 1 ? (parts[i].StartsWith('x') ? parts[i][1..] : "") : parts[i];
            if (digits.Length != 3
                || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var element))
            {
                return false;
            }

            index = (index * 1000) + element;
        }

        return level is >= 0 and <= 63 && parts.Length > 1 && (index + 1) * Width <= HashesAtLevel(size, level);
    }

    /// <summary>The number of hashes at <paramref name="level"/> (each the root of a full tile below) in a tree of
    /// <paramref name="size"/>.</summary>
    public static long HashesAtLevel(long size, int level) => level == 0 ? size : size >> (Height * level);

    /// <summary>The width of tile <paramref name="index"/> at a level with <paramref name="count"/> hashes (256 when
    /// full).</summary>
    public static int WidthOf(long index, long count)
    {
        var width = count - (index * Width);
        if (width <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index),
                $"tile {index} is beyond the {count} hashes of its level");
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
