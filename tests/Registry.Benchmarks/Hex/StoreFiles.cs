using System.Text.Json;

namespace Registry.Benchmarks.Hex;

internal sealed record FileStamp(long Size, DateTime Modified);

/// <summary>What a command wrote: files created or changed (hidden ones included) and their bytes.</summary>
internal sealed record WriteFigures(int Files, long Bytes, IReadOnlyList<string> Paths);

/// <summary>The sizes of the current state's files, found by walking the signed metadata (timestamp, snapshot,
/// bins).</summary>
internal sealed record SizeFigures(
    long Timestamp,
    long Snapshot,
    long Targets,
    int Bins,
    double BinMedian,
    long BinMax,
    long BinTotal,
    int IndexFiles,
    double IndexMedian,
    long IndexMax,
    long IndexTotal,
    int NameMarkers,
    int Artifacts,
    double ArtifactMedian,
    long ArtifactTotal,
    int StoreFiles,
    long StoreBytes)
{
    /// <summary>The transparency log (<c>log/</c>): files, bytes, and the bytes of the timestamp's
    /// <c>x-registry-log</c> field.</summary>
    public int LogFiles { get; init; }

    public long LogBytes { get; init; }

    public long TimestampLogBytes { get; init; }
}

/// <summary>Reads a folder store as plain files: listings, diffs, and the current state's sizes.</summary>
internal static class StoreFiles
{
    public static Dictionary<string, FileStamp> List(string root)
    {
        var options = new EnumerationOptions {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.None,
            IgnoreInaccessible = false };
        return new DirectoryInfo(root).EnumerateFiles("*", options)
            .ToDictionary(
                f => Path.GetRelativePath(root, f.FullName).Replace('\\', '/'),
                f => new FileStamp(f.Length, f.LastWriteTimeUtc),
                StringComparer.Ordinal);
    }

    public static WriteFigures Diff(
        IReadOnlyDictionary<string, FileStamp> before,
        IReadOnlyDictionary<string, FileStamp> after)
    {
        var written = after.Where(p => !before.TryGetValue(p.Key, out var old) || old != p.Value)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        return new WriteFigures(
            written.Count,
            written.Sum(p => p.Value.Size),
            written.Select(p => $"{p.Key} {p.Value.Size}").ToList());
    }

    /// <summary>The current length of every target, by target path (<c>index/NAME.json</c>, ...), from the signed bins
    /// and targets.json.</summary>
    public static Dictionary<string, long> CurrentTargets(string site)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (role, path) in CurrentMetadata(site).Where(p => p.Key is not ("timestamp" or "snapshot")))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.GetProperty("signed").TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateObject())
                {
                    result[target.Name] = target.Value.GetProperty("length").GetInt64();
                }
            }
        }

        return result;
    }

    /// <summary>Role name to file path of the current timestamp, snapshot, targets and every bin.</summary>
    public static Dictionary<string, string> CurrentMetadata(string site)
    {
        var timestampPath = Path.Combine(site, "metadata", "timestamp.json");
        var result = new Dictionary<string, string>(StringComparer.Ordinal) { ["timestamp"] = timestampPath };
        using var timestamp = JsonDocument.Parse(File.ReadAllBytes(timestampPath));
        var snapshotVersion = timestamp.RootElement.GetProperty("signed").GetProperty("meta")
            .GetProperty("snapshot.json")
            .GetProperty("version")
            .GetInt64();
        var snapshotPath = Path.Combine(site, "metadata", $"{snapshotVersion}.snapshot.json");
        result["snapshot"] = snapshotPath;
        using var snapshot = JsonDocument.Parse(File.ReadAllBytes(snapshotPath));
        foreach (var meta in snapshot.RootElement.GetProperty("signed").GetProperty("meta").EnumerateObject())
        {
            var role = meta.Name[..^".json".Length];
            result[role] = Path.Combine(
                site,
                "metadata",
                $"{meta.Value.GetProperty("version").GetInt64()}.{role}.json");
        }

        return result;
    }

    /// <summary>The bytes <c>"x-registry-log":{...}</c> takes in a timestamp file (0 without a log).</summary>
    public static long TimestampLogField(string timestampPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(timestampPath));
        return document.RootElement.GetProperty("signed").TryGetProperty("x-registry-log", out var log)
            ? System.Text.Encoding.UTF8.GetByteCount("\"x-registry-log\":,") + log.GetRawText().Length
            : 0;
    }

    public static SizeFigures Sizes(string site)
    {
        var metadata = CurrentMetadata(site);
        var bins = metadata.Where(p => p.Key is not ("timestamp" or "snapshot" or "targets"))
            .Select(p => new FileInfo(p.Value).Length)
            .ToList();
        var targets = CurrentTargets(site);
        var indexes = targets.Where(p => p.Key.StartsWith("index/", StringComparison.Ordinal)).Select(p => p.Value)
            .ToList();
        var listing = List(site);
        var artifacts = listing.Where(p => p.Key.StartsWith("targets/packages/", StringComparison.Ordinal))
            .Select(p => p.Value.Size)
            .ToList();
        return new SizeFigures(
            new FileInfo(metadata["timestamp"]).Length, new FileInfo(metadata["snapshot"])
                .Length, new FileInfo(metadata["targets"]).Length,
            bins.Count, Stats.Median(bins), bins.DefaultIfEmpty().Max(), bins.Sum(),
            indexes.Count, Stats.Median(indexes), indexes.DefaultIfEmpty().Max(), indexes.Sum(),
            targets.Keys.Count(k => k.StartsWith("names/", StringComparison.Ordinal)),
            artifacts.Count, Stats.Median(artifacts), artifacts.Sum(),
            listing.Count, listing.Values.Sum(f => f.Size))
        {
            LogFiles = listing.Keys.Count(k => k.StartsWith("log/", StringComparison.Ordinal)),
            LogBytes = listing.Where(p => p.Key.StartsWith("log/", StringComparison.Ordinal)).Sum(p => p.Value.Size),
            TimestampLogBytes = TimestampLogField(metadata["timestamp"]),
        };
    }
}
