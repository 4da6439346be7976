using System.Diagnostics;
using System.Globalization;
using Registry.Benchmarks;
using static Registry.Benchmarks.Bench;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

// Benchmarks that print figures (medians, side by side in one run):
//   publish: what one publish of one new package (a 4 KiB artifact) reads and writes, in an
//            empty registry and in one holding N packages; --s3 BUCKET runs it on an S3 store
//            (endpoint and credentials from the AWS environment) and the store calls are requests.
//   mirror:  initial, incremental (k publishes) and unchanged syncs of an N-package registry.
//   hex:     a Hex-shaped registry (10,000 packages / 60,000 versions), measured as users run it:
//            publish, sizes, installs, mirror, verify, and reprepro side by side (docs/performance.md).
//            --nupkg publishes .nupkg files instead (4 KiB payload), into a registry with a NuGet feed,
//            and splits the bytes written into the signed commit and the NuGet view.
// dotnet run --project tests/Registry.Benchmarks -c Release -- [publish|mirror] [--packages 1000] [--samples 9] [--bins
// 256] [--s3 BUCKET] [--nupkg]
//   hex --view site|search: a derived view at Hex scale: built from scratch, and what one publish
//            writes with it on (commit and view apart), into the empty and the full registry; for search
// also cold queries over HTTP (requests, bytes); takes hex's options. 'site' is the same as 'hex --view site'.
//   dotnet run --project tests/Registry.Benchmarks -c Release -- hex --help
//   search:  the search index at Hex scale (docs/search.md): building it from scratch, a cold query's
//            files and bytes, the bytes a publish adds; --corpus FILE reads real names and descriptions
// dotnet run --project tests/Registry.Benchmarks -c Release -- search [--packages 10000] [--versions 60000] [--corpus
// FILE]
//   rebin:   one publish into a 100,000-package registry before and after 'registry rebin' to the best
//            bin count, and the rebin's own cost (docs/protocol.md, "How many bins").
//   dotnet run --project tests/Registry.Benchmarks -c Release -- rebin [--packages 100000] [--bins 256] [--to N]
if (args.FirstOrDefault() == "rebin")
{
    return await RebinBenchmark.RunAsync(args[1..]);
}

//   log:     the transparency log at Hex scale (60,000 commits): bytes an append writes into the empty and
//            the full log, the log's size, a cold install's extra bytes and requests (docs/protocol.md)
//   dotnet run --project tests/Registry.Benchmarks -c Release -- log [--commits 60000]
if (args.FirstOrDefault() == "log")
{
    return await LogBenchmark.RunAsync(args[1..]);
}

if (args.FirstOrDefault() == "search")
{
    return await SearchBenchmark.RunAsync(args[1..]);
}

if (args.FirstOrDefault() == "site")
{
    return await Registry.Benchmarks.Hex.ViewBench.RunAsync(args[1..], "site");
}

//   nuget-graph: our client and dotnet restore install one NuGet graph through a proxy that adds a
//            round-trip time (--rtt 0,50); time, requests, round trips, connections (docs/performance.md).
//   spike:   wrk through the Varnish edge at several concurrency levels, a publish during each run;
//            origin requests per level, edge throughput and p99 beside registry serve and nginx.
//   dotnet run --project tests/Registry.Benchmarks -c Release -- nuget-graph --help
//   dotnet run --project tests/Registry.Benchmarks -c Release -- spike --help
if (args.FirstOrDefault() == "nuget-graph")
{
    return await Registry.Benchmarks.Latency.LatencyBenchmark.RunAsync(args[1..]);
}

if (args.FirstOrDefault() == "spike")
{
    return await Registry.Benchmarks.Latency.SpikeBenchmark.RunAsync(args[1..]);
}

if (args.FirstOrDefault() == "hex")
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(Registry.Benchmarks.Hex.HexOptions.Usage);
        return 0;
    }

    var view = Array.IndexOf(args, "--view");
    if (view > 0 && view + 1 < args.Length)
    {
        return await Registry.Benchmarks.Hex.ViewBench
            .RunAsync([.. args[1..view], .. args[(view + 2)..]], args[view + 1]);
    }

    return await Registry.Benchmarks.Hex.HexBenchmark.RunAsync(args[1..]);
}

var packages = Arg(args, "--packages", 1000);
var samples = Arg(args, "--samples", 9);
var bins = Arg(args, "--bins", 256);
var s3Bucket = args.SkipWhile(a => a != "--s3").Skip(1).FirstOrDefault();
var nupkg = args.Contains("--nupkg");
var root = Path.Combine(Path.GetTempPath(), "registry-bench-" + Guid.NewGuid().ToString("N"));
if (args.FirstOrDefault() == "mirror")
{
    await MirrorBenchmark.RunAsync(root, packages, bins);
    return 0;
}

try
{
    var empty = await MeasureAsync(Path.Combine(root, "empty"), 0);
    var full = await MeasureAsync(Path.Combine(root, "full"), packages);
    Console.WriteLine($"publish of one new {(nupkg ? ".nupkg" : "package")} on "
        + $"{(s3Bucket is null ? "a folder" : $"s3://{s3Bucket}")}, {bins} bins, median of {samples} publishes (files "
        + $"written / bytes written / store requests / bytes read / ms{(nupkg ? " / NuGet view files, bytes" : "")})");
    Print("empty registry", empty);
    Print($"{packages}-package registry", full);
    Console.WriteLine($"ratio bytes written {packages}/empty: "
        + $"{Median(full, s => s.BytesWritten) / Median(empty, s => s.BytesWritten):0.00}");
    return 0;
}
finally
{
    if (Directory.Exists(root))
    {
        Directory.Delete(root, recursive: true);
    }
}

async Task<List<Sample>> MeasureAsync(string folder, int existing)
{
    var store = new CountingStore(s3Bucket is null
        ? new FolderStore(Path.Combine(folder, "site"))
        : new Registry.Store.S3.S3ObjectStore(Registry.Store.S3.S3StoreOptions
            .Parse($"s3://{s3Bucket}/{Path.GetFileName(root)}-{Path.GetFileName(folder)}")));
    using var keys = KeyRing.Load(Path.Combine(folder, "keys"));
    await new RegistryInitializer(store, keys, TimeProvider.System).InitAsync(new InitOptions {
        Bins = bins,
        Settings = new RegistrySettings { NuGetUrl = nupkg ? "https://cdn.example/registry/" : null } }, default);
    var writer = new RegistryWriter(
        store,
        keys,
        TimeProvider.System,
        new WriterOptions { Views = [new Registry.Core.NuGet.NuGetView()] });
    for (var start = 0; start < existing; start += 100)
    {
        var batch = Enumerable.Range(start, Math.Min(100, existing - start))
            .Select(i => nupkg ? Nupkg($"Existing.Lib{i}") : Package($"existing-{i}", "1.0.0"))
            .ToList();
        await writer.PublishAsync(batch, new PublishOptions(), default);
    }

    var results = new List<Sample>();
    for (var i = 0; i < samples; i++)
    {
        store.Reset();
        var clock = Stopwatch.StartNew();
        var result = await writer.PublishAsync(
            [nupkg ? Nupkg($"New.Lib{i}") : Package($"new-{i}", "1.0.0")],
            new PublishOptions(),
            default);
        clock.Stop();
        var view = result.Views.FirstOrDefault(v => v.View == Registry.Core.NuGet.NuGetView.ViewName);
        results.Add(new Sample(
            result.Stats!.FilesWritten + (view?.FilesWritten ?? 0),
            store.BytesWritten,
            store.Reads + store.Writes,
            store.BytesRead,
            clock.Elapsed.TotalMilliseconds,
            view?.FilesWritten ?? 0,
            view?.BytesWritten ?? 0));
    }

    return results;
}

static PackageFile Nupkg(string id) => Registry.Testing.NuGetPackages.Nupkg(id, "1.0.0", payloadBytes: 4096);

void Print(string label, List<Sample> s) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  {label,-24} {Median(s, x => x.Files),6:0} files {Median(s, x => x.BytesWritten),9:0} B written "
    + $"{Median(s, x => x.Reads),5:0} requests {Median(s, x => x.BytesRead),9:0} B read {Median(s, x => x.Ms),7:0.0} "
    + $"ms{(nupkg ? $" {Median(s, x => x.ViewFiles),3:0} view files {Median(s, x => x.ViewBytes),7:0} B" : "")}"));

internal sealed record Sample(
    int Files,
    long BytesWritten,
    int Reads,
    long BytesRead,
    double Ms,
    int ViewFiles = 0,
    long ViewBytes = 0);
