using System.Globalization;
using NuGet.Versioning;
using Registry.Core.Packages;

namespace Registry.Benchmarks;

/// <summary>What the benchmarks of this program share: their options, their medians, their packages.</summary>
internal static class Bench
{
    /// <summary>
    /// The integer after <paramref name="name"/> in <paramref name="args"/>, else <paramref name="fallback"/>.
    /// </summary>
    public static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The median of the picked figure (the mean of the middle two for an even count).</summary>
    public static double Median<T>(IEnumerable<T> samples, Func<T, double> pick)
    {
        var sorted = samples.Select(pick).Order().ToList();
        return sorted.Count % 2 == 1
            ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>A package with a description and <paramref name="bytes"/> random bytes as its artifact.</summary>
    public static PackageFile Package(string name, string version = "1.0.0", int bytes = 4096)
    {
        var content = new byte[bytes];
        Random.Shared.NextBytes(content);
        return new PackageFile(new PackageManifest
        {
            Name = name,
            Version = NuGetVersion.Parse(version),
            Dependencies = new Dictionary<string, VersionRange>(),
            Description = $"benchmark package {name}",
        }, name + ".tgz", ".tgz", content);
    }
}
