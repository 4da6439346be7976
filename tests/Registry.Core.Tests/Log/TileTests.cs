using Registry.Log;

namespace Registry.Core.Tests.Log;

/// <summary>The tiled log: paths, appends that write only the right edge, and proofs computed from tiles.</summary>
public sealed class TileTests
{
    [Theory]
    [InlineData(0, 0L, 256, "tile/0/000")]
    [InlineData(1, 1234067L, 256, "tile/1/x001/x234/067")]
    [InlineData(0, 5L, 17, "tile/0/005.p/17")]
    [InlineData(2, 1000L, 1, "tile/2/x001/000.p/1")]
    public void Tile_paths_follow_tlog_tiles(int level, long index, int width, string path) =>
        Assert.Equal(path, TilePath.Hash("", level, index, width));

    [Fact]
    public void Entry_bundle_paths_follow_tlog_tiles()
        => Assert.Equal("log/tile/entries/x001/x234/067.p/3", TilePath.Entries("log/", 1234067, 3));

    [Fact]
    public void A_tree_of_70000_has_the_tiles_the_specification_lists()
    {
        // tlog-tiles: 273 full level-0 tiles, a partial of 112, one full level-1 tile, a partial of 17, a level-2
        // partial of 1.
        var files = Build(70_000, batch: 997).Keys.Where(k => !k.Contains("entries", StringComparison.Ordinal))
            .ToHashSet();
        Assert.Contains("tile/0/272", files);
        Assert.Contains("tile/0/273.p/112", files);
        Assert.Contains("tile/1/000", files);
        Assert.Contains("tile/1/001.p/17", files);
        Assert.Contains("tile/2/000.p/1", files);
    }

    [Fact]
    public async Task Every_size_up_to_600_has_the_reference_root_and_every_proof_verifies()
    {
        var entries = Enumerable.Range(0, 600).Select(i => BitConverter.GetBytes(i * 7919)).ToList();
        var leaves = entries.Select(e => Merkle.LeafHash(e)).ToList();
        var store = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long size = 0;
        var roots = new List<byte[]> { Merkle.EmptyRoot() };
        var random = new Random(20);
        while (size < entries.Count)
        {
            var take = Math.Min(entries.Count - (int)size, random.Next(1, 40));
            var append = await LogAppender.AppendAsync(
                "",
                size,
                entries.GetRange((int)size, take),
                Reader(store),
                TestContext.Current.CancellationToken);
            foreach (var file in append.Files)
            {
                Assert.True(store.TryAdd(file.Key, file.Content), $"{file.Key} written twice");
            }

            for (var s = size + 1; s <= size + take; s++)
            {
                roots.Add(Merkle.RootOfLeafHashes(leaves, 0, (int)s));
            }

            size = append.Size;
            Assert.Equal(roots[(int)size], append.Root);
            var tree = new TileReader("", size, Reader(store));
            Assert.Equal(roots[(int)size], await tree.RootAsync(TestContext.Current.CancellationToken));
            foreach (var index in new[] { 0, size / 2, size - 1 })
            {
                var proof = await tree.InclusionProofAsync(index, TestContext.Current.CancellationToken);
                Assert.True(
                    Merkle.VerifyInclusion(leaves[(int)index], index, size, proof, roots[(int)size]),
                    $"inclusion {index} in {size}");
            }

            foreach (var old in new[] { 1, size / 3, size - take, size - 1 }.Where(o => o > 0))
            {
                var proof = await tree.ConsistencyProofAsync(old, TestContext.Current.CancellationToken);
                Assert.True(
                    Merkle.VerifyConsistency(old, size, proof, roots[(int)old], roots[(int)size]),
                    $"consistency {old} -> {size}");
            }
        }

        Assert.Equal(entries, EntryBundle.Decode(store["tile/entries/000"]).Concat(
            EntryBundle.Decode(store["tile/entries/001"])).Concat(EntryBundle.Decode(store["tile/entries/002.p/88"])));
    }

    [Fact]
    public async Task An_append_writes_a_constant_number_of_small_files()
    {
        var store = Build(70_000, batch: 1000);
        var append = await LogAppender.AppendAsync(
            "",
            70_000,
            [[1, 2, 3]],
            Reader(store),
            TestContext.Current.CancellationToken);
        Assert.Equal(
            ["tile/0/273.p/113", "tile/entries/273.p/113"],
            append.Files.Select(f => f.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_tampered_or_truncated_tile_breaks_the_proof()
    {
        var store = Build(300, batch: 300);
        var tree = new TileReader("", 300, Reader(store));
        var root = await tree.RootAsync(TestContext.Current.CancellationToken);
        var tampered = new Dictionary<string, byte[]>(store, StringComparer.Ordinal);
        tampered["tile/0/001.p/44"] = [.. store["tile/0/001.p/44"]];
        tampered["tile/0/001.p/44"][5] ^= 1;
        Assert.NotEqual(
            root,
            await new TileReader("", 300, Reader(tampered)).RootAsync(TestContext.Current.CancellationToken));
        tampered["tile/0/001.p/44"] = store["tile/0/001.p/44"][..64];
        await Assert.ThrowsAsync<LogException>(
            () => new TileReader("", 300, Reader(tampered)).RootAsync(TestContext.Current.CancellationToken));
        tampered.Remove("tile/0/001.p/44");
        var missing = await Assert.ThrowsAsync<LogException>(
            () => new TileReader("", 300, Reader(tampered)).RootAsync(TestContext.Current.CancellationToken));
        Assert.Contains("tile/0/001.p/44: missing", missing.Message, StringComparison.Ordinal);
    }

    internal static LogFileReader Reader(IReadOnlyDictionary<string, byte[]> store) =>
        (key, _) => Task.FromResult(store.TryGetValue(key, out var bytes) ? bytes : null);

    internal static Dictionary<string, byte[]> Build(long size, int batch)
    {
        var store = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (long done = 0; done < size;)
        {
            var take = (int)Math.Min(batch, size - done);
            var entries = Enumerable.Range(0, take).Select(i => BitConverter.GetBytes(done + i)).ToList();
            var append = LogAppender.AppendAsync("", done, entries, Reader(store), CancellationToken.None).GetAwaiter()
                .GetResult();
            foreach (var file in append.Files)
            {
                store[file.Key] = file.Content;
            }

            done = append.Size;
        }

        return store;
    }
}
