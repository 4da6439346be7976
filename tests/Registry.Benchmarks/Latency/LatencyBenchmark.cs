using System.Globalization;
using System.Text.Json;
using Registry.Benchmarks.Hex;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Benchmarks.Latency;

/// <summary>One client run: wall time and what the proxy saw.</summary>
internal sealed record ClientRun(double Seconds, int Requests, int RoundTrips, int Connections);

/// <summary>
/// <c>nuget-graph</c>: the same NuGet graph installed by our client (<c>registry install</c>) and by
/// <c>dotnet restore</c> from the registry's NuGet feed, both through one <see cref="DelayProxy"/>
/// in front of <c>registry serve</c>, at each round-trip time asked for; medians of the samples,
/// all in one run. Round trips are reconstructed from the proxy's log and connections counted
/// there, outside the clients.
/// </summary>
internal static class LatencyBenchmark
{
    public const string Usage = """
        nuget-graph: our client against dotnet restore on one NuGet graph, through a proxy that adds a round-trip time
          --rtt 0,50         round-trip times in ms added per request and per new connection
          --samples 5        samples per case (medians are printed)
          --packages 60      packages in the graph (two versions each)
          --depth 6          dependency depth (levels of the graph)
          --fillers 500      unrelated packages in the registry
          --bins 256         hashed bins
          --payload 8192     bytes of incompressible payload per .nupkg
          --cli PATH         the registry executable to measure (default: dotnet publish src/Registry.Cli)
          --skip-restore     leave out dotnet restore
          --baseline PATH    also measure this registry executable (e.g. main's) as our client, in the same run
          --keep             keep the work folder (registry, homes, projects) and print where
          --json FILE        write every figure as JSON
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        var rtts = Text("--rtt", "0,50").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList();
        var samples = Number("--samples", 5);
        var graph = NuGetGraph.Create(Number("--packages", 60), Number("--depth", 6), Number("--fillers", 500));
        var work = Path.Combine(Path.GetTempPath(), "registry-bench-latency-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            await using var proxy = await DelayProxy.StartAsync();
            var site = Path.Combine(work, "site");
            await BuildRegistryAsync(
                site,
                Path.Combine(work, "keys"),
                graph,
                proxy.BaseUri,
                Number("--bins", 256),
                Number("--payload", 8192));
            var cli = await RegistryCli.PrepareAsync(
                Text("--cli", null!),
                InfraScript.RepositoryRoot,
                Path.Combine(work, "cli"));
            var baseline = Text("--baseline", null!) is { } path
                ? await RegistryCli.PrepareAsync(path, InfraScript.RepositoryRoot, Path.Combine(work, "baseline"))
                : null;
            await using var serve = await ServeProcess.StartAsync(cli, site);
            proxy.Upstream = serve.BaseUri.AbsoluteUri;
            var rows = new List<object>();
            Console.WriteLine($"| RTT | case | client | seconds (median of {samples}) | requests | sequential round "
                + "trips | connections |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var rtt in rtts)
            {
                proxy.Rtt = TimeSpan.FromMilliseconds(rtt);
                if (baseline is not null)
                {
                    var before = await OursAsync(
                        baseline,
                        proxy,
                        site,
                        graph,
                        Path.Combine(work, $"baseline-{rtt}"),
                        samples);
                    Print(rtt, "cold", "registry install (baseline)", before.Cold);
                    Print(rtt, "warm", "registry install (baseline)", before.Warm);
                }

                var ours = await OursAsync(cli, proxy, site, graph, Path.Combine(work, $"ours-{rtt}"), samples);
                Print(rtt, "cold", "registry install", ours.Cold);
                Print(rtt, "warm", "registry install", ours.Warm);
                (List<ClientRun> Cold, List<ClientRun> Warm)? restore = args.Contains("--skip-restore")
                    ? null
                    : await RestoreAsync(proxy, graph, Path.Combine(work, $"restore-{rtt}"), samples);
                if (restore is not null)
                {
                    Print(rtt, "cold", "dotnet restore", restore.Value.Cold);
                    Print(rtt, "warm", "dotnet restore", restore.Value.Warm);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {rtt} ms | cold | restore / ours | "
                        + $"**{Median(restore.Value.Cold, r => r.Seconds) / Median(ours.Cold, r => r.Seconds):0.00}x** "
                        + $"| | | |"));
                }

                rows.Add(new { rtt, oursCold = ours.Cold, oursWarm = ours.Warm, restoreCold = restore?
                    .Cold, restoreWarm = restore?.Warm });
            }

            Console.WriteLine();
            Console.WriteLine($"protocol minimum for our client: {4 + (2 * graph.Levels) + 1} round trips (timestamp, "
                + $"root, snapshot, targets, {graph.Levels} x (bin, index), artifacts); {graph.All.Count()} packages, "
                + $"{graph.Fillers} fillers; "
                + $"{cli.Description}{(baseline is null ? "" : $"; baseline {baseline.Description}")}");
            if (Text("--json", null!) is { } json)
            {
                await File.WriteAllTextAsync(
                    json,
                    JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
            }

            return 0;
        }
        finally
        {
            if (args.Contains("--keep"))
            {
                Proc.Say($"kept {work}");
            }
            else
            {
                Directory.Delete(work, recursive: true);
            }
        }

        string Text(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Number(string name, int fallback)
            => int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    }

    private static async Task BuildRegistryAsync(
        string site,
        string keysFolder,
        NuGetGraph graph,
        Uri nugetUrl,
        int bins,
        int payload)
    {
        var store = new FolderStore(site);
        using var keys = KeyRing.Load(keysFolder);
        await new RegistryInitializer(store, keys, TimeProvider.System).InitAsync(
            new InitOptions { Bins = bins, Settings = new RegistrySettings { NuGetUrl = nugetUrl.AbsoluteUri } },
            default);
        var writer = new RegistryWriter(store, keys, TimeProvider.System);
        foreach (var batch in graph.Files(payload).Chunk(100))
        {
            await writer.PublishAsync(batch, new PublishOptions { SkipDependencyCheck = true }, default);
        }

        Proc.Say($"published {graph.All.Count()} graph packages x {NuGetGraph.Versions.Length} versions and "
            + $"{graph.Fillers} fillers into {site}");
    }

    private static async Task<(List<ClientRun> Cold, List<ClientRun> Warm)> OursAsync(
        RegistryCli cli,
        DelayProxy proxy,
        string site,
        NuGetGraph graph,
        string folder,
        int samples)
    {
        var cold = new List<ClientRun>();
        string home = "", project = "";
        for (var s = 0; s < samples; s++)
        {
            home = Path.Combine(folder, $"home-{s}");
            project = Path.Combine(folder, $"project-{s}");
            Directory.CreateDirectory(project);
            await File.WriteAllTextAsync(Path.Combine(project, "registry.json"), JsonSerializer.Serialize(
                new { dependencies = graph.Direct.ToDictionary(id => id.ToLowerInvariant(), _ => NuGetGraph.Range) }));
            (await cli.RunAsync(["source", "add", "main", proxy.BaseUri.AbsoluteUri, "--root", Path.Combine(
                site,
                "metadata",
                "1.root.json")], env: Home(home))).Check("registry source add");
            cold.Add(await MeasureAsync(
                proxy,
                () => cli.RunAsync(["install", "--project", project], env: Home(home)),
                "registry install (cold)"));
            var locked = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(project, "registry.lock")))
                .RootElement
                .GetProperty("packages")
                .EnumerateObject()
                .Count();
            if (locked != graph.All.Count())
            {
                throw new InvalidOperationException(
                    $"registry install locked {locked} packages, the graph has {graph.All.Count()}");
            }
        }

        var warm = new List<ClientRun>();
        for (var s = 0; s < samples; s++)
        {
            warm.Add(await MeasureAsync(
                proxy,
                () => cli.RunAsync(["install", "--project", project], env: Home(home)),
                "registry install (warm)"));
        }

        return (cold, warm);
    }

    private static async Task<(List<ClientRun> Cold, List<ClientRun> Warm)> RestoreAsync(
        DelayProxy proxy,
        NuGetGraph graph,
        string folder,
        int samples)
    {
        var dotnet = new DotnetRestore(folder, new Uri(proxy.BaseUri, "nuget/v3/index.json").AbsoluteUri);
        var cold = new List<ClientRun>();
        var project = "";
        for (var s = 0; s < samples; s++)
        {
            dotnet.ResetCaches();
            project = dotnet.CreateProject(graph.Direct.ToDictionary(id => id, _ => NuGetGraph.Range), $"App{s}");
            cold.Add(await MeasureAsync(proxy, () => dotnet.RestoreAsync(project), "dotnet restore (cold)"));
            var restored = DotnetRestore.ResolvedCount(project);
            if (restored != graph.All.Count())
            {
                throw new InvalidOperationException(
                    $"dotnet restore resolved {restored} packages, the graph has {graph.All.Count()}");
            }
        }

        var warm = new List<ClientRun>();
        for (var s = 0; s < samples; s++)
        {
            warm.Add(await MeasureAsync(proxy, () => dotnet.RestoreAsync(project), "dotnet restore (warm)"));
        }

        return (cold, warm);
    }

    private static async Task<ClientRun> MeasureAsync(DelayProxy proxy, Func<Task<ProcResult>> run, string what)
    {
        proxy.Reset();
        var result = (await run()).Check(what);
        var log = proxy.Log;
        if (Environment.GetEnvironmentVariable("BENCH_TRACE") is { Length: > 0 } trace)
        {
            await File.AppendAllLinesAsync(trace, [$"# {what}", .. log.Select(r => string.Create(
                CultureInfo.InvariantCulture,
                $"{r.StartMs:0.0} {r.EndMs:0.0} {r.Connection} {r.Status} {r.Path}"))]);
        }

        var figures = new ClientRun(
            result.Elapsed.TotalSeconds,
            log.Count,
            DelayProxy.RoundTrips(log),
            proxy.Connections);
        Proc.Say(string.Create(CultureInfo.InvariantCulture, $"{what} at RTT {proxy.Rtt.TotalMilliseconds} ms: "
            + $"{figures.Seconds:0.000} s, {figures.Requests} requests, {figures.RoundTrips} round trips, "
            + $"{figures.Connections} connections"));
        return figures;
    }

    private static void Print(
        int rtt,
        string label,
        string client,
        List<ClientRun> runs) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {rtt} ms | {label} | {client} | {Median(runs, r => r.Seconds):0.00} | {Median(runs, r => r.Requests):0} | "
        + $"{Median(runs, r => r.RoundTrips):0} | {Median(runs, r => r.Connections):0} |"));

    private static double Median(List<ClientRun> runs, Func<ClientRun, double> pick) => Stats.Median(runs.Select(pick));

    private static Dictionary<string, string> Home(string home) => new() { ["REGISTRY_HOME"] = home };
}
