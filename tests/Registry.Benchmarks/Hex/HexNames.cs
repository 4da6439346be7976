namespace Registry.Benchmarks.Hex;

/// <summary>Package names that look like Hex's: a made-up word, sometimes with a suffix
/// (<c>tavorin-ecto</c>).</summary>
internal static class HexNames
{
    private static readonly string[] Syllables =
    [
        "ab", "ex", "ph", "oe", "nix", "ec", "to", "plug", "ja", "son", "te", "le", "me", "try", "cow", "boy", "ran",
        "mint", "fin", "ob", "an", "sin", "the", "way", "nim", "ble", "bam", "boo", "dia", "ly", "ney", "tes", "la",
        "mox", "by", "qua", "tum", "tim", "dec", "cas", "tor", "gres", "sql", "doc", "ra", "zor", "vel", "ka", "li",
        "xir", "gen", "stage", "flow", "req", "mu", "ta",
    ];

    private static readonly string[] Suffixes =
    [
        "ex", "phoenix", "plug", "ecto", "live", "api", "client", "utils", "core", "web", "auth", "json", "http",
        "kafka", "redis", "sql", "test", "mock", "cli", "cache", "absinthe", "oban", "telemetry", "aws", "gcp", "html",
        "types", "parser", "sdk",
    ];

    /// <summary>Distinct names, already in normal form (only a-z, 0-9 and single '-'), so spelling never
    /// collides.</summary>
    public static string[] Generate(Random random, int count)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            var word = string.Concat(
                Enumerable.Range(0, 2 + random.Next(2)).Select(_ => Syllables[random.Next(Syllables.Length)]));
            var name = random.NextDouble() < 0.4 ? $"{word}-{Suffixes[random.Next(Suffixes.Length)]}" : word;
            var unique = name;
            for (var n = 2; !taken.Add(unique); n++)
            {
                unique = $"{name}{n}";
            }

            names[i] = unique;
        }

        return names;
    }
}
