using System.Diagnostics;
using Registry.Client;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Search;
using Registry.Serve;
using Registry.Site;

namespace Registry.Benchmarks.Hex;

/// <summary>
/// A derived view's cost at Hex scale (<c>hex --view site|search</c>; <c>site</c> is the first
/// name of the site mode): building the view of an existing registry from scratch (time, files,
/// bytes), then what one publish writes with the view on, split into the signed commit and the
/// view, into the empty registry (init and the package's earlier versions) and into the full one.
/// For search, also cold queries through <c>registry serve</c> over HTTP (requests and bytes, as
/// the page and <c>registry search</c> read them). The publishes and the syncs run through the
/// library (the view as the writer calls it: the commit's names, the bytes in hand); files and
/// bytes come from the store folder's listing before and after.
/// </summary>
internal static class ViewBench
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, string viewName)
    {
        IRegistryView view = viewName switch
        {
            SiteView.ViewName => new SiteView(),
            SearchView.ViewName => new SearchView(),
            _ => throw new ArgumentException($"--view: 'site' or 'search', not '{viewName}'"),
        };
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
                // marks the folder as this benchmark's (the view modes reuse full/site only)
                File.WriteAllText(Path.Combine(workspace.Root, "bench.json"), "{}");
            }
        }

        var run = new HexRun(shape, options, workspace, null!);
        var package = run.TypicalPackage(options.MiddlePackages);
        var full = await workspace.CloneAsync(workspace.Full, "full");
        var (seconds, build) = await BuildAsync(view, full);
        Console.WriteLine($"{view.Name} of {options.Packages} packages / {options.Versions} versions from scratch: "
            + $"{seconds:0.0} s, {build.Files} files, {build.Bytes} bytes ({build.Bytes / 1024.0 / 1024:0.0} MiB)");
        if (view is SearchView)
        {
            await ColdQueriesAsync(shape, full, options.Seed);
        }

        var empty = Path.Combine(workspace.Run, "empty", "site");
        using (var keys = KeyRing.Load(workspace.Keys))
        {
            await new RegistryInitializer(new FolderStore(empty), keys, TimeProvider.System).InitAsync(
                new InitOptions { Bins = options.Bins },
                default);
            var earlier = package.Versions.Select(v => BulkImport.Read(shape, package, v, options.Seed)).ToList();
            await new RegistryWriter(new FolderStore(empty), keys, TimeProvider.System).PublishAsync(
                earlier,
                new PublishOptions { SkipDependencyCheck = true },
                default);
        }

        await BuildAsync(view, empty);
        var versions = Enumerable.Range(0, options.Samples).Select(_ => run.NextVersion(package)).ToList();
        Console.WriteLine($"one publish of a new version of {package.Name} with the {view.Name} view on, median of "
            + $"{options.Samples} (files / bytes):");
        foreach (var (label, site) in new[] { ("empty", empty), ("full", full) })
        {
            var commit = new List<WriteFigures>();
            var written = new List<WriteFigures>();
            using var keys = KeyRing.Load(workspace.Keys);
            foreach (var version in versions)
            {
                var file = BulkImport.Read(shape, package, version, options.Seed);
                var before = StoreFiles.List(site);
                var store = new FolderStore(site);
                var result = await new RegistryWriter(store, keys, TimeProvider.System).PublishAsync(
                    [file],
                    new PublishOptions { SkipDependencyCheck = label == "empty" },
                    default);
                var committed = StoreFiles.List(site);
                var artifactKey = RegistryLayout.ArtifactKey(result.Packages[0].Artifact, result.Packages[0].Sha256);
                var known = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [artifactKey] = file.Content };
                await view.SyncAsync(Context(store, known), [package.Name], default);
                commit.Add(StoreFiles.Diff(before, committed));
                written.Add(StoreFiles.Diff(committed, StoreFiles.List(site)));
            }

            Console.WriteLine(
                $"  {label} registry, {view.Name} files of the first publish: " + string.Join(", ", written[0].Paths));
            Console.WriteLine($"  {label,-6} commit {Stats.Median(commit.Select(c => (double)c.Files)),4} files "
                + $"{Stats.Median(commit.Select(c => (double)c.Bytes)),9} bytes; {view.Name} "
                + $"{Stats.Median(written.Select(c => (double)c.Files)),4} files "
                + $"{Stats.Median(written.Select(c => (double)c.Bytes)),9} bytes");
        }

        return 0;
    }

    /// <summary>
    /// Cold queries over HTTP through <c>registry serve</c>: for 100 packages of the registry, its
    /// name, a 3-5 character prefix of it and one of its description words; each query a new reader
    /// (no cache). Requests and bytes are the shard files <see cref="SearchQuery"/> fetched.
    /// </summary>
    private static async Task ColdQueriesAsync(HexShape shape, string site, int seed)
    {
        var random = new Random(seed);
        var state = await RegistryState.LoadAsync(new FolderStore(site), default);
        await using var server = await RegistryServer.StartAsync(site, 0);
        var figures = new List<(int Files, long Bytes)>();
        var clock = new List<double>();
        var first = 0;
        for (var i = 0; i < 100; i++)
        {
            var package = shape.Packages[random.Next(shape.Packages.Count)];
            var path = RegistryLayout.IndexPath(package.Name);
            var index = IndexJson.ParseIndex((await state.ReadTargetOrNullAsync(path, default))!, path);
            var entry = SearchText.EntryOf(index);
            var described = entry?.Words.Where(w => w != index.Name && !SearchText.Tokens(index.Name).Contains(w))
                .ToList() ?? [];
            var queries = new List<string> {
                package.Name,
                package.Name[..Math.Min(package.Name.Length, 3 + random.Next(3))] };
            if (described.Count > 0)
            {
                queries.Add(described[random.Next(described.Count)]);
            }

            foreach (var (query, nth) in queries.Select((q, n) => (q, n)))
            {
                using var reader = new HttpObjectReader(server.BaseUri);
                var watch = Stopwatch.StartNew();
                var answer = await SearchQuery.RunAsync(reader, query, 20, default);
                clock.Add(watch.Elapsed.TotalMilliseconds);
                figures.Add((answer.Files, answer.Bytes));
                if (nth == 0 && answer.Results.FirstOrDefault()?.Name == package.Name)
                {
                    first++;
                }
            }
        }

        Console.WriteLine($"cold search over HTTP ({figures.Count} queries: name, name prefix, description word): "
            + $"requests median {Stats.Median(figures.Select(f => (double)f.Files))}, max {figures.Max(f => f.Files)}; "
            + $"bytes median {Stats.Median(figures.Select(f => (double)f.Bytes)) / 1024.0:0.0} KiB, max "
            + $"{figures.Max(f => f.Bytes) / 1024.0:0.0} KiB; time median {Stats.Median(clock):0} ms; exact name first "
            + $"{first} of 100");
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

    private static async Task<(double Seconds, WriteFigures Written)> BuildAsync(IRegistryView view, string site)
    {
        var before = StoreFiles.List(site);
        var clock = Stopwatch.StartNew();
        await view.SyncAsync(Context(new FolderStore(site)), null, default);
        return (clock.Elapsed.TotalSeconds, StoreFiles.Diff(before, StoreFiles.List(site)));
    }
}
