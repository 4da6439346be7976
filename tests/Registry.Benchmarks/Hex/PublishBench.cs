using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Benchmarks.Hex;

/// <summary>One publish of a new version through the CLI into one registry: medians over the samples, and what the
/// first sample wrote.</summary>
internal sealed record PublishFigures(
    string Registry,
    int Packages,
    double Seconds,
    double Files,
    double Bytes,
    IReadOnlyList<double> SampleSeconds,
    IReadOnlyList<string> FirstWrote)
{
    /// <summary>Of <see cref="Bytes"/>, what went to the transparency log (<c>log/</c>): median and max over the
    /// samples.</summary>
    public double LogBytes { get; init; }

    public double LogBytesMax { get; init; }
}

/// <summary>
/// <c>registry publish --store DIR --keys DIR FILE</c> as a separate process, timed from start
/// to exit, with the files and bytes it wrote taken from the store folder's listing before and
/// after (hidden files included). The package is a typical long-tail one from the first
/// <see cref="HexOptions.MiddlePackages"/>, so the same new versions go into each registry:
/// "empty" (init, then only this package's earlier versions), the middle one, and the full one.
/// </summary>
internal static class PublishBench
{
    public static async Task<double> StartupAsync(HexRun run)
    {
        var samples = new List<double>();
        for (var s = 0; s < run.Options.Samples; s++)
        {
            samples.Add((await run.Cli.RunAsync(["--version"])).Check("registry --version").Elapsed.TotalSeconds);
        }

        return Stats.Median(samples);
    }

    public static async Task<List<PublishFigures>> RunAsync(HexRun run)
    {
        var package = run.TypicalPackage(run.Options.MiddlePackages);
        var files = Enumerable.Range(0, run.Options.Samples)
            .Select(_ => run.WritePackage(package, run.NextVersion(package)))
            .ToList();
        Proc.Say($"publish: {run.Options.Samples} new versions of {package.Name} (has {package.Versions.Count} "
            + $"versions, {package.Latest.Dependencies.Count} dependencies) into each registry");

        var empty = Path.Combine(run.Workspace.Run, "empty", "site");
        var store = new FolderStore(empty);
        using (var keys = KeyRing.Load(run.Workspace.Keys))
        {
            await new RegistryInitializer(store, keys, TimeProvider.System).InitAsync(
                new InitOptions { Bins = run.Options.Bins, LogOrigin = run.Options.LogOrigin },
                default);
            var earlier = package.Versions.Select(v => BulkImport.Read(run.Shape, package, v, run.Options.Seed))
                .ToList();
            await new RegistryWriter(store, keys, TimeProvider.System).PublishAsync(
                earlier,
                new PublishOptions { SkipDependencyCheck = true },
                default);
        }

        return
        [
            await MeasureAsync(run, "empty", 1, empty, files, skipDependencyCheck: true),
            await MeasureAsync(
                run,
                "middle",
                run.Options.MiddlePackages,
                await run.Workspace.CloneAsync(run.Workspace.Middle, "middle"),
                files,
                false),
            await MeasureAsync(
                run,
                "full",
                run.Options.Packages,
                await run.Workspace.CloneAsync(run.Workspace.Full, "full"),
                files,
                false),
        ];
    }

    private static async Task<PublishFigures> MeasureAsync(
        HexRun run,
        string label,
        int packages,
        string site,
        List<string> files,
        bool skipDependencyCheck)
    {
        var seconds = new List<double>();
        var written = new List<WriteFigures>();
        foreach (var file in files)
        {
            var before = StoreFiles.List(site);
            string[] args = ["publish", "--store", site, "--keys", run.Workspace.Keys, .. skipDependencyCheck
                ? ["--skip-dependency-check"]
                : Array.Empty<string>(), file];
            var result = (await run.Cli.RunAsync(args)).Check(
                $"registry publish {Path.GetFileName(file)} into the {label} registry");
            seconds.Add(result.Elapsed.TotalSeconds);
            written.Add(StoreFiles.Diff(before, StoreFiles.List(site)));
        }

        var logBytes = written
            .Select(w => (double)w.Paths
                .Where(p => p.StartsWith("log/", StringComparison.Ordinal))
                .Sum(p => long.Parse(p[(p.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var figures = new PublishFigures(
            label,
            packages,
            Stats.Median(seconds),
            Stats.Median(written.Select(w => (double)w.Files)),
            Stats.Median(written.Select(w => (double)w.Bytes)),
            seconds,
            written[0].Paths)
        {
            LogBytes = Stats.Median(logBytes),
            LogBytesMax = logBytes.Max(),
        };
        Proc.Say($"publish into the {label} registry ({packages} packages): {figures.Seconds:0.000} s, {figures.Files} "
            + $"files, {figures.Bytes} bytes");
        return figures;
    }
}
