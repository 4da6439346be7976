using Registry.Core.Packages;

namespace Registry.Benchmarks.Latency;

/// <summary>
/// The graph both clients install: <see cref="Levels"/> levels of NuGet packages
/// (<c>Graph.L0.P0</c> ...), each package of a level depending on two or three of the next, every
/// package of a level needed by one above it, the project depending on every package of level 0;
/// each package in two versions (1.0.0 and 1.1.0, ranges <c>[1.0.0, 2.0.0)</c>), and
/// <see cref="Fillers"/> unrelated packages so the bins hold other names too. Seeded: the same
/// sizes give the same graph.
/// </summary>
internal sealed class NuGetGraph
{
    private NuGetGraph(int packages, int levels, int fillers, int seed)
    {
        Levels = levels;
        Fillers = fillers;
        var random = new Random(seed);
        var perLevel = packages / levels;
        for (var level = 0; level < levels; level++)
        {
            var ids = Enumerable.Range(0, perLevel + (level < packages % levels ? 1 : 0))
                .Select(i => $"Graph.L{level}.P{i}")
                .ToList();
            Level.Add(ids);
        }

        for (var level = 0; level + 1 < levels; level++)
        {
            var below = Level[level + 1];
            var unclaimed = new Queue<string>(below.OrderBy(_ => random.Next()));
            foreach (var id in Level[level])
            {
                var picks = new HashSet<string>(StringComparer.Ordinal);
                if (unclaimed.Count > 0)
                {
                    picks.Add(unclaimed.Dequeue());
                }

                while (picks.Count < Math.Min(2 + random.Next(2), below.Count))
                {
                    picks.Add(below[random.Next(below.Count)]);
                }

                Dependencies[id] = [.. picks.Order(StringComparer.Ordinal)];
            }

            // Whatever the first pass left unclaimed goes to a random package of the level above.
            foreach (var id in unclaimed)
            {
                var parent = Level[level][random.Next(Level[level].Count)];
                Dependencies[parent] = [.. Dependencies[parent].Append(id).Distinct().Order(StringComparer.Ordinal)];
            }
        }

        foreach (var id in Level[levels - 1])
        {
            Dependencies[id] = [];
        }
    }

    public const string Range = "[1.0.0, 2.0.0)";

    public static readonly string[] Versions = ["1.0.0", "1.1.0"];

    public int Levels { get; }

    public int Fillers { get; }

    public List<List<string>> Level { get; } = [];

    public Dictionary<string, string[]> Dependencies { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> All => Level.SelectMany(l => l);

    /// <summary>What the project asks for: every package of level 0.</summary>
    public IReadOnlyList<string> Direct => Level[0];

    public static NuGetGraph Create(int packages, int depth, int fillers, int seed = 1)
        => new(packages, depth, fillers, seed);

    /// <summary>The .nupkg files to publish, dependencies first (level by level from the bottom), then the
    /// fillers.</summary>
    public IEnumerable<PackageFile> Files(int payloadBytes)
    {
        foreach (var level in Enumerable.Range(0, Levels).Reverse())
        {
            foreach (var id in Level[level])
            {
                foreach (var version in Versions)
                {
                    yield return Registry.Testing.NuGetPackages
                        .Nupkg(id, version, [.. Dependencies[id].Select(d => (d, Range))], payloadBytes);
                }
            }
        }

        for (var i = 0; i < Fillers; i++)
        {
            yield return Registry.Testing.NuGetPackages.Nupkg($"Filler.P{i}", "1.0.0", payloadBytes: payloadBytes);
        }
    }
}
