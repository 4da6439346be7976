using System.Diagnostics;
using Registry.Core;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Site;

namespace Registry.Benchmarks.Hex;

/// <summary>
/// The web site's cost at Hex scale (<c>site</c> mode): building the site of an existing
/// registry from scratch (time, files, bytes), then what one publish writes with the site on,
/// split into the signed commit and the site, into the empty registry (init and the package's
/// earlier versions) and into the full one. The publishes and the site syncs run through the
/// library (the site view as the writer will call it: the commit's names, the bytes in hand);
/// files and bytes come from the store folder's listing before and after.
/// </summary>
internal static class SiteBench
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = HexOptions.Parse(args);
        var shape = HexShape.Generate(options.Packages, options.Versions, options.Seed);
        using var workspace = Workspace.Open(options.Keep);
        if (!Directory.Exists(workspace.Full))
        {
            workspace.ClearRegistries();
            var import = await BulkImport.RunAsync(shape, options, workspace);
            Proc.Say($"imported {import.Versions} versions in {import.PublishSeconds:0} s");
            if (options.Keep is not null)
            {
                File.WriteAllText(Path.Combine(workspace.Root, "bench.json"), "{}"); // marks the folder as this benchmark's (the site mode reuses full/site only)
            }
        }

        var run = new HexRun(shape, options, workspace, null!);
        var package = run.TypicalPackage(options.MiddlePackages);
        var full = await workspace.CloneAsync(workspace.Full, "full");
        var (seconds, build) = await BuildAsync(full);
        Console.WriteLine($"site of {options.Packages} packages / {options.Versions} versions from scratch: {seconds:0.0} s, {build.Files} files, {build.Bytes} bytes ({build.Bytes / 1024.0 / 1024:0.0} MiB)");

        var empty = Path.Combine(workspace.Run, "empty", "site");
        using (var keys = KeyRing.Load(workspace.Keys))
        {
            await new RegistryInitializer(new FolderStore(empty), keys, TimeProvider.System).InitAsync(new InitOptions { Bins = options.Bins }, default);
            var earlier = package.Versions.Select(v => BulkImport.Read(shape, package, v, options.Seed)).ToList();
            await new RegistryWriter(new FolderStore(empty), keys, TimeProvider.System).PublishAsync(earlier, new PublishOptions { SkipDependencyCheck = true }, default);
        }

        await BuildAsync(empty);
        var versions = Enumerable.Range(0, options.Samples).Select(_ => run.NextVersion(package)).ToList();
        Console.WriteLine($"one publish of a new version of {package.Name} with the site on, median of {options.Samples} (files / bytes):");
        foreach (var (label, site) in new[] { ("empty", empty), ("full", full) })
        {
            var commit = new List<WriteFigures>();
            var view = new List<WriteFigures>();
            using var keys = KeyRing.Load(workspace.Keys);
            foreach (var version in versions)
            {
                var file = BulkImport.Read(shape, package, version, options.Seed);
                var before = StoreFiles.List(site);
                var store = new FolderStore(site);
                var result = await new RegistryWriter(store, keys, TimeProvider.System).PublishAsync([file], new PublishOptions { SkipDependencyCheck = label == "empty" }, default);
                var committed = StoreFiles.List(site);
                var known = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [RegistryLayout.ArtifactKey(result.Packages[0].Artifact, result.Packages[0].Sha256)] = file.Content };
                await new SiteView().SyncAsync(Context(store, known), [package.Name], default);
                commit.Add(StoreFiles.Diff(before, committed));
                view.Add(StoreFiles.Diff(committed, StoreFiles.List(site)));
            }

            Console.WriteLine($"  {label} registry, site files of the first publish: " + string.Join(", ", view[0].Paths));
            Console.WriteLine($"  {label,-6} commit {Stats.Median(commit.Select(c => (double)c.Files)),4} files {Stats.Median(commit.Select(c => (double)c.Bytes)),9} bytes; site {Stats.Median(view.Select(c => (double)c.Files)),4} files {Stats.Median(view.Select(c => (double)c.Bytes)),9} bytes");
        }

        return 0;
    }

    private static ViewContext Context(FolderStore store, IReadOnlyDictionary<string, byte[]>? known = null) => new()
    {
        Store = store,
        BaseUrl = "https://cdn.example/registry/",
        CachePolicy = new CachePolicy(60),
        LoadState = ct => RegistryState.LoadAsync(store, ct),
        Time = TimeProvider.System,
        KnownArtifacts = known ?? new Dictionary<string, byte[]>(StringComparer.Ordinal),
    };

    private static async Task<(double Seconds, WriteFigures Written)> BuildAsync(string site)
    {
        var before = StoreFiles.List(site);
        var clock = Stopwatch.StartNew();
        await new SiteView().SyncAsync(Context(new FolderStore(site)), null, default);
        return (clock.Elapsed.TotalSeconds, StoreFiles.Diff(before, StoreFiles.List(site)));
    }
}
