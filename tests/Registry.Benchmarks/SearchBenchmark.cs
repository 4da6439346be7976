using System.Diagnostics;
using System.IO.Compression;
using Registry.Benchmarks.Hex;
using Registry.Core.Index;
using Registry.Search;
using Registry.Search.Internal;
using static Registry.Benchmarks.Bench;

namespace Registry.Benchmarks;

/// <summary>
/// The search index at Hex scale, in memory (the shards' bytes are what the view writes; the
/// store adds nothing to them): building every shard from scratch, what a cold query fetches
/// (files, bytes, and bytes after the gzip a CDN applies), and what one publish of a new package
/// rewrites. Packages come from the Hex generator (names and 8-word descriptions from a small
/// vocabulary: every word is common, the worst case for caps) or from a corpus
/// (<c>--corpus FILE</c>: tab-separated, name in the first column, description in the last, e.g.
/// PyPI's most downloaded packages).
/// </summary>
internal static class SearchBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var packages = Arg(args, "--packages", 10_000);
        var versions = Arg(args, "--versions", 60_000);
        var queries = Arg(args, "--queries", 300);
        var corpus = args.SkipWhile(a => a != "--corpus").Skip(1).FirstOrDefault();
        var random = new Random(1);
        var all = corpus is null ? FromHex(packages + 100, versions, random) : FromCorpus(corpus, packages + 100);
        var held = all.Skip(packages).Take(100).ToList();
        var entries = all.Take(packages).ToList();
        Console.WriteLine($"search index of {entries.Count} packages "
            + $"({(corpus is null ? $"Hex generator, {versions} versions" : Path.GetFileName(corpus))}); shard bound "
            + $"{SearchShard.MaxBytes} bytes, {SearchShard.MaxPerWord} packages a word");

        var clock = Stopwatch.StartNew();
        var shards = SearchIndexBuilder.Build(entries);
        var bytes = shards.ToDictionary(s => s.Key, s => s.Value.ToBoundedJson(), StringComparer.Ordinal);
        var records = entries.Sum(e => (long)PackageRecordSize(e));
        clock.Stop();
        var sizes = bytes.Values.Select(b => b.Length).Order().ToList();
        Console.WriteLine($"build from scratch: {clock.Elapsed.TotalSeconds:0.0} s, {bytes.Count} shards, "
            + $"{sizes.Sum(s => (long)s) / 1024.0:0} KiB; shard size median {Median(sizes) / 1024.0:0.0} KiB, p99 "
            + $"{sizes[(int)(sizes.Count * 0.99)] / 1024.0:0.0} KiB, max {sizes[^1] / 1024.0:0.0} KiB; + "
            + $"{entries.Count} package records, {records / 1024.0:0} KiB");
        var capped = shards.Values.Sum(s => s.Words.Count(w => w.Value.Count >= SearchShard.MaxPerWord));
        Console.WriteLine($"words listing the cap ({SearchShard.MaxPerWord}) or trimmed by the shard bound: {capped} "
            + $"of {shards.Values.Sum(s => s.Words.Count)}");

        var parsed = bytes.ToDictionary(b => b.Key, b => SearchShard.Parse(b.Value, b.Key), StringComparer.Ordinal);
        var gzipped = new Dictionary<string, int>(StringComparer.Ordinal);
        var cold = new List<(int Files, long Bytes, long Gzip)>();
        var exactFirst = 0;
        var names = 0;
        for (var i = 0; i < queries; i++)
        {
            var entry = entries[random.Next(entries.Count)];
            var description = entry.Words.Where(w => w != entry.Name && !SearchText.Tokens(entry.Name).Contains(w))
                .ToList();
            var word = description.Count > 0 ? description[random.Next(description.Count)] : entry.Name;
            foreach (var query in new[] {
                entry.Name,
                entry.Name[..Math.Min(entry.Name.Length, 3 + random.Next(3))],
                word,
                $"{SearchText.Tokens(entry.Name).First()} {word}" })
            {
                var keys = SearchQuery.Terms(query).Select(t => SearchText.KeyOf(t)!).Distinct(StringComparer.Ordinal)
                    .Take(SearchQuery.MaxShards)
                    .ToList();
                var fetched = keys.Where(parsed.ContainsKey)
                    .ToDictionary(k => k, k => parsed[k], StringComparer.Ordinal);
                cold.Add((keys.Count, keys.Sum(k => (long)(bytes.GetValueOrDefault(k)?.Length ?? 0)), keys.Sum(
                    k => (long)GzipSize(gzipped, k, bytes))));
                if (query == entry.Name)
                {
                    names++;
                    var first = SearchQuery.Answer(query, fetched, 1).FirstOrDefault()?.Name == entry.Name;
                    exactFirst += first ? 1 : 0;
                    if (!first && args.Contains("--misses"))
                    {
                        Console.WriteLine($"  not first: {query}");
                    }
                }
            }
        }

        Console.WriteLine($"cold query ({cold.Count}: name, name prefix, description word, name word + description "
            + $"word): files max {cold.Max(c => c.Files)}, bytes median "
            + $"{Median(cold.Select(c => c.Bytes)) / 1024.0:0.0} KiB, max {cold.Max(c => c.Bytes) / 1024.0:0.0} KiB; "
            + $"gzip median {Median(cold.Select(c => c.Gzip)) / 1024.0:0.0} KiB, max "
            + $"{cold.Max(c => c.Gzip) / 1024.0:0.0} KiB; exact name first {exactFirst} of {names}");

        // What one publish writes: its record, and each shard of its keys whose bytes change (the view
        // skips a swap when they do not: a package below a full word's cap leaves that shard as it was).
        // "touched" counts every shard of its keys, as the first version of this benchmark did.
        var publishes = new List<(int Files, long Bytes, int Touched, long TouchedBytes)>();
        foreach (var entry in held)
        {
            long written = PackageRecordSize(entry);
            long touched = written;
            var files = 1;
            foreach (var key in entry.Keys)
            {
                var current = bytes.GetValueOrDefault(key);
                var shard = current is null ? new SearchShard(key) : SearchShard.Parse(current, key);
                shard.Add(entry);
                var next = shard.ToBoundedJson();
                touched += next.Length;
                if (current is null || !current.AsSpan().SequenceEqual(next))
                {
                    written += next.Length;
                    files++;
                }
            }

            publishes.Add((files, written, entry.Keys.Count + 1, touched));
        }

        Console.WriteLine("publish of a new package (100 samples), files and bytes written: files median "
            + $"{Median(publishes.Select(p => (long)p.Files)):0}, max {publishes.Max(p => p.Files)}; bytes median "
            + $"{Median(publishes.Select(p => p.Bytes)) / 1024.0:0.0} KiB, max "
            + $"{publishes.Max(p => p.Bytes) / 1024.0:0.0} KiB");
        Console.WriteLine("  shards of its keys, changed or not: files median "
            + $"{Median(publishes.Select(p => (long)p.Touched)):0}, max {publishes.Max(p => p.Touched)}; bytes median "
            + $"{Median(publishes.Select(p => p.TouchedBytes)) / 1024.0:0.0} KiB, max "
            + $"{publishes.Max(p => p.TouchedBytes) / 1024.0:0.0} KiB");
        return Task.FromResult(0);
    }

    private static int PackageRecordSize(SearchEntry entry) => PackageRecord.Write(entry.Name, entry.Keys).Length;

    private static int GzipSize(Dictionary<string, int> cache, string key, Dictionary<string, byte[]> bytes)
    {
        if (!bytes.TryGetValue(key, out var content))
        {
            return 0;
        }

        if (!cache.TryGetValue(key, out var size))
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(content);
            }

            cache[key] = size = (int)buffer.Length;
        }

        return size;
    }

    private static List<SearchEntry> FromHex(int packages, int versions, Random random)
    {
        var shape = HexShape.Generate(packages, Math.Max(packages, versions * packages / (packages - 100)), 1);
        return shape.Packages.Select(p => SearchText.EntryOf(new PackageIndex
        {
            Name = p.Name,
            Versions = p.Versions
                .Select(v => Entry(
                    p.Name,
                    v.Version.ToNormalizedString(),
                    $"{p.Name}: {HexArtifacts.Sentence(random, 8)}"))
                .ToList(),
        })!).ToList();
    }

    private static List<SearchEntry> FromCorpus(string file, int packages)
    {
        var entries = new List<SearchEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file).Skip(1))
        {
            var columns = line.Split('\t');
            var name = new string(columns[0].ToLowerInvariant()
                .Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' ? c : '-')
                .ToArray());
            if (columns.Length < 3 || columns[^1].Length == 0 || name.Length is 0 or > 64 || !seen.Add(name))
            {
                continue;
            }

            entries.Add(
                SearchText.EntryOf(new PackageIndex { Name = name, Versions = [Entry(name, "1.0.0", columns[^1])] })!);
            if (entries.Count == packages)
            {
                break;
            }
        }

        return entries;
    }

    private static IndexEntry Entry(string name, string version, string description) => new()
    {
        Version = version,
        Dependencies = new Dictionary<string, string>(),
        Artifact = $"packages/{name}/{version}/{name}-{version}.tgz",
        Length = 1,
        Sha256 = new string('0', 64),
        Published = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Description = description,
    };

    private static double Median(IEnumerable<long> values)
    {
        var list = values.Order().ToList();
        return list.Count == 0 ? 0 : list[list.Count / 2];
    }

    private static double Median(IReadOnlyList<int> sorted) => sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
}
