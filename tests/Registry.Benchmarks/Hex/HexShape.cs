using NuGet.Versioning;

namespace Registry.Benchmarks.Hex;

/// <summary>One generated package: its versions oldest first, in publish order (dependencies come earlier).</summary>
internal sealed record HexPackage(
    int Index,
    string Name,
    IReadOnlyList<HexVersion> Versions,
    int Depth,
    int BaseArtifactBytes)
{
    public HexVersion Latest => Versions[^1];
}

/// <summary>One version: its dependencies (earlier packages, NuGet ranges) and the compressed size aimed at.</summary>
internal sealed record HexVersion(NuGetVersion Version, IReadOnlyList<HexDependency> Dependencies, int ArtifactBytes);

internal sealed record HexDependency(int Package, string Range);

/// <summary>
/// A Hex-shaped registry, generated from a seed (same seed and sizes, same registry): version
/// counts follow a truncated power law (a few packages with hundreds of versions, a long tail
/// with 1-3); the first 20 packages are the hubs (most versions, no dependencies, most
/// dependents), the rest come in random order; each package depends on 0-8 earlier ones
/// (so publishing in index order is dependency order), picked by preferential attachment,
/// with a dependency depth of at most <see cref="MaxDepth"/>; compressed artifact sizes are
/// log-normal around 8 KB.
/// </summary>
internal sealed class HexShape
{
    public const int MaxDepth = 8;

    /// <summary>Changes whenever the generator would make other files from the same parameters (kept folders record
    /// it).</summary>
    public const int GeneratorVersion = 2;

    /// <summary>The first packages, without dependencies: the hubs the rest attach to.</summary>
    public const int Foundation = 20;

    private HexShape(IReadOnlyList<HexPackage> packages) => Packages = packages;

    public IReadOnlyList<HexPackage> Packages { get; }

    public int VersionCount => Packages.Sum(p => p.Versions.Count);

    public static HexShape Generate(int packages, int versions, int seed)
    {
        var random = new Random(seed);
        var counts = VersionCounts(random, packages, versions);
        var names = HexNames.Generate(random, packages);
        var depth = new int[packages];
        // Per depth: each package once, plus once per dependent, so a uniform pick is preferential attachment.
        var attachment = Enumerable.Range(0, MaxDepth + 1).Select(_ => new List<int>()).ToArray();
        var result = new List<HexPackage>(packages);
        for (var i = 0; i < packages; i++)
        {
            var dependencies = PickDependencies(random, i, depth, attachment);
            depth[i] = dependencies.Count == 0 ? 0 : 1 + dependencies.Max(d => depth[d]);
            attachment[depth[i]].Add(i);
            foreach (var d in dependencies)
            {
                attachment[depth[d]].Add(d);
            }

            var introducedAt = dependencies.ToDictionary(
                d => d,
                _ => random.NextDouble() < 0.7 ? 0 : random.Next(counts[i]));
            var numbers = VersionNumbers(random, counts[i]);
            var baseBytes = (int)Math.Clamp(Math.Exp(Math.Log(7500) + (0.8 * Gaussian(random))), 1500, 120_000);
            var list = new List<HexVersion>(counts[i]);
            for (var k = 0; k < counts[i]; k++)
            {
                var ranges = dependencies.Where(d => introducedAt[d] <= k)
                    .Select(d => new HexDependency(d, CompatibleRange(
                        result[d].Versions[(int)((long)(result[d].Versions.Count - 1) * (k + 1) / counts[i])].Version)))
                    .ToList();
                list.Add(new HexVersion(
                    numbers[k],
                    ranges,
                    (int)(baseBytes * (0.9 + (0.2 * random.NextDouble())) * (1 + (0.2 * k / counts[i])))));
            }

            result.Add(new HexPackage(i, names[i], list, depth[i], baseBytes));
        }

        return new HexShape(result);
    }

    /// <summary>The range a dependent would write for <paramref name="v"/>: same major (same minor for 0.x), at least
    /// v's minor.</summary>
    public static string CompatibleRange(NuGetVersion v) => v.Major > 0
        ? $"[{v.Major}.{v.Minor}.0, {v.Major + 1}.0.0)"
        : $"[0.{v.Minor}.0, 0.{v.Minor + 1}.0)";

    private static int[] VersionCounts(Random random, int packages, int versions)
    {
        var cap = Math.Max(3, Math.Min(300, versions / 10));
        var mean = (double)versions / packages;
        var alpha = mean > 1.05 ? (mean + 0.5) / (mean - 0.5) : 50;
        var counts = new int[packages];
        for (var i = 0; i < packages; i++)
        {
            do
            {
                counts[i] = (int)Math.Floor(Math.Pow(1 - random.NextDouble(), -1 / alpha));
            }
            while (counts[i] > cap);
        }

        // Hit the total exactly: growth goes to packages past the tail, shrinking takes from anyone.
        var sum = counts.Sum();
        while (sum < versions)
        {
            var i = random.Next(packages);
            if (counts[i] < cap && (counts[i] >= 3 || random.NextDouble() < 0.02))
            {
                counts[i]++;
                sum++;
            }
        }

        while (sum > versions)
        {
            var i = random.Next(packages);
            if (counts[i] > 1)
            {
                counts[i]--;
                sum--;
            }
        }

        // In random order, except that the 20 foundation packages (no dependencies, the first that
        // others attach to, so the hubs) get the largest counts: old hubs have the most releases.
        // So the registry as it stood after its first 1,000 packages is shaped like the whole.
        random.Shuffle(counts);
        var largest = Enumerable.Range(0, packages).OrderByDescending(i => counts[i]).ThenBy(i => i)
            .Take(Math.Min(Foundation, packages))
            .ToList();
        var foundation = largest.Select(i => counts[i]).ToList();
        var rest = Enumerable.Range(0, packages).Except(largest).Select(i => counts[i]).ToList();
        counts = [.. foundation, .. rest];
        return counts;
    }

    private static List<int> PickDependencies(Random random, int index, int[] depth, List<int>[] attachment)
    {
        var chosen = new List<int>();
        var r = random.NextDouble();
        var wanted = index < Foundation || r < 0.25
            ? 0
            : r < 0.5 ? 1 : r < 0.7 ? 2 : r < 0.82 ? 3 : r < 0.9 ? 4 : 5 + random.Next(4);
        if (wanted == 0)
        {
            return chosen;
        }

        // The depth this package will have: mostly shallow, a few up to MaxDepth. One dependency
        // comes from the level below it, the others from any shallower level, each picked by
        // preferential attachment (the more dependents, the likelier: hubs like jason or telemetry).
        var level = Pick(random, DepthWeights) + 1;
        while (attachment[level - 1].Count == 0)
        {
            level--;
        }

        for (var attempt = 0; chosen.Count < wanted && attempt < 40; attempt++)
        {
            var from = chosen.Count == 0 ? level - 1 : Math.Min(level - 1, Pick(random, DepthWeights));
            var pool = attachment[from];
            var j = pool.Count == 0 ? -1 : pool[random.Next(pool.Count)];
            if (j >= 0 && !chosen.Contains(j))
            {
                chosen.Add(j);
            }
        }

        return chosen;
    }

    /// <summary>Relative share of depths 1..8 among packages that have dependencies.</summary>
    private static readonly double[] DepthWeights = [30, 25, 17, 11, 7, 5, 3, 2];

    private static int Pick(Random random, double[] weights)
    {
        var x = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static List<NuGetVersion> VersionNumbers(Random random, int count)
    {
        var (major, minor, patch) = random.NextDouble() < 0.7 ? (0, 1, 0) : (1, 0, 0);
        var list = new List<NuGetVersion>(count);
        for (var k = 0; k < count; k++)
        {
            if (k > 0)
            {
                var r = random.NextDouble();
                (major, minor, patch) = r < 0.7
                    ? (major, minor, patch + 1)
                    : r < 0.96 ? (major, minor + 1, 0) : (major + 1, 0, 0);
            }

            list.Add(new NuGetVersion(major, minor, patch));
        }

        return list;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
