using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Registry.Log;

namespace Registry.Benchmarks;

/// <summary>
/// <c>log</c>: the transparency log's costs at a size (default 60,000 commits, Hex's version count, one
/// entry per publish of one package), for the entry format the writer uses (v2: the leaf entry is the
/// 32-byte SHA-256 of the commit's record, which is a file of its own) beside the earlier one (v1: the
/// record itself was the leaf entry): the bytes one commit writes for the log (record, tiles, entry bundle,
/// checkpoint) over a tile's 256 positions while the log is small and at the size (median and max), the
/// log's size with and without the partial tiles and bundles gc may delete, the bytes the timestamp
/// carries for it (what a cold install pays, with no extra request), and what a client's update after one
/// more commit fetches for the consistency proof. Entries are appended by the writer's
/// <see cref="LogAppender"/>; the registry around the log is not built.
/// </summary>
internal static class LogBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var size = args.SkipWhile(a => a != "--commits").Skip(1)
            .Select(a => long.Parse(a, CultureInfo.InvariantCulture))
            .FirstOrDefault(60_000);
        var key = NoteSigner.Generate("registry.example.com/log", NoteKeyType.Ed25519);
        Console.WriteLine(
            $"transparency log at {size:N0} commits (one entry per commit, {Record(size).Length} B records)");
        Console.WriteLine("| row | v1: the record is the entry | v2: the entry is the record's SHA-256 |");
        Console.WriteLine("| --- | --- | --- |");
        var v1 = await MeasureAsync(size, key, n => Record(n), 0);
        var v2 = await MeasureAsync(size, key, n => LogEntry.LeafEntry(Record(n)), n => Record(n).Length);
        foreach (var (row, a, b) in v1.Zip(v2, (a, b) => (a.Row, a.Figure, b.Figure)))
        {
            Console.WriteLine($"| {row} | {a} | {b} |");
        }

        return 0;
    }

    private static Task<List<(string Row, string Figure)>> MeasureAsync(
        long size,
        NoteSigner key,
        Func<long, byte[]> entry,
        int recordBytes) =>
        MeasureAsync(size, key, entry, _ => recordBytes);

    private static async Task<List<(string Row, string Figure)>> MeasureAsync(
        long size,
        NoteSigner key,
        Func<long, byte[]> entry,
        Func<long, int> recordBytes)
    {
        var store = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        LogFileReader read = (k, _) => Task.FromResult(store.TryGetValue(k, out var b) ? b : null);
        var small = new List<long>();
        var large = new List<long>();
        long records = 0;
        for (long n = 0; n < size; n++)
        {
            var append = await LogAppender.AppendAsync("log/", n, [entry(n)], read, CancellationToken.None);
            foreach (var file in append.Files)
            {
                store[file.Key] = file.Content;
            }

            records += recordBytes(n);
            var written = append.Files.Sum(f => f.Content.LongLength) + recordBytes(n) + Checkpoint(key, append).Length;
            (n < 256 ? small : n >= size - 256 ? large : null)?.Add(written);
        }

        var logBytes = store.Values.Sum(v => (long)v.Length) + records;
        var partial = store.Where(p => p.Key.Contains(".p/", StringComparison.Ordinal)).ToList();
        var kept = partial.Where(p => !TilePath.IsFullWithin("log/", TilePath.FullOf(p.Key)!, size)).ToList();
        var afterGc = logBytes - partial.Sum(p => (long)p.Value.Length) + kept.Sum(p => (long)p.Value.Length);
        var files = store.Count + (recordBytes(0) > 0 ? size : 0);
        var afterGcFiles = files - partial.Count + kept.Count;

        var tree = new TileReader("log/", size, read);
        var proof = await tree.InclusionProofAsync(size - 1, CancellationToken.None);
        var note = Checkpoint(key, new LogAppend(size, await tree.RootAsync(CancellationToken.None), []));
        var timestampField = Encoding.UTF8
            .GetByteCount("\"x-registry-log\":{\"checkpoint\":\"\",\"entry\":\"\",\"proof\":[]}")
            + Base64(note.Length) + Base64(Record(size - 1).Length) + (proof.Count * (Base64(32) + 3));

        var next = await LogAppender.AppendAsync("log/", size, [entry(size)], read, CancellationToken.None);
        foreach (var file in next.Files)
        {
            store[file.Key] = file.Content;
        }

        var updated = new TileReader("log/", size + 1, read);
        await updated.ConsistencyProofAsync(size, CancellationToken.None);
        return
        [
            ("bytes a commit writes for the log, first 256 commits: median / max", $"{Median(small):N0} / "
                + $"{small.Max():N0} B"),
            ($"bytes a commit writes for the log, last 256 of {size:N0}: median / max", $"{Median(large):N0} / "
                + $"{large.Max():N0} B"),
            ("log size, every file kept", $"{logBytes / 1e6:N1} MB in {files:N0} files"),
            ("log size after gc (superseded partials deleted)", $"{afterGc / 1e6:N1} MB in {afterGcFiles:N0} files"),
            ("cold install: extra requests, timestamp bytes", $"0, +{timestampField:N0} B ({proof.Count}-hash proof)"),
            ("update after one commit (consistency proof)", $"{updated.Reads} request(s), {updated.BytesRead:N0} B"),
        ];
    }

    private static long Median(List<long> values) => values.Order().ElementAt(values.Count / 2);

    private static byte[] Checkpoint(NoteSigner key, LogAppend append)
    {
        var checkpoint = new Checkpoint(key.Name, append.Size, append.Root);
        return new SignedNote(checkpoint.Text, [key.Sign(checkpoint.Text, DateTimeOffset.UnixEpoch)]).ToBytes();
    }

    private static int Base64(int bytes) => (bytes + 2) / 3 * 4;

    private static byte[] Record(long n)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(n)));
        return new LogEntry(
            n + 1,
            n + 1,
            hash,
            1,
            [new LogPackage("package-" + (n % 10_000).ToString("00000", CultureInfo.InvariantCulture), hash)])
            .ToBytes();
    }
}
