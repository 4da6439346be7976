using System.Globalization;
using System.Runtime.InteropServices;

namespace Registry.Benchmarks.Hex;

/// <summary>Every figure of one run (written as JSON with --json; the markdown table is made from it).</summary>
internal sealed record HexResults
{
    public required MachineFigures Machine { get; init; }

    public required string Commit { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required string Cli { get; init; }

    public required HexOptions Options { get; init; }

    public required ShapeFigures Shape { get; init; }

    public ImportFigures? Import { get; init; }

    /// <summary>The import ran in an earlier run (the one that generated the kept folder); its figures are that
    /// run's.</summary>
    public bool ImportReused { get; init; }

    public string? ImportCommit { get; init; }

    public double CliStartSeconds { get; init; }

    public IReadOnlyList<PublishFigures> Publish { get; init; } = [];

    public SizeFigures? Sizes { get; init; }

    public double ServeStartSeconds { get; init; }

    public InstallFigures? Install { get; init; }

    public IReadOnlyList<SyncCase>? Mirror { get; init; }

    public VerifyFigures? Verify { get; init; }

    public PeerFigures? Reprepro { get; init; }

    public double RunMinutes { get; init; }
}

internal sealed record MachineFigures(int Cores, string Cpu, double MemoryGiB, string Os, string Runtime)
{
    public static MachineFigures Current()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1]
                .Trim() ?? "?"
            : "?";
        var memory = File.Exists("/proc/meminfo")
            ? long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0
            : 0;
        return new MachineFigures(
            Environment.ProcessorCount,
            cpu,
            Math.Round(memory, 1),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription);
    }
}

/// <summary>What the generator made: how Hex-like it is.</summary>
internal sealed record ShapeFigures(
    int Packages,
    int Versions,
    int MiddleVersions,
    int MostVersions,
    double ShareWithAtMostThreeVersions,
    int MaxDepth,
    IReadOnlyDictionary<int, int> PackagesByDepth,
    double DependenciesPerLatestVersion,
    double GenerateSeconds)
{
    public static ShapeFigures Of(HexShape shape, int middle, double seconds) => new(
        shape.Packages.Count, shape.VersionCount, shape.Packages.Take(middle).Sum(p => p.Versions.Count), shape.Packages
            .Max(p => p.Versions.Count),
        shape.Packages.Count(p => p.Versions.Count <= 3) / (double)shape.Packages.Count, shape.Packages
            .Max(p => p.Depth),
        shape.Packages.GroupBy(p => p.Depth).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
        shape.Packages.Average(p => p.Latest.Dependencies.Count), seconds);
}
