using Registry.Core.Keys;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;
using Registry.Testing;

namespace Registry.Core.Tests.Publishing;

/// <summary>The writer's side of the transparency log: one entry per commit, written in the CAS discipline.</summary>
public sealed class LogWriterTests : LogTests
{
    private static async Task<List<LogEntry>> EntriesAsync(IObjectStore store)
    {
        var checkpoint = Checkpoint.Parse(
            SignedNote.Parse((await store.GetOrNullAsync("log/checkpoint", Ct))!.Content).Text);
        var entries = new List<LogEntry>();
        for (long bundle = 0; bundle * 256 < checkpoint.Size; bundle++)
        {
            var bytes = (await store.GetOrNullAsync(
                TilePath.Entries("log/", bundle, TilePath.WidthOf(bundle, checkpoint.Size)),
                Ct))!.Content;
            foreach (var entry in EntryBundle.Decode(bytes))
            {
                entries.Add(await LogEntry.ReadRecordAsync(
                    "log/",
                    entry,
                    async (key, ct) => (await store.GetOrNullAsync(key, ct))?.Content,
                    Ct));
            }
        }

        return entries;
    }

    [Fact]
    public async Task Every_commit_appends_one_entry_that_the_timestamp_proves()
    {
        var store = new FolderStore(Site);
        var keys = await InitAsync(store);
        var writer = new RegistryWriter(store, keys, Clock);
        await writer.PublishAsync(
            [WriterTests.Package("alpha", "1.0.0"), WriterTests.Package("beta", "1.0.0")],
            new PublishOptions(),
            Ct);
        await writer.YankAsync("alpha", "1.0.0", null, undo: false, Ct);
        await writer.RefreshAsync(Ct);

        var entries = await EntriesAsync(store);
        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.TimestampVersion));
        Assert.Empty(entries[0].Packages);
        Assert.Equal(["alpha", "beta"], entries[1].Packages.Select(p => p.Name));
        Assert.Equal(["alpha"], entries[2].Packages.Select(p => p.Name));
        Assert.Empty(entries[3].Packages);

        var state = await RegistryState.LoadAsync(store, Ct);
        var stamped = state.Timestamp.Signed.Log!;
        var snapshot = state.Timestamp.Signed.Meta["snapshot.json"];
        var logged = StateProof.Verify(
            stamped.Checkpoint,
            stamped.Entry,
            stamped.Proof,
            NoteVerifier.Parse(state.Root.Signed.Log!.Key),
            state.Timestamp.Signed.Version,
            snapshot.Version,
            snapshot.Hashes!["sha256"]);
        Assert.Equal(4, logged.Checkpoint.Size);
        Assert.Equal(Origin, state.Root.Signed.Log!.Origin);
        Assert.True(File.Exists(Path.Combine(Root, "keys", LogKey.FileName)));
        Assert.Equal("public, max-age=60", new CachePolicy().CacheControlOf("log/checkpoint"));
        Assert.Equal(CachePolicy.Immutable, new CachePolicy().CacheControlOf("log/tile/0/000.p/4"));
        var report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("; ", report.Errors));
    }

    [Fact]
    public async Task Racing_publishers_append_in_turn_and_the_log_never_forks()
    {
        // The rival starts while this publisher holds the right edge (tiles written, checkpoint not yet
        // swapped): it meets this publisher's tiles, waits (its lease), sees the checkpoint move, starts
        // over and appends after this publisher's entry.
        var folder = new FolderStore(Site);
        var racing = new HookedStore(folder);
        var keys = await InitAsync(racing);
        Task<PublishResult>? rival = null;
        racing.BeforeSwap = async key =>
        {
            if (key == "log/checkpoint")
            {
                racing.BeforeSwap = null;
                var options = new WriterOptions { LogLease = TimeSpan.FromSeconds(5) };
                rival = Task.Run(() => new RegistryWriter(folder, keys, Clock, options).PublishAsync(
                    [WriterTests.Package("rival", "1.0.0")],
                    new PublishOptions(),
                    Ct), Ct);
                await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
            }
        };

        var result = await new RegistryWriter(racing, keys, Clock).PublishAsync(
            [WriterTests.Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);
        var rivalResult = await rival!;

        Assert.Equal(1, result.Stats!.Attempts);
        Assert.NotNull(rivalResult.Stats);
        var entries = await EntriesAsync(folder);
        Assert.Equal([[], ["alpha"], ["rival"]], entries.Select(e => e.Packages.Select(p => p.Name).ToArray()));
        var report = await new RegistryAuditor(folder, Clock).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("; ", report.Errors));
    }

    [Fact]
    public async Task A_timestamp_race_lost_after_the_log_moved_leaves_a_never_current_entry_and_a_valid_log()
    {
        var folder = new FolderStore(Site);
        var racing = new HookedStore(folder);
        var keys = await InitAsync(racing);
        racing.BeforeSwap = async key =>
        {
            if (key == RegistryLayout.TimestampKey)
            {
                racing.BeforeSwap = null;
                await new RegistryWriter(folder, keys, Clock).PublishAsync(
                    [WriterTests.Package("rival", "1.0.0")],
                    new PublishOptions(),
                    Ct);
            }
        };

        await new RegistryWriter(racing, keys, Clock).PublishAsync(
            [WriterTests.Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);

        var entries = await EntriesAsync(folder);
        Assert.Equal(4, entries.Count);
        Assert.Equal(["alpha"], entries[1].Packages.Select(p => p.Name)); // logged, then lost the timestamp swap
        Assert.Equal(["rival"], entries[2].Packages.Select(p => p.Name));
        Assert.Equal(["alpha"], entries[3].Packages.Select(p => p.Name));
        var report = await new RegistryAuditor(folder, Clock).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("; ", report.Errors));
    }

    [Fact]
    public async Task A_killed_publishs_leftover_is_taken_over_once_its_lease_runs_out()
    {
        var store = new FolderStore(Site);
        var keys = await InitAsync(store);
        var leftover = new byte[32 * 2];
        await store.PutIfAbsentAsync("log/tile/0/000.p/2", leftover, new CachePolicy().For("log/tile/0/000.p/2"), Ct);

        var taker = new RegistryWriter(store, keys, Clock, new WriterOptions { LogLease = TimeSpan.FromSeconds(1) });
        await taker.PublishAsync([WriterTests.Package("alpha", "1.0.0")], new PublishOptions(), Ct);
        Assert.NotEqual(leftover, (await store.GetOrNullAsync("log/tile/0/000.p/2", Ct))!.Content);
        Assert.Empty(store.ListAsync("log/.lease", Ct).ToBlockingEnumerable(Ct));
        var report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("; ", report.Errors));
    }

    [Fact]
    public async Task A_publish_without_the_log_key_writes_nothing()
    {
        var store = new FolderStore(Site);
        var keys = await InitAsync(store);
        File.Move(Path.Combine(Root, "keys", LogKey.FileName), Path.Combine(Root, "log.key.away"));
        var before = StoreDigest.Of(Site);
        var error = await Assert.ThrowsAsync<EnvironmentException>(() => new RegistryWriter(store, keys, Clock)
            .PublishAsync([WriterTests.Package("alpha", "1.0.0")], new PublishOptions(), Ct));
        Assert.Contains("log.key", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, StoreDigest.Of(Site));
    }

    [Fact]
    public async Task Verify_reports_a_tampered_tile_and_a_missing_bundle()
    {
        var store = new FolderStore(Site);
        var keys = await InitAsync(store);
        await new RegistryWriter(store, keys, Clock).PublishAsync(
            [WriterTests.Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);
        var tile = Path.Combine(Site, "log", "tile", "0", "000.p", "2");
        var bytes = File.ReadAllBytes(tile);
        bytes[0] ^= 1;
        File.WriteAllBytes(tile, bytes);
        var report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.Contains(report.Errors, e => e.StartsWith("log:", StringComparison.Ordinal));

        bytes[0] ^= 1;
        File.WriteAllBytes(tile, bytes);
        File.Delete(Path.Combine(Site, "log", "tile", "entries", "000.p", "2"));
        report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.Contains(report.Errors, e => e.Contains("tile/entries/000.p/2: missing", StringComparison.Ordinal));
    }

    private sealed class HookedStore(IObjectStore inner) : IObjectStore
    {
        public Func<string, Task>? BeforeSwap { get; set; }

        public string Location => inner.Location;

        public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
            => inner.GetOrNullAsync(key, cancellationToken);

        public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
            => inner.OpenReadOrNullAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
            => inner.ExistsAsync(key, cancellationToken);

        public Task<PutResult> PutIfAbsentAsync(
            string key,
            Stream content,
            long length,
            ObjectHeaders headers,
            CancellationToken cancellationToken) =>
            inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken);

        public async Task<SwapResult> SwapAsync(
            string key,
            ReadOnlyMemory<byte> content,
            string? expectedVersionTag,
            ObjectHeaders headers,
            CancellationToken cancellationToken)
        {
            if (BeforeSwap is { } action)
            {
                await action(key);
            }

            return await inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);
        }

        public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
            => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
            => inner.DeleteAsync(key, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
