using System.Diagnostics;
using System.Globalization;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using static Registry.Benchmarks.Bench;

namespace Registry.Benchmarks;

/// <summary>
/// <c>rebin</c>: what one publish writes into an N-package registry (default 100,000) with the
/// starting bin count, the cost of <c>registry rebin</c> to the best count, and what one publish
/// writes after it (with the old bins still listed in the snapshot), beside the model of
/// docs/protocol.md. The filler packages carry 64-byte artifacts (only the index documents and
/// bins matter here); each measured publish is one new package with a 4 KiB artifact.
/// </summary>
internal static class RebinBenchmark
{
    public const string Usage = "dotnet run --project tests/Registry.Benchmarks -c Release -- rebin [--packages "
        + "100000] [--bins 256] [--to N (default: the best for --packages)] [--samples 9]";

    public static async Task<int> RunAsync(string[] args)
    {
        var packages = Arg(args, "--packages", 100_000);
        var bins = Arg(args, "--bins", 256);
        var to = Arg(args, "--to", HashBins.BestCountFor(packages));
        var samples = Arg(args, "--samples", 9);
        var root = Path.Combine(Path.GetTempPath(), "registry-rebin-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new CountingStore(new FolderStore(Path.Combine(root, "site")));
            using var keys = KeyRing.Load(Path.Combine(root, "keys"));
            await new RegistryInitializer(store, keys, TimeProvider.System).InitAsync(
                new InitOptions { Bins = bins },
                default);
            var writer = new RegistryWriter(store, keys, TimeProvider.System);
            var fill = Stopwatch.StartNew();
            for (var start = 0; start < packages; start += 5000)
            {
                var batch = Enumerable.Range(start, Math.Min(5000, packages - start))
                    .Select(i => Package($"existing-{i}", bytes: 64))
                    .ToList();
                await writer.PublishAsync(batch, new PublishOptions(), default);
                Console.Error.Write(
                    $"\rfilled {Math.Min(start + 5000, packages)}/{packages} packages "
                    + $"({fill.Elapsed.TotalSeconds:0} s)");
            }

            Console.Error.WriteLine();
            var before = await MeasureAsync(store, writer, "before", samples);
            store.Reset();
            var clock = Stopwatch.StartNew();
            var rebin = await writer.RebinAsync(to, default);
            clock.Stop();
            var rebinFigures = (store.Writes, store.BytesWritten, store.Reads, store.BytesRead, clock.Elapsed
                .TotalSeconds);
            var after = await MeasureAsync(store, writer, "after", samples);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one publish into a {packages}-package "
                + $"registry (index documents and bins; 4 KiB artifact), median of {samples}:"));
            Console.WriteLine(
                "  bins                      files  bytes written  of which snapshot  model (bin + snapshot)");
            Print($"{bins} bins", before, HashBins.PublishBytes(packages, bins));
            Print(
                $"{to} bins after rebin",
                after,
                HashBins.PublishBytes(packages, to, rebin.Plan.RetiredSnapshotEntries));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rebin {bins} -> {to}: {rebinFigures.Writes} files, {rebinFigures.BytesWritten / 1024.0:0} KiB "
                + $"written, {rebinFigures.Reads} reads, {rebinFigures.BytesRead / 1024.0:0} KiB read, "
                + $"{rebinFigures.Item5:0.0} s; the snapshot keeps {rebin.Plan.RetiredSnapshotEntries} retired bins"));
            var ratio = Median(after, s => s.Bytes) / Median(before, s => s.Bytes);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ratio bytes written after/before: {ratio:0.00}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private sealed record Figure(int Files, long Bytes, long SnapshotBytes);

    private static async Task<List<Figure>> MeasureAsync(
        CountingStore store,
        RegistryWriter writer,
        string label,
        int samples)
    {
        var figures = new List<Figure>();
        for (var i = 0; i < samples; i++)
        {
            store.Reset();
            var result = await writer.PublishAsync([Package($"new-{label}-{i}")], new PublishOptions(), default);
            var state = await RegistryState.LoadAsync(store.Inner, default);
            figures.Add(
                new Figure(result.Stats!.FilesWritten, store.BytesWritten, state.Snapshot.FileBytes.LongLength));
        }

        return figures;
    }

    private static void Print(
        string label,
        List<Figure> figures,
        double model) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {label,-24} {Median(figures, f => f.Files),6:0} {Median(figures, f => f.Bytes) / 1024,11:0.0} KiB "
        + $"{Median(figures, f => f.SnapshotBytes) / 1024,13:0.0} KiB {model / 1024,15:0.0} KiB"));
}
