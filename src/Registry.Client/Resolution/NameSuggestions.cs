using Registry.Core.Packages;

namespace Registry.Client.Resolution;

/// <summary>
/// "Did you mean": the names closest to a name that is not in the registry, by edit distance
/// between normalised names (<see cref="PackageName.Normalize"/>; a swap of two neighbouring
/// letters counts one edit, as in cargo's suggestions). A name is close when at most a third
/// of its characters (at least one) differ.
/// </summary>
public static class NameSuggestions
{
    public const int MaxSuggestions = 3;

    /// <summary>The candidates close to <paramref name="name"/>, closest first (ties by name), at most
    /// <see cref="MaxSuggestions"/>.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates)
    {
        var wanted = PackageName.Normalize(name);
        var limit = Math.Max(1, wanted.Length / 3);
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(wanted, PackageName.Normalize(c))))
            .Where(c => c.Distance > 0 && c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(MaxSuggestions)
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary>The phrase to append to a "not in the registry" message: <c>; did you mean 'alpha'?</c>, or
    /// empty.</summary>
    public static string DidYouMean(IReadOnlyList<string> names) =>
        names.Count == 0 ? "" : $"; did you mean {string.Join(" or ", names.Select(n => $"'{n}'"))}?";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
