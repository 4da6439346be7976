using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Registry.Log;

namespace Registry.Benchmarks;

/// <summary>
/// <c>log</c>: the transparency log's costs at a size (default 60,000 commits, Hex's version count, one
/// entry per publish of one package): the bytes one append writes (tiles, entry bundle, checkpoint) into
/// the empty log and into the full one (its worst case at a tile's end, and its mean over a tile's 256
/// positions), the log's size, the bytes the timestamp carries for it (what a cold install pays, with no
/// extra request), and what a client's update after one more commit fetches for the consistency proof.
/// Entries are shaped as the writer's (one package, SHA-256s) and appended by the writer's
/// <see cref="LogAppender"/>; the registry around the log is not built.
/// </summary>
internal static class LogBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var size = args.SkipWhile(a => a != "--commits").Skip(1).Select(a => long.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(60_000);
        var key = NoteSigner.Generate("registry.example.com/log", NoteKeyType.Ed25519);
        var store = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        LogFileReader read = (k, _) => Task.FromResult(store.TryGetValue(k, out var b) ? b : null);

        var empty = await AppendOneAsync(store, read, key, 0);
        var perAppend = new List<long>();
        for (long n = 0; n < size; n++)
        {
            var append = await LogAppender.AppendAsync("log/", n, [Entry(n)], read, CancellationToken.None);
            foreach (var file in append.Files)
            {
                store[file.Key] = file.Content;
            }

            if (n >= size - 256)
            {
                perAppend.Add(append.Files.Sum(f => f.Content.LongLength) + Checkpoint(key, append).Length);
            }
        }

        var logBytes = store.Values.Sum(v => (long)v.Length);
        var immutableBytes = store.Where(p => !p.Key.Contains(".p/", StringComparison.Ordinal)).Sum(p => (long)p.Value.Length);
        var full = await AppendOneAsync(new Dictionary<string, byte[]>(store, StringComparer.Ordinal), read, key, size);
        var tree = new TileReader("log/", size, read);
        var proof = await tree.InclusionProofAsync(size - 1, CancellationToken.None);
        var note = Checkpoint(key, new LogAppend(size, await tree.RootAsync(CancellationToken.None), []));
        var timestampField = Encoding.UTF8.GetByteCount("\"x-registry-log\":{\"checkpoint\":\"\",\"entry\":\"\",\"proof\":[]}")
            + Base64(note.Length) + Base64(Entry(size - 1).Length) + (proof.Count * (Base64(32) + 3));

        var next = await LogAppender.AppendAsync("log/", size, [Entry(size)], read, CancellationToken.None);
        foreach (var file in next.Files)
        {
            store[file.Key] = file.Content;
        }

        var updated = new TileReader("log/", size + 1, read);
        await updated.ConsistencyProofAsync(size, CancellationToken.None);

        Console.WriteLine($"transparency log at {size:N0} commits (one entry per commit, {Entry(size).Length} B entries)");
        Console.WriteLine($"  append into the empty log:             {empty:N0} B (files written: tiles, bundle, checkpoint)");
        Console.WriteLine($"  append into the full log:              {full:N0} B at size {size:N0} (position {size % 256} in its tile)");
        Console.WriteLine($"  append over the last 256 positions:    mean {perAppend.Average():N0} B, max {perAppend.Max():N0} B");
        Console.WriteLine($"  log size:                              {logBytes / 1e6:N1} MB in {store.Count:N0} files ({immutableBytes / 1e6:N1} MB full tiles and bundles, the rest partial ones)");
        Console.WriteLine($"  cold install:                          0 extra requests; the timestamp carries {timestampField:N0} B more (checkpoint, entry, {proof.Count}-hash inclusion proof)");
        Console.WriteLine($"  warm install, registry unchanged:      0 extra requests, 0 B");
        Console.WriteLine($"  update after one commit:               {updated.Reads} request(s), {updated.BytesRead:N0} B of tiles for the consistency proof");
        return 0;
    }

    private static async Task<long> AppendOneAsync(Dictionary<string, byte[]> store, LogFileReader read, NoteSigner key, long size)
    {
        LogFileReader local = (k, ct) => store.TryGetValue(k, out var b) ? Task.FromResult<byte[]?>(b) : read(k, ct);
        var append = await LogAppender.AppendAsync("log/", size, [Entry(size)], local, CancellationToken.None);
        return append.Files.Sum(f => f.Content.LongLength) + Checkpoint(key, append).Length;
    }

    private static byte[] Checkpoint(NoteSigner key, LogAppend append)
    {
        var checkpoint = new Checkpoint(key.Name, append.Size, append.Root);
        return new SignedNote(checkpoint.Text, [key.Sign(checkpoint.Text, DateTimeOffset.UnixEpoch)]).ToBytes();
    }

    private static int Base64(int bytes) => (bytes + 2) / 3 * 4;

    private static byte[] Entry(long n)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(n)));
        return new LogEntry(n + 1, n + 1, hash, 1, [new LogPackage("package-" + (n % 10_000).ToString("00000", CultureInfo.InvariantCulture), hash)]).ToBytes();
    }
}
