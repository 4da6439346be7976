using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Registry.Core.Index;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;
using static Registry.Core.Tests.Publishing.WriterTests;

namespace Registry.Core.Tests.Publishing;

/// <summary>
/// Registry format 2: a package's only TUF target is its index document at the normalised name;
/// artifacts are pinned by index entries; one publish of one package changes one bin.
/// </summary>
public sealed class ProtocolV2Tests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The one clock of each test: every component it builds gets this instance.</summary>
    private readonly FakeTimeProvider _clock = TestClock.Fixed(Now);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "registry-v2-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Site => Path.Combine(_root, "site");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(IObjectStore Store, KeyRing Keys)> InitAsync(IObjectStore? store = null, int bins = 16)
    {
        store ??= new FolderStore(Site);
        var keys = KeyRing.Load(Path.Combine(_root, "keys"));
        await new RegistryInitializer(store, keys, _clock).InitAsync(new InitOptions { Bins = bins }, Ct);
        return (store, keys);
    }

    [Fact]
    public async Task A_publish_of_one_package_changes_one_bin_which_lists_only_its_index()
    {
        var (store, keys) = await InitAsync(bins: 256);
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("alpha", "1.0.0")], new PublishOptions(), Ct);
        var before = await RegistryState.LoadAsync(store, Ct);

        await writer.PublishAsync([Package("beta", "1.0.0", ("alpha", "[1.0.0, 2.0.0)"))], new PublishOptions(), Ct);

        var after = await RegistryState.LoadAsync(store, Ct);
        var changed = after.Snapshot.Signed.Meta
            .Where(m => before.Snapshot.Signed.Meta[m.Key].Version != m.Value.Version)
            .Select(m => m.Key)
            .ToList();
        Assert.Equal([after.Bins.BinFor("index/beta.json") + ".json"], changed);
        var bin = await after.GetBinAsync(after.Bins.BinFor("index/beta.json"), Ct);
        Assert.All(bin.Signed.Targets.Keys, path => Assert.StartsWith("index/", path, StringComparison.Ordinal));
        var index = IndexJson.ParseIndex(
            (await after.ReadTargetOrNullAsync("index/beta.json", Ct))!,
            "index/beta.json");
        var artifact = await store.GetOrNullAsync(
            RegistryLayout.ArtifactKey(index.Versions[0].Artifact, index.Versions[0].Sha256),
            Ct);
        Assert.NotNull(artifact);
        Assert.True(Hashing.ContentMatches(artifact.Content, index.Versions[0].Length, index.Versions[0].Sha256));
    }

    [Fact]
    public async Task A_colliding_spelling_is_refused_by_the_index_at_the_normalised_name_and_writes_nothing()
    {
        var (store, keys) = await InitAsync();
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("str_util", "1.0.0")], new PublishOptions(), Ct);
        var digest = StoreDigest();

        var refused = await Assert.ThrowsAsync<ValidationException>(
            () => writer.PublishAsync([Package("str-util", "2.0.0")], new PublishOptions(), Ct));

        Assert.Equal("name-collision", refused.Rule);
        Assert.Contains("'str_util'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(digest, StoreDigest());
    }

    [Fact]
    public async Task A_dependency_spelled_unlike_the_published_name_is_refused_with_the_right_spelling()
    {
        var (store, keys) = await InitAsync();
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("str_util", "1.0.0")], new PublishOptions(), Ct);
        var digest = StoreDigest();

        var refused = await Assert.ThrowsAsync<ValidationException>(
            () => writer.PublishAsync([Package("app", "1.0.0", ("str-util", "1.0.0"))], new PublishOptions(), Ct));

        Assert.Equal("dependency-spelling", refused.Rule);
        Assert.Contains("write the dependency as 'str_util'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(digest, StoreDigest());
    }

    [Fact]
    public async Task Yank_under_another_spelling_names_the_published_one()
    {
        var (store, keys) = await InitAsync();
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("str_util", "1.0.0")], new PublishOptions(), Ct);

        var refused = await Assert.ThrowsAsync<ValidationException>(
            () => writer.YankAsync("str-util", "1.0.0", null, undo: false, Ct));

        Assert.Contains("published as 'str_util'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_publish_reads_each_bin_and_each_index_at_most_once()
    {
        var counting = new ReadCountingStore(new FolderStore(Site));
        var (store, keys) = await InitAsync(counting, bins: 16);
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync(
            Enumerable.Range(0, 40).Select(i => Package($"pkg-{i}", "1.0.0")).ToList(),
            new PublishOptions(),
            Ct);
        counting.Reads.Clear();

        // 40 new versions and 20 new packages whose dependencies point at the first 40: every
        // bin is touched by several names, and still read once.
        var batch = Enumerable.Range(0, 40).Select(i => Package($"pkg-{i}", "1.1.0", ($"pkg-{(i + 1) % 40}", "1.0.0")))
            .Concat(Enumerable.Range(40, 20).Select(i => Package($"pkg-{i}", "1.0.0", ($"pkg-{i - 40}", "1.0.0"))))
            .ToList();
        var result = await writer.PublishAsync(batch, new PublishOptions(), Ct);

        Assert.Equal(1, result.Stats!.Attempts);
        var repeated = counting.Reads.Where(r => r.Key.StartsWith("metadata/", StringComparison.Ordinal)
            || r.Key.StartsWith("targets/index/", StringComparison.Ordinal)).Where(r => r.Value > 1).ToList();
        Assert.True(repeated.Count == 0, string.Join(", ", repeated.Select(r => $"{r.Key} x{r.Value}")));
    }

    [Fact]
    public async Task A_registry_of_another_format_is_refused_with_a_message_that_says_so()
    {
        var (store, keys) = await InitAsync();
        var state = await RegistryState.LoadAsync(store, Ct);
        var oldRoot = SignedDocument<RootMetadata>.Create(state.Root.Signed with { LayoutVersion = null },
            keys.KeysFor("root", state.Root.Signed.Roles["root"]), TufJsonContext.Default.RootMetadata);
        File.WriteAllBytes(Path.Combine(Site, "metadata", "1.root.json"), oldRoot.FileBytes);

        var refused = await Assert.ThrowsAsync<VerificationException>(() => RegistryState.LoadAsync(store, Ct));

        Assert.Contains("format 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"reads format {RegistryFormat.Current}", refused.Message, StringComparison.Ordinal);
        var newer = Assert.Throws<VerificationException>(
            () => RegistryFormat.Check(RegistryFormat.Current + 1, "targets"));
        Assert.Contains("Upgrade the registry tool", newer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_keeps_the_artifacts_index_entries_pin_and_deletes_replaced_indexes()
    {
        var (store, keys) = await InitAsync();
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("alpha", "1.0.0")], new PublishOptions(), Ct);
        await writer.PublishAsync([Package("alpha", "1.1.0")], new PublishOptions(), Ct);
        await writer.YankAsync("alpha", "1.0.0", null, undo: false, Ct);

        TestClock.BackdateFiles(Site, _clock.GetUtcNow().AddDays(-30));
        var collected = await CollectAsync(store, TimeSpan.FromDays(7));

        Assert.Contains(collected.Deleted, key => key.StartsWith("targets/index/", StringComparison.Ordinal));
        Assert.DoesNotContain(collected.Deleted, key => key.StartsWith("targets/packages/", StringComparison.Ordinal));
        var audit = await new RegistryAuditor(store, _clock).AuditAsync(Ct);
        Assert.True(audit.Ok, string.Join("\n", audit.Errors));
        Assert.Equal(2, audit.Versions);
    }

    /// <summary>Runs gc on the test's clock, moving it through gc's settle time.</summary>
    private Task<CollectResult> CollectAsync(IObjectStore store, TimeSpan grace) =>
        _clock.RunAsync(
            () => new RegistryCollector(store, _clock).CollectAsync(grace, dryRun: false, Ct),
            TimeSpan.FromSeconds(1),
            cancellationToken: Ct);

    private string StoreDigest()
    {
        var files = Directory.EnumerateFiles(
            Site,
            "*",
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(
                f => Path.GetRelativePath(Site, f) + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
        return string.Join("\n", files);
    }

    /// <summary>Counts reads per key (a bin read twice in one publish is a cost that grows with the batch).</summary>
    private sealed class ReadCountingStore(IObjectStore inner) : IObjectStore
    {
        public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        public string Location => inner.Location;

        public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
        {
            Reads.AddOrUpdate(key, 1, (_, n) => n + 1);
            return inner.GetOrNullAsync(key, cancellationToken);
        }

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

        public Task<SwapResult> SwapAsync(
            string key,
            ReadOnlyMemory<byte> content,
            string? expectedVersionTag,
            ObjectHeaders headers,
            CancellationToken cancellationToken) =>
            inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);

        public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
            => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
            => inner.DeleteAsync(key, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
