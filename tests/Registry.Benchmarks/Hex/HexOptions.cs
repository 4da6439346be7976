using System.Globalization;

namespace Registry.Benchmarks.Hex;

/// <summary>The options of the <c>hex</c> mode (see <see cref="HexBenchmark"/> for what it measures).</summary>
internal sealed record HexOptions
{
    public int Packages { get; init; } = 10_000;

    public int Versions { get; init; } = 60_000;

    public int Bins { get; init; } = 256;

    public int Seed { get; init; } = 1;

    public int Samples { get; init; } = 5;

    /// <summary>Files per import transaction.</summary>
    public int Batch { get; init; } = 100;

    /// <summary>Keeps the generated registries (and keys, and the peer's repository) here between runs.</summary>
    public string? Keep { get; init; }

    /// <summary>The peer to compare against: only <c>reprepro</c> so far.</summary>
    public string? Peer { get; init; }

    public string? Json { get; init; }

    /// <summary>A prebuilt CLI (the <c>registry</c> executable or <c>registry.dll</c>); default: <c>dotnet publish
    /// src/Registry.Cli -c Release</c>.</summary>
    public string? Cli { get; init; }

    /// <summary>Skips the mirror's initial sync (the longest step after the import) and what depends on it.</summary>
    public bool SkipMirror { get; init; }

    /// <summary>Makes every registry with a transparency log (<c>init --log</c>) and adds the log's rows.</summary>
    public bool Log { get; init; }

    /// <summary>The log origin the registries get with <see cref="Log"/>, or null.</summary>
    public string? LogOrigin => Log ? "bench.example/log" : null;

    /// <summary>Only generates: prints the shape and the sizes of a sample of artifacts, then stops.</summary>
    public bool DryRun { get; init; }

    public const string Usage = """
        usage: dotnet run --project tests/Registry.Benchmarks -c Release -- hex [options]
          --packages N     packages to generate (10000)
          --versions N     versions in all, >= packages (60000)
          --bins N         hashed bins at init (256)
          --seed N         generator seed (1); same seed and sizes, same registry
          --samples N      repetitions of each timed step; medians are reported (5)
          --batch N        files per import transaction (100)
          --keep DIR       keep the generated registries in DIR and reuse them next time
          --peer reprepro  also time reprepro publishing one .deb into an apt repository of N packages
          --json FILE      write every figure as JSON
          --cli PATH       use this registry executable (or registry.dll) instead of publishing src/Registry.Cli
          --skip-mirror    leave out the mirror syncs
          --log            registries with a transparency log (init --log): adds the log's rows
          --dry-run        only generate: print the shape and a sample of artifact sizes
        """;

    public static HexOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HexOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value()
                => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--packages" => options with { Packages = Number() },
                "--versions" => options with { Versions = Number() },
                "--bins" => options with { Bins = Number() },
                "--seed" => options with { Seed = Number() },
                "--samples" => options with { Samples = Number() },
                "--batch" => options with { Batch = Number() },
                "--keep" => options with { Keep = Path.GetFullPath(Value()) },
                "--peer" => options with { Peer = Value() },
                "--json" => options with { Json = Path.GetFullPath(Value()) },
                "--cli" => options with { Cli = Path.GetFullPath(Value()) },
                "--skip-mirror" => options with { SkipMirror = true },
                "--log" => options with { Log = true },
                "--dry-run" => options with { DryRun = true },
                _ => throw new ArgumentException($"unknown option {args[i]}\n{Usage}"),
            };
        }

        if (options.Packages < 10 || options.Versions < options.Packages || options.Samples < 1 || options.Batch < 1)
        {
            throw new ArgumentException(
                $"need --packages >= 10, --versions >= --packages, --samples >= 1, --batch >= 1\n{Usage}");
        }

        if (options.Peer is not (null or "reprepro"))
        {
            throw new ArgumentException($"--peer: only 'reprepro' is known\n{Usage}");
        }

        return options;
    }

    /// <summary>The packages of the middle registry: the first 1,000 (or a tenth, for small runs).</summary>
    public int MiddlePackages => Packages >= 2000 ? 1000 : Math.Max(1, Packages / 10);
}
