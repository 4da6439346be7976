namespace Registry.Benchmarks.Hex;

internal sealed record SyncCase(
    string Case,
    double Seconds,
    double Requests,
    double Bytes,
    TrafficFigures FirstSample,
    int Samples)
{
    /// <summary>The largest maximum resident set size of the samples (<c>/usr/bin/time -v</c>), in MB.</summary>
    public double PeakRssMegabytes { get; init; }
}

/// <summary>
/// <c>registry mirror URL --to DIR --root ROOT</c> through the counting proxy, under
/// <c>/usr/bin/time -v</c> for the peak memory: the initial sync of the full registry (once: it
/// copies everything), an unchanged source (median over the samples), and after 100 publishes
/// (one transaction each, of 100 different packages).
/// </summary>
internal static class SyncBench
{
    public const int Publishes = 100;

    public static async Task<List<SyncCase>> RunAsync(HexRun run, string site, CountingProxy proxy)
    {
        var destination = Path.Combine(run.Workspace.Run, "mirror");
        var root = Path.Combine(site, "metadata", "1.root.json");
        var cases = new List<SyncCase> { await MeasureAsync(run, proxy, destination, root, "initial", 1) };
        cases.Add(await MeasureAsync(run, proxy, destination, root, "unchanged", run.Options.Samples));
        var random = new Random(run.Options.Seed + 100);
        var picked = Enumerable.Range(0, run.Shape.Packages.Count).OrderBy(_ => random.Next()).Take(Publishes)
            .Select(i => run.Shape.Packages[i])
            .ToList();
        Proc.Say($"mirror: publishing {picked.Count} new versions, one transaction each");
        await run.PublishNewVersionsAsync(site, picked);
        cases.Add(await MeasureAsync(run, proxy, destination, root, $"after {picked.Count} publishes", 1));
        return cases;
    }

    private static async Task<SyncCase> MeasureAsync(
        HexRun run,
        CountingProxy proxy,
        string destination,
        string root,
        string label,
        int samples)
    {
        var seconds = new List<double>();
        var requests = new List<double>();
        var bytes = new List<double>();
        var rss = new List<double>();
        TrafficFigures? first = null;
        for (var s = 0; s < samples; s++)
        {
            proxy.Reset();
            var result = (await run.Cli.RunTimedAsync(
                ["mirror", proxy.BaseUri.AbsoluteUri, "--to", destination, "--root", root])).Check("registry mirror "
                    + $"({label})");
            var traffic = proxy.Figures();
            first ??= traffic;
            seconds.Add(result.Elapsed.TotalSeconds);
            requests.Add(traffic.Requests);
            bytes.Add(traffic.Bytes);
            rss.Add(VerifyBench.PeakRssMegabytes(result.Err));
            Proc.Say($"mirror {label}: {result.Elapsed.TotalSeconds:0.000} s, {traffic.Requests} requests, "
                + $"{traffic.Bytes} bytes, peak RSS {rss[^1]:0} MB; {result.Out.Trim()}");
        }

        return new SyncCase(
            label,
            Stats.Median(seconds),
            Stats.Median(requests),
            Stats.Median(bytes),
            first!,
            samples) { PeakRssMegabytes = rss.Max() };
    }
}
