using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Registry.Benchmarks.Hex;
using Registry.Core;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Benchmarks.Latency;

/// <summary>What wrk reported for one run.</summary>
internal sealed record WrkFigures(double RequestsPerSecond, double P99Ms, long Requests, long Errors);

/// <summary>
/// <c>spike</c>: a spike of cold installs through the project's own Varnish edge. wrk replays the
/// files a cold install reads (timestamp, the root probe, snapshot, targets, bins, index
/// documents, artifacts) at several concurrency levels, each on a cold edge, with a publish in
/// the middle of each run; a counting proxy between the edge and <c>registry serve</c> counts
/// what reaches the origin. Then the same load, warm, against the edge, <c>registry serve</c> and
/// nginx serving the folder, for throughput and p99 side by side.
/// </summary>
internal static partial class SpikeBenchmark
{
    public const string Usage = """
        spike: wrk through Varnish at several concurrency levels; origin requests per level, edge throughput and p99
          --connections 10,100,1000   wrk connections per level
          --duration 10               seconds per level (a publish lands halfway)
          --max-age 5                 the registry's timestamp max-age (and the edge's root-probe TTL)
          --cli PATH                  the registry executable (default: dotnet publish src/Registry.Cli)
          --varnish DIR               the edge's start.sh, stop.sh and VCL (default infra/varnish; another checkout's to compare)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        var levels = Text("--connections", "10,100,1000").Split(',')
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            .ToList();
        var duration = int.Parse(Text("--duration", "10"), CultureInfo.InvariantCulture);
        var maxAge = int.Parse(Text("--max-age", "5"), CultureInfo.InvariantCulture);
        var varnishDir = Path.GetFullPath(
            Text("--varnish", Path.Combine(InfraScript.RepositoryRoot, "infra", "varnish")));
        await EnsureWrkAsync();
        var work = Path.Combine(Path.GetTempPath(), "registry-bench-spike-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var started = new List<(string Script, string State)>();
        try
        {
            var site = Path.Combine(work, "site");
            var keys = Path.Combine(work, "keys");
            var graph = NuGetGraph.Create(60, 6, 100);
            var store = new FolderStore(site);
            using (var ring = KeyRing.Load(keys))
            {
                var settings = new RegistrySettings
                {
                    TimestampMaxAgeSeconds = maxAge,
                    NuGetUrl = "https://cdn.example/registry/",
                };
                await new RegistryInitializer(store, ring, TimeProvider.System)
                    .InitAsync(new InitOptions { Settings = settings }, default);
                foreach (var batch in graph.Files(8192).Chunk(100))
                {
                    await new RegistryWriter(store, ring, TimeProvider.System).PublishAsync(
                        batch,
                        new PublishOptions { SkipDependencyCheck = true },
                        default);
                }
            }

            var cli = await RegistryCli.PrepareAsync(
                Text("--cli", null!),
                InfraScript.RepositoryRoot,
                Path.Combine(work, "cli"));
            await using var serve = await ServeProcess.StartAsync(cli, site);
            await using var origin = await DelayProxy.StartAsync();
            origin.Upstream = serve.BaseUri.AbsoluteUri;
            var paths = ColdInstallPaths(site);
            var script = Path.Combine(work, "paths.lua");
            await File.WriteAllTextAsync(script, LuaScript(paths));
            Proc.Say($"a cold install reads {paths.Count} files; wrk replays them from each connection");

            Console.WriteLine("| connections | requests through the edge | edge req/s | edge p99 ms | origin requests "
                + "| distinct files | origin requests - distinct files | max-age windows |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            var publishes = 0;
            foreach (var connections in levels)
            {
                var state = Path.Combine(work, $"varnish-{connections}");
                var port = (await Proc.RunAsync("bash", [Path.Combine(
                    varnishDir,
                    "start.sh")], env: new Dictionary<string, string>
                {
                    ["STATE_DIR"] = state,
                    ["ORIGIN"] = $"127.0.0.1:{origin.BaseUri.Port}",
                    ["TIMESTAMP_MAX_AGE"] = maxAge.ToString(CultureInfo.InvariantCulture),
                })).Check("infra/varnish/start.sh").Out.Trim();
                started.Add(("varnish", state));
                origin.Reset();
                var publish = Task.Run(async () =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(duration / 2.0));
                    using var ring = KeyRing.Load(keys);
                    await new RegistryWriter(store, ring, TimeProvider.System).PublishAsync(
                        [Registry.Testing.NuGetPackages.Nupkg(
                            $"Spike.P{publishes++}",
                            "1.0.0",
                            payloadBytes: 1024)], new PublishOptions(), default);
                });
                var figures = await WrkAsync($"http://127.0.0.1:{port}/", connections, duration, script);
                await publish;
                var log = origin.Log;
                var distinct = log.Select(r => r.Path).Distinct(StringComparer.Ordinal).Count();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {connections} | {figures.Requests} | {figures.RequestsPerSecond:0} | {figures.P99Ms:0.0} | "
                    + $"{log.Count} | {distinct} | {log.Count - distinct} | "
                    + $"{Math.Ceiling((double)duration / maxAge):0} |"));
                var byKind = log
                    .GroupBy(r => CountingProxy.Classify(r.Path))
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => $"{g.Key} {g.Count()}");
                Proc.Say($"origin requests at {connections} connections: " + string.Join(", ", byKind));
                await Proc.RunAsync(
                    "bash",
                    [Path.Combine(varnishDir, "stop.sh")],
                    env: new Dictionary<string, string> { ["STATE_DIR"] = state });
                started.Remove(("varnish", state));
            }

            // Warm throughput side by side: the edge (cache filled), registry serve, nginx serving the folder.
            var side = levels.Contains(100) ? 100 : levels[0];
            var edgeState = Path.Combine(work, "varnish-warm");
            var edgePort = (await Proc.RunAsync("bash", [Path.Combine(
                varnishDir,
                "start.sh")], env: new Dictionary<string, string>
            {
                ["STATE_DIR"] = edgeState,
                ["ORIGIN"] = $"{serve.BaseUri.Host}:{serve.BaseUri.Port}",
                ["TIMESTAMP_MAX_AGE"] = maxAge.ToString(CultureInfo.InvariantCulture),
            })).Check("infra/varnish/start.sh").Out.Trim();
            started.Add(("varnish", edgeState));
            var nginxState = Path.Combine(work, "nginx-static");
            var nginxPort = await StartStaticNginxAsync(nginxState, site);
            started.Add(("nginx-static", nginxState));
            await WrkAsync($"http://127.0.0.1:{edgePort}/", side, 2, script); // fills the cache
            Console.WriteLine();
            Console.WriteLine($"| server ({side} connections, {duration} s, warm) | req/s | p99 ms |");
            Console.WriteLine("| --- | --- | --- |");
            foreach (var (label, url) in new[] {
                ("Varnish edge (infra/varnish)", $"http://127.0.0.1:{edgePort}/"),
                ("registry serve", serve.BaseUri.AbsoluteUri),
                ("nginx serving the folder", $"http://127.0.0.1:{nginxPort}/") })
            {
                var figures = await WrkAsync(url, side, duration, script);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {label} | {figures.RequestsPerSecond:0} | {figures.P99Ms:0.0} |"));
            }

            Console.WriteLine();
            Console.WriteLine($"target: origin requests = distinct files + about two per max-age window ({maxAge} s: "
                + $"the timestamp and the root probe), whatever the connections; edge {varnishDir}; {cli.Description}");
            return 0;
        }
        finally
        {
            foreach (var (kind, state) in Enumerable.Reverse(started))
            {
                if (kind == "varnish")
                {
                    await Proc.RunAsync(
                        "bash",
                        [Path.Combine(varnishDir, "stop.sh")],
                        env: new Dictionary<string, string> { ["STATE_DIR"] = state });
                }
                else if (File.Exists(Path.Combine(state, "nginx.pid")))
                {
                    await Proc.RunAsync("kill", [File.ReadAllText(Path.Combine(state, "nginx.pid")).Trim()]);
                }
            }

            Directory.Delete(work, recursive: true);
        }

        string Text(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
    }

    /// <summary>The files a cold install of the graph's level-0 packages reads, found by walking the signed metadata as
    /// a client does.</summary>
    private static List<string> ColdInstallPaths(string site)
    {
        var paths = new List<string> { RegistryLayout.TimestampKey, "metadata/2.root.json" };
        var state = RegistryState.LoadAsync(new FolderStore(site), default).GetAwaiter().GetResult();
        paths.Add(RegistryLayout.MetadataKey(RoleNames.Snapshot, state.Snapshot.Signed.Version));
        paths.Add(RegistryLayout.MetadataKey(RoleNames.Targets, state.Targets.Signed.Version));
        foreach (var (file, meta) in state.Snapshot.Signed.Meta
            .Where(m => state.Bins.IsBinName(m.Key[..^".json".Length])))
        {
            var bin = file[..^".json".Length];
            var document = state.GetBinAsync(bin, default).GetAwaiter().GetResult();
            foreach (var (target, info) in document.Signed.Targets
                .Where(t => t.Key.StartsWith("index/graph-", StringComparison.Ordinal)))
            {
                paths.Add(RegistryLayout.MetadataKey(bin, meta.Version));
                paths.Add(RegistryLayout.TargetKey(target, info.Sha256));
            }
        }

        foreach (var artifact in Directory
            .EnumerateFiles(Path.Combine(site, "targets", "packages"), "*", SearchOption.AllDirectories)
            .Where(f => f.Contains("graph.", StringComparison.Ordinal)
                && f.Contains("1.1.0", StringComparison.Ordinal)))
        {
            paths.Add(Path.GetRelativePath(site, artifact).Replace('\\', '/'));
        }

        return [.. paths.Distinct(StringComparer.Ordinal)];
    }

    private static string LuaScript(List<string> paths)
    {
        var lua = new StringBuilder("paths = {\n");
        foreach (var path in paths)
        {
            lua.Append("  \"/").Append(path).Append("\",\n");
        }

        // Each connection walks the list from its own offset, so every file is asked for at once by many clients.
        lua.Append("""
            }
            counter = 0
            setup = function(thread) thread:set("offset", counter * 7); counter = counter + 1 end
            i = 0
            request = function()
              i = i + 1
              return wrk.format("GET", paths[((i + offset) % #paths) + 1])
            end
            """);
        return lua.ToString();
    }

    private static async Task<WrkFigures> WrkAsync(string url, int connections, int seconds, string script)
    {
        var threads = Math.Min(2, connections);
        string[] arguments =
        [
            "-t", threads.ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{seconds}s", "--latency", "-s", script, url,
        ];
        var result = (await Proc.RunAsync("wrk", arguments)).Check($"wrk -c {connections} {url}");
        var rps = double.Parse(RequestsPerSecond().Match(result.Out).Groups[1].Value, CultureInfo.InvariantCulture);
        var p99 = P99().Match(result.Out);
        var p99Ms = double.Parse(p99.Groups[1].Value, CultureInfo.InvariantCulture)
            * (p99.Groups[2].Value switch { "us" => 0.001, "ms" => 1, "s" => 1000, _ => 60_000 });
        var requests = long.Parse(RequestCount().Match(result.Out).Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = NonSuccess().Match(result.Out) is { Success: true } e
            ? long.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;
        Proc.Say(string.Create(CultureInfo.InvariantCulture, $"wrk -c {connections} {url}: {rps:0} req/s, p99 "
            + $"{p99Ms:0.0} ms, {requests} requests, {errors} non-2xx/3xx (the root probe's 404s)"));
        return new WrkFigures(rps, p99Ms, requests, errors);
    }

    private static async Task<int> StartStaticNginxAsync(string state, string site)
    {
        Directory.CreateDirectory(state);
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(state, "nginx.conf"), $$"""
            worker_processes 1;
            daemon off;
            pid {{state}}/nginx.pid;
            error_log {{state}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{state}}/client_temp;
                proxy_temp_path {{state}}/proxy_temp;
                fastcgi_temp_path {{state}}/fastcgi_temp;
                uwsgi_temp_path {{state}}/uwsgi_temp;
                scgi_temp_path {{state}}/scgi_temp;
                server {
                    listen 127.0.0.1:{{port}};
                    root {{site}};
                }
            }
            """);
        var process = System.Diagnostics.Process.Start(Proc.Start(
            "nginx",
            ["-p", state, "-c", Path.Combine(state, "nginx.conf"), "-e", Path.Combine(state, "error.log")],
            state,
            null))!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metadata/timestamp.json"));
                return port;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"nginx did not start on port {port}; see {state}/error.log");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task EnsureWrkAsync()
    {
        if ((await Proc.RunAsync("bash", ["-c", "command -v wrk"])).ExitCode == 0)
        {
            return;
        }

        Proc.Say("installing wrk with apt-get");
        if ((await Proc.RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"])).ExitCode != 0)
        {
            (await Proc.RunAsync("apt-get", ["update"])).Check("apt-get update");
            (await Proc.RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"])).Check(
                "apt-get install wrk");
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"99%\s+([0-9.]+)(us|ms|s|m)")]
    private static partial Regex P99();

    [GeneratedRegex(@"([0-9]+) requests in")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex NonSuccess();
}
