using System.Globalization;
using System.Text;

namespace Registry.Benchmarks.Hex;

/// <summary>The markdown table of a run: medians, ratios next to them, and the issue's targets with
/// met/missed.</summary>
internal static class HexReport
{
    public static string Markdown(HexResults r)
    {
        var o = r.Options;
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        void Row(string step, string figure, string ratio = "", string target = "")
            => Line($"| {step} | {figure} | {ratio} | {target} |");

        Line($"### {N(o.Packages)} packages, {N(r.Shape.Versions)} versions, {o.Bins} bins (seed {o.Seed})");
        Line("");
        Line($"Commit {r.Commit}, {r.Started:yyyy-MM-dd HH:mm} UTC, run took {r.RunMinutes:0} min. Machine: "
            + $"{r.Machine.Cores} cores ({r.Machine.Cpu}), " +
             $"{r.Machine.MemoryGiB:0.#} GiB RAM, {r.Machine.Os}, {r.Machine.Runtime}. CLI: `{r.Cli}`. Medians of "
             + $"{o.Samples} samples unless a row says otherwise; " +
             "KB and MB are 1,000 and 1,000,000 bytes; bytes over HTTP are response bodies.");
        Line("");
        Line($"Shape: most versions of one package {r.Shape.MostVersions}; {r.Shape.ShareWithAtMostThreeVersions:P0} "
            + "of packages have 1-3 versions; " +
             $"dependency depth up to {r.Shape.MaxDepth}; {r.Shape.DependenciesPerLatestVersion:0.0} dependencies per "
             + "latest version" +
             (r.Sizes is { } sz ? $"; artifacts median {Kb(sz.ArtifactMedian)}." : "."));
        Line("");
        Row("step", "figure", "ratio", "target (issue 8)");
        Line("| --- | --- | --- | --- |");
        if (r.Import is { } import)
        {
            var reused = r.ImportReused
                ? $" (from the run that generated the kept folder, commit {r.ImportCommit})"
                : "";
            Row($"bulk import, library, {o.Batch}-file batches{reused}", $"{N(import.Versions)} versions in "
                + $"{import.PublishSeconds:0} s of publishing: {import.VersionsPerSecond:0.0} versions/s " +
                $"(generating the packages took {import.GenerateSeconds:0} s more)");
            Row($"import CPU per batch: first 10 past the hubs (at {N(import.StartVersions)} versions) → last 10",
                $"{import.StartCpuMs / 1000:0.00} s → {import.EndCpuMs / 1000:0.00} s", X(import
                    .CpuGrowth), Target("does not grow", import.CpuGrowth <= 1.5));
            Row(
                "import wall time per batch, same batches",
                $"{import.StartWallMs / 1000:0.00} s → {import.EndWallMs / 1000:0.00} s",
                X(import.WallGrowth));
        }

        Row("CLI start-up (`registry --version`)", $"{r.CliStartSeconds:0.000} s");
        var empty = r.Publish.FirstOrDefault(p => p.Registry == "empty");
        foreach (var p in r.Publish)
        {
            var label = p.Registry switch { "empty" => "the empty registry (only this package)", "middle" => "the "
                + $"{N(p.Packages)}-package registry ({N(r.Shape.MiddleVersions)} versions)", _ => "the full registry "
                    + $"({N(p.Packages)})" };
            var ratio = empty is null || p == empty
                ? ""
                : $"time {X(p.Seconds / empty.Seconds)}, bytes {X(p.Bytes / empty.Bytes)} of empty";
            var target = p.Registry == "full" && empty is not null
                ? Target(
                    "< 40 KB and ≤ 2x empty; time ≤ 1.2x empty",
                    p.Bytes < 40_000 && p.Bytes <= 2 * empty.Bytes && p.Seconds <= 1.2 * empty.Seconds)
                : "";
            Row(
                $"publish one new version (CLI) into {label}",
                $"{p.Seconds:0.000} s, {p.Files:0} files, {Kb(p.Bytes)}",
                ratio,
                target);
        }

        if (r.Options.Log)
        {
            foreach (var p in r.Publish)
            {
                // Consecutive commits: the figure follows the log's position in its 256-entry tile (`log` mode: over a
                // whole tile).
                Row(
                    $"log: bytes a publish adds into the {p.Registry} registry (of the above)",
                    $"median {Kb(p.LogBytes)}, max {Kb(p.LogBytesMax)}",
                    "",
                    Target("≤ 12 KB (median)", p.LogBytes <= 12_288));
            }
        }

        if (r.Reprepro is { } peer)
        {
            var full = r.Publish.FirstOrDefault(p => p.Registry == "full");
            Row($"reprepro includedeb of one .deb into {N(peer.Packages)} packages (signed)", $"{peer.Seconds:0.000} s",
                full is null ? "" : $"ours (full) {X(full.Seconds / peer.Seconds)} reprepro", Target(
                    "ours faster",
                    full is not null && full.Seconds < peer.Seconds));
        }

        if (r.Sizes is { } s)
        {
            Row("timestamp.json", Kb(s.Timestamp));
            Row("snapshot", Kb(s.Snapshot));
            Row($"bins ({N(s.Bins)})", $"median {Kb(s.BinMedian)}, max {Kb(s.BinMax)}, total {Mb(s.BinTotal)}");
            Row(
                $"index files ({N(s.IndexFiles)} current)",
                $"median {Kb(s.IndexMedian)}, max {Kb(s.IndexMax)}, total {Mb(s.IndexTotal)}");
            if (s.NameMarkers > 0)
            {
                Row("name markers (targets)", N(s.NameMarkers));
            }

            Row($"artifacts ({N(s.Artifacts)})", $"median {Kb(s.ArtifactMedian)}, total {Mb(s.ArtifactTotal)}");
            Row("store folder, every file (old metadata versions too)", $"{N(s.StoreFiles)} files, {Mb(s.StoreBytes)}");
            if (r.Options.Log)
            {
                Row("log: its size after the import (no gc)", $"{N(s.LogFiles)} files, {Mb(s.LogBytes)}; the "
                    + $"timestamp's x-registry-log field {Kb(s.TimestampLogBytes)}");
            }
        }

        Row(
            "`registry serve` start-up, run from the folder holding the site",
            $"{r.ServeStartSeconds:0.00} s",
            "",
            Target("about 1 s", r.ServeStartSeconds <= 1.5));
        if (r.Install is { } install)
        {
            foreach (var c in install.Cases)
            {
                var (ratio, target) = c.Case switch
                {
                    "cold" => ($"bytes {X(c.Bytes / install.NeededBytes)} needed ({Kb(install.NeededIndexBytes)} index "
                        + $"+ {Kb(install.NeededArtifactBytes)} artifacts)",
                        Target(
                            $"≤ {(3 * install.Packages) + 5} requests, ≤ 2x needed",
                            c.Requests <= (3 * install.Packages) + 5 && c.Bytes <= 2 * install.NeededBytes)),
                    "warm" => ("", Target("1 request", c.Requests <= 1)),
                    _ => ("", ""),
                };
                Row(
                    $"install {c.Case}, {install.Packages} packages ({install.Direct} direct)",
                    $"{Requests(c.Requests)}, {Kb(c.Bytes)}, {c.Seconds:0.000} s",
                    ratio,
                    target);
            }

            if (r.Options.Log && r.Sizes is { } logSizes)
            {
                foreach (var c in install.Cases.Where(c => c.Case is "cold" or "warm" or "after one publish"))
                {
                    var log = c.FirstSample.ByClass.TryGetValue("log", out var t) ? t : new ClassTraffic(0, 0);
                    var extraBytes = log.Bytes + (c.Case == "cold" ? logSizes.TimestampLogBytes : 0);
                    var target = c.Case switch
                    {
                        "cold" => Target("≤ 2 requests, ≤ 20 KB", log.Requests <= 2 && extraBytes <= 20_480),
                        "warm" => Target("none", log.Requests == 0 && log.Bytes == 0),
                        _ => "",
                    };
                    var note = c.Case == "cold" ? " (the timestamp's log field included)" : "";
                    Row(
                        $"log: install {c.Case}, extra for the log",
                        $"{Requests(log.Requests)} to log/, {Kb(extraBytes)}{note}",
                        "",
                        target);
                }
            }
        }

        foreach (var m in r.Mirror ?? [])
        {
            var target = m.Case.StartsWith("after", StringComparison.Ordinal)
                ? Target("< 400 requests, < 2 MB", m.Requests < 400 && m.Bytes < 2_000_000)
                : m.Case == "unchanged" ? Target("1 request", m.Requests <= 1) : "";
            Row(
                $"mirror sync, {m.Case}{(m.Samples == 1 ? " (one run)" : "")}",
                $"{Requests(m.Requests)}, {Mb(m.Bytes)}, {m.Seconds:0.00} s, peak RSS {m.PeakRssMegabytes:0} MB",
                "",
                target);
        }

        if (r.Verify is { } v)
        {
            Row($"`registry verify` of the full registry{(v.Samples == 1 ? " (one run)" : "")}", $"{v.Seconds:0.0} s, "
                + $"peak RSS {v.PeakRssMegabytes:0} MB{(v.ExitCode == 0 ? "" : $", exit {v.ExitCode}")}",
                "", Target("< 10 s, < 300 MB", v.Seconds < 10 && v.PeakRssMegabytes < 300));
        }

        Traffic(text, r);
        return text.ToString();
    }

    private static void Traffic(StringBuilder text, HexResults r)
    {
        var columns = new List<(string Name, TrafficFigures Traffic)>();
        foreach (var c in r.Install?.Cases ?? [])
        {
            columns.Add(($"install {c.Case}", c.FirstSample));
        }

        foreach (var m in r.Mirror ?? [])
        {
            columns.Add(($"mirror {m.Case}", m.FirstSample));
        }

        if (columns.Count == 0)
        {
            return;
        }

        text.Append("\nRequests / bytes by kind of file (first sample):\n\n| kind | ")
            .Append(string.Join(" | ", columns.Select(c => c.Name)))
            .Append(" |\n|")
            .Append(string.Concat(Enumerable.Repeat(" --- |", columns.Count + 1)))
            .Append('\n');
        foreach (var kind in columns.SelectMany(c => c.Traffic.ByClass.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            text.Append("| ").Append(kind).Append(" | ")
                .Append(string.Join(" | ", columns.Select(
                    c => c.Traffic.ByClass.TryGetValue(kind, out var t) ? $"{N(t.Requests)} / {Mb(t.Bytes)}" : "")))
                .Append(" |\n");
        }
    }

    private static string Target(string target, bool met) => $"{target}: {(met ? "met" : "**missed**")}";

    private static string Requests(double count) => count == 1 ? "1 request" : $"{N(count)} requests";

    private static string N(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string X(double ratio)
        => double.IsFinite(ratio) ? string.Create(CultureInfo.InvariantCulture, $"x{ratio:0.00}") : "n/a";

    private static string Kb(double bytes)
        => bytes < 1000 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1000:0.0} KB");

    private static string Mb(double bytes)
        => bytes < 1_000_000 ? Kb(bytes) : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_000_000:0.00} MB");
}
