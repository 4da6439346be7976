using System.Diagnostics;
using System.Text.Json;
using Registry.Testing;

namespace Registry.Benchmarks.Hex;

/// <summary>
/// The <c>hex</c> mode: a Hex.pm-shaped registry (default 10,000 packages, 60,000 versions)
/// generated from a seed and imported through the library, then, each as a user would run it
/// (a CLI process per command, HTTP through <c>registry serve</c> and a counting proxy): one
/// publish into the empty, 1k and full registry; the sizes of the signed files; cold, warm and
/// after-publish installs of a 50-package project; mirror syncs; <c>verify</c>; and optionally
/// reprepro publishing one .deb into an apt repository of as many packages. Prints a markdown
/// table (stdout) and writes every figure as JSON (--json). See docs/performance.md.
/// </summary>
internal static class HexBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        try
        {
            return await RunCheckedAsync(args);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"bench: error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunCheckedAsync(IReadOnlyList<string> args)
    {
        HexOptions options;
        try
        {
            options = HexOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync($"bench: error: {e.Message}");
            return 2;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var repository = InfraScript.RepositoryRoot;
        var commit = await CommitAsync(repository);
        var generate = Stopwatch.StartNew();
        var shape = HexShape.Generate(options.Packages, options.Versions, options.Seed);
        var shapeFigures = ShapeFigures.Of(shape, options.MiddlePackages, generate.Elapsed.TotalSeconds);
        Proc.Say($"shape: {shape.Packages.Count} packages, {shape.VersionCount} versions, most versions "
            + $"{shapeFigures.MostVersions}, " +
                 $"{shapeFigures.ShareWithAtMostThreeVersions:P0} with 1-3, {shapeFigures.MiddleVersions} versions in "
                 + $"the first {options.MiddlePackages} packages, depth "
                 + $"{string.Join(' ', shapeFigures.PackagesByDepth.Select(p => $"{p.Key}:{p.Value}"))}");

        if (options.DryRun)
        {
            DryRun(shape, options);
            return 0;
        }

        using var workspace = Workspace.Open(options.Keep);
        var (import, importCommit, reused) = await ImportOrReuseAsync(shape, options, workspace, repository, commit);
        var cli = await RegistryCli.PrepareAsync(options.Cli, repository, Path.Combine(workspace.Run, "cli"));
        var run = new HexRun(shape, options, workspace, cli);

        var startup = await PublishBench.StartupAsync(run);
        var publish = await PublishBench.RunAsync(run);
        var sizes = StoreFiles.Sizes(workspace.Full);
        var site = Path.Combine(workspace.Run, "full", "site"); // the hard-link copy the publishes went into
        InstallFigures install;
        List<SyncCase>? mirror = null;
        double serveStart;
        await using (var serve = await ServeProcess.StartAsync(cli, site))
        await using (var proxy = await CountingProxy.StartAsync(serve.BaseUri))
        {
            serveStart = serve.StartSeconds;
            Proc.Say($"serve started in {serveStart:0.00} s at {serve.BaseUri}; counting proxy at {proxy.BaseUri}");
            install = await InstallBench.RunAsync(run, site, proxy);
            if (!options.SkipMirror)
            {
                mirror = await SyncBench.RunAsync(run, site, proxy);
            }
        }

        var verify = await VerifyBench.RunAsync(run, site);
        var peer = options.Peer == "reprepro" ? await RepreproPeer.RunAsync(run) : null;
        var results = new HexResults
        {
            Machine = MachineFigures.Current(),
            Commit = commit,
            Started = started,
            Cli = cli.Description,
            Options = options,
            Shape = shapeFigures,
            Import = import,
            ImportReused = reused,
            ImportCommit = importCommit,
            CliStartSeconds = startup,
            Publish = publish,
            Sizes = sizes,
            ServeStartSeconds = serveStart,
            Install = install,
            Mirror = mirror,
            Verify = verify,
            Reprepro = peer,
            RunMinutes = clock.Elapsed.TotalMinutes,
        };
        Console.Out.Write(HexReport.Markdown(results));
        if (options.Json is not null)
        {
            await File.WriteAllBytesAsync(
                options.Json,
                JsonSerializer.SerializeToUtf8Bytes(results, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static async Task<(ImportFigures Import, string Commit, bool Reused)> ImportOrReuseAsync(
        HexShape shape,
        HexOptions options,
        Workspace workspace,
        string repository,
        string commit)
    {
        var wanted = new KeptState
        {
            Packages = options.Packages, Versions = options.Versions, Bins = options.Bins, Seed = options.Seed,
            Batch = options.Batch, MiddlePackages = options.MiddlePackages, Generator = HexShape
                .GeneratorVersion, Commit = commit, Log = options.Log,
        };
        var kept = workspace.LoadState();
        if (kept is { Complete: true, Import: not null })
        {
            if (!kept.SameShape(wanted))
            {
                throw new InvalidOperationException($"{workspace.Root} holds a registry of {kept.Packages} packages, "
                    + $"{kept.Versions} versions, {kept.Bins} bins, seed {kept.Seed}, " +
                    $"batch {kept.Batch}, generator {kept.Generator}, not the one asked for; delete the folder or "
                    + "choose another --keep folder");
            }

            var protocol = await Proc.RunAsync(
                "git",
                ["-C", repository, "diff", "--quiet", kept.Commit.TrimEnd('+'), "--", "src/Registry.Core"]);
            if (protocol.ExitCode != 0)
            {
                throw new InvalidOperationException($"{workspace.Root} was generated by commit {kept.Commit} and "
                    + "src/Registry.Core has changed since " +
                    $"(or that commit is unknown), so its files may follow another protocol; use a new --keep folder");
            }

            Proc.Say($"reusing the registry kept in {workspace.Root} (generated by commit {kept.Commit})");
            return (kept.Import, kept.Commit, true);
        }

        Proc.Say($"importing {shape.VersionCount} versions into {workspace.Full}");
        workspace.ClearRegistries();
        workspace.SaveState(wanted);
        var import = await BulkImport.RunAsync(shape, options, workspace);
        workspace.SaveState(wanted with { Complete = true, Import = import });
        return (import, commit, false);
    }

    private static void DryRun(HexShape shape, HexOptions options)
    {
        var all = shape.Packages.SelectMany(p => p.Versions.Select(v => (p, v))).ToList();
        var sample = Enumerable.Range(0, Math.Min(1000, all.Count))
            .Select(i => all[(int)((long)i * all.Count / Math.Min(1000, all.Count))])
            .ToList();
        var clock = Stopwatch.StartNew();
        var sizes = sample.AsParallel()
            .Select(x => (double)BulkImport.Read(shape, x.p, x.v, options.Seed).Content.Length)
            .Order()
            .ToList();
        Proc.Say($"artifacts of {sample.Count} sampled versions: p5 {sizes[sizes.Count / 20]:0}, median "
            + $"{Stats.Median(sizes):0}, p95 {sizes[sizes.Count * 19 / 20]:0}, " +
                 $"max {sizes[^1]:0} bytes; {clock.Elapsed.TotalMilliseconds / sample.Count:0.0} ms each to generate");
        Proc.Say($"generated source text compresses {HexArtifacts.CompressionRatio:0.0}:1 with gzip");
        clock.Restart();
        var built = sample.Take(200).Select(x => HexArtifacts.Build(shape, x.p, x.v, options.Seed)).ToList();
        var buildMs = clock.Elapsed.TotalMilliseconds / built.Count;
        clock.Restart();
        foreach (var bytes in built)
        {
            new Registry.Core.Packages.TgzPackageFormat().Read(
                bytes,
                "x.tgz",
                Registry.Core.Packages.PackageLimits.Default);
        }

        Proc.Say($"one thread: {buildMs:0.0} ms to build an artifact, "
            + $"{clock.Elapsed.TotalMilliseconds / built.Count:0.0} ms to read it back");
        var versions = shape.Packages.Select(p => p.Versions.Count).Order().ToList();
        Proc.Say($"versions per package: median {Stats.Median(versions.Select(v => (double)v))}, p90 "
            + $"{versions[versions.Count * 9 / 10]}, top 10 {string.Join(' ', versions.TakeLast(10))}");
        var dependencies = shape.Packages
            .GroupBy(p => p.Latest.Dependencies.Count)
            .OrderBy(g => g.Key)
            .Select(g => $"{g.Key}:{g.Count()}");
        Proc.Say($"dependencies per latest version: {string.Join(' ', dependencies)}");
    }

    /// <summary>HEAD's short hash, with '+' when src/ has uncommitted changes.</summary>
    private static async Task<string> CommitAsync(string repository)
    {
        var head = (await Proc.RunAsync("git", ["-C", repository, "rev-parse", "--short=12", "HEAD"])).Out.Trim();
        var dirty = (await Proc.RunAsync("git", ["-C", repository, "status", "--porcelain", "--", "src"])).Out.Trim()
            .Length > 0;
        return head + (dirty ? "+" : "");
    }
}
