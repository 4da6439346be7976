using System.Diagnostics;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Benchmarks.Hex;

/// <summary>One import transaction: files in it, versions in the registry after it, its wall and CPU time (publish
/// only, not generation).</summary>
internal sealed record BatchFigure(int Files, int FirstPackage, int VersionsAfter, double WallMs, double CpuMs);

internal sealed record ImportFigures(
    int Versions,
    double PublishSeconds,
    double GenerateSeconds,
    double VersionsPerSecond,
    double StartWallMs,
    double EndWallMs,
    double StartCpuMs,
    double EndCpuMs,
    int StartVersions,
    IReadOnlyList<BatchFigure> Batches)
{
    public double CpuGrowth => EndCpuMs / StartCpuMs;

    public double WallGrowth => EndWallMs / StartWallMs;
}

/// <summary>
/// Imports the generated registry through the library (<see cref="RegistryWriter.PublishAsync"/>,
/// batches of N files in dependency order) into <c>full/site</c>, and copies the state reached
/// after the first <see cref="HexOptions.MiddlePackages"/> packages to <c>middle/site</c>.
/// </summary>
internal static class BulkImport
{
    private const int Window = 10;

    public static async Task<ImportFigures> RunAsync(HexShape shape, HexOptions options, Workspace workspace)
    {
        var store = new FolderStore(workspace.Full);
        using var keys = KeyRing.Load(workspace.Keys);
        await new RegistryInitializer(store, keys, TimeProvider.System).InitAsync(
            new InitOptions { Bins = options.Bins, LogOrigin = options.LogOrigin },
            default);
        var writer = new RegistryWriter(store, keys, TimeProvider.System);
        var order = shape.Packages.SelectMany(p => p.Versions.Select(v => (Package: p, Version: v))).ToList();
        var batches = new List<BatchFigure>();
        var generate = TimeSpan.Zero;
        var published = 0;
        var total = Stopwatch.StartNew();
        for (var start = 0; start < order.Count;)
        {
            var end = Math.Min(start + options.Batch, order.Count);
            var middleStart = order.FindIndex(start, end - start, x => x.Package.Index == options.MiddlePackages);
            if (middleStart == start && !Directory.Exists(workspace.Middle))
            {
                Proc.Say($"copying the {options.MiddlePackages}-package state to {workspace.Middle}");
                await Workspace.LinkCopyAsync(workspace.Full, workspace.Middle);
            }

            if (middleStart > start)
            {
                end = middleStart; // end the batch where the middle registry is complete
            }

            var clock = Stopwatch.StartNew();
            var files = new PackageFile[end - start];
            Parallel.For(
                start,
                end,
                i => files[i - start] = Read(shape, order[i].Package, order[i].Version, options.Seed));
            generate += clock.Elapsed;

            var cpu = Environment.CpuUsage.TotalTime;
            clock.Restart();
            await writer.PublishAsync(files, new PublishOptions(), default);
            var wall = clock.Elapsed.TotalMilliseconds;
            published += files.Length;
            batches.Add(new BatchFigure(
                files.Length,
                order[start].Package.Index,
                published,
                wall,
                (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds));
            if (batches.Count % 20 == 0 || end == order.Count)
            {
                var rate = published / (total.Elapsed - generate).TotalSeconds;
                Proc.Say($"imported {published}/{order.Count} versions, {rate:0.0} versions/s publishing; last batch "
                    + $"{wall:0} ms wall, {batches[^1].CpuMs:0} ms CPU; {total.Elapsed.TotalMinutes:0.0} min so far");
            }

            start = end;
        }

        var publishSeconds = batches.Sum(b => b.WallMs) / 1000;
        // Full batches past the hubs (a hub's many versions make a batch of one or two packages,
        // which touches few bins): from there on every batch is ~100 files of random packages,
        // so the first ten and the last ten differ only by the size of the registry.
        var full = batches.Where(b => b.Files == options.Batch).ToList();
        var first = full.Where(b => b.FirstPackage >= HexShape.Foundation).Take(Window).ToList();
        var last = full.TakeLast(Window).ToList();
        return new ImportFigures(published, publishSeconds, generate.TotalSeconds, published / publishSeconds,
            Stats.Median(first.Select(b => b.WallMs)), Stats.Median(last.Select(b => b.WallMs)),
            Stats.Median(first.Select(b => b.CpuMs)), Stats.Median(last.Select(b => b.CpuMs)), first.FirstOrDefault()?
                .VersionsAfter ?? 0, batches);
    }

    public static PackageFile Read(HexShape shape, HexPackage package, HexVersion version, int seed)
    {
        var bytes = HexArtifacts.Build(shape, package, version, seed);
        var fileName = $"{package.Name}-{version.Version.ToNormalizedString()}.tgz";
        var manifest = new TgzPackageFormat().Read(bytes, fileName, PackageLimits.Default);
        return new PackageFile(manifest, fileName, ".tgz", bytes);
    }
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1
                ? sorted[sorted.Count / 2]
                : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Median(IEnumerable<long> values) => Median(values.Select(v => (double)v));
}
