using System.Text.Json;

namespace Registry.Benchmarks.Hex;

/// <summary>One install case: medians over the samples, and the first sample's traffic split by kind of file.</summary>
internal sealed record InstallCase(
    string Case,
    double Seconds,
    double Requests,
    double Bytes,
    TrafficFigures FirstSample);

internal sealed record InstallFigures(
    int Packages,
    int Direct,
    long NeededIndexBytes,
    long NeededArtifactBytes,
    IReadOnlyList<InstallCase> Cases)
{
    public long NeededBytes => NeededIndexBytes + NeededArtifactBytes;
}

/// <summary>
/// <c>registry install --project DIR</c> (each its own process, with its own <c>REGISTRY_HOME</c>)
/// of a project whose transitive closure is 50 packages, through the counting proxy in front of
/// <c>registry serve</c>: cold (empty home), warm (same home, registry unchanged), after one
/// publish of a package in the closure (lock kept, as CI would), and after one more publish with
/// the lock deleted (a fresh resolution). "Needed" is the bytes of the closure's current index
/// files (from the signed bins) plus the locked artifacts.
/// </summary>
internal static class InstallBench
{
    public const int ProjectSize = 50;

    public static async Task<InstallFigures> RunAsync(HexRun run, string site, CountingProxy proxy)
    {
        var (direct, closure) = run.PickProject(ProjectSize);
        Proc.Say($"install: a project with {direct.Count} direct dependencies, {closure.Count} packages in all");
        var root = Path.Combine(site, "metadata", "1.root.json");
        var cases = new List<InstallCase>();
        var folder = Path.Combine(run.Workspace.Run, "install");
        string home = "", project = "";
        var cold = new List<(ProcResult, TrafficFigures)>();
        for (var s = 0; s < run.Options.Samples; s++)
        {
            home = Path.Combine(folder, $"home-{s}");
            project = Path.Combine(folder, $"project-{s}");
            Directory.CreateDirectory(project);
            File.WriteAllText(
                Path.Combine(project, "registry.json"),
                JsonSerializer.Serialize(new { dependencies = direct }));
            (await run.Cli.RunAsync(
                ["source", "add", "main", proxy.BaseUri.AbsoluteUri, "--root", root],
                env: Home(home))).Check("registry source add");
            cold.Add(await InstallAsync(run, proxy, project, home, "cold"));
        }

        cases.Add(Summarise("cold", cold));
        var locked = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(project, "registry.lock"))).RootElement
            .GetProperty("packages");
        var lockedNames = locked.EnumerateObject().Select(p => p.Name).ToList();
        if (lockedNames.Count != closure.Count)
        {
            Proc.Say($"warning: the lock holds {lockedNames.Count} packages, the shape's closure {closure.Count}");
        }

        var targets = StoreFiles.CurrentTargets(site);
        var byName = targets.Where(t => t.Key.StartsWith("index/", StringComparison.Ordinal))
            .ToLookup(
                t => Path.GetFileNameWithoutExtension(t.Key["index/".Length..]),
                t => t.Value,
                StringComparer.Ordinal);
        var neededIndex = lockedNames.Sum(
            n => targets.TryGetValue($"index/{n}.json", out var length) ? length : byName[n].FirstOrDefault());
        var neededArtifacts = locked.EnumerateObject().Sum(p => p.Value.GetProperty("length").GetInt64());

        var warm = new List<(ProcResult, TrafficFigures)>();
        for (var s = 0; s < run.Options.Samples; s++)
        {
            warm.Add(await InstallAsync(run, proxy, project, home, "warm"));
        }

        cases.Add(Summarise("warm", warm));
        var changed = run.Shape.Packages[closure.Order().ElementAt(closure.Count / 2)];
        var afterPublish = new List<(ProcResult, TrafficFigures)>();
        var resolve = new List<(ProcResult, TrafficFigures)>();
        for (var s = 0; s < run.Options.Samples; s++)
        {
            await run.PublishNewVersionsAsync(site, [changed]);
            afterPublish.Add(await InstallAsync(run, proxy, project, home, "after one publish (lock kept)"));
            await run.PublishNewVersionsAsync(site, [changed]);
            File.Delete(Path.Combine(project, "registry.lock"));
            resolve.Add(await InstallAsync(run, proxy, project, home, "after one publish, lock deleted"));
        }

        cases.Add(Summarise("after one publish", afterPublish));
        cases.Add(Summarise("after one publish, re-resolve", resolve));
        return new InstallFigures(lockedNames.Count, direct.Count, neededIndex, neededArtifacts, cases);
    }

    private static async Task<(ProcResult, TrafficFigures)> InstallAsync(
        HexRun run,
        CountingProxy proxy,
        string project,
        string home,
        string label)
    {
        proxy.Reset();
        var result = (await run.Cli.RunAsync(["install", "--project", project], env: Home(home))).Check(
            $"registry install ({label})");
        var traffic = proxy.Figures();
        Proc.Say($"install {label}: {result.Elapsed.TotalSeconds:0.000} s, {traffic.Requests} requests, "
            + $"{traffic.Bytes} bytes");
        return (result, traffic);
    }

    private static InstallCase Summarise(
        string label,
        List<(ProcResult Result, TrafficFigures Traffic)> samples) => new(label,
        Stats.Median(samples.Select(s => s.Result.Elapsed.TotalSeconds)), Stats.Median(
            samples.Select(s => (double)s.Traffic.Requests)),
        Stats.Median(samples.Select(s => (double)s.Traffic.Bytes)), samples[0].Traffic);

    private static Dictionary<string, string> Home(string home) => new() { ["REGISTRY_HOME"] = home };
}
