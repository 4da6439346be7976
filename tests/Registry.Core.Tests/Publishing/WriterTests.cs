using Microsoft.Extensions.Time.Testing;
using NuGet.Versioning;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Core.Tests.Publishing;

public sealed class WriterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The one clock of each test: every component it builds gets this instance.</summary>
    private readonly FakeTimeProvider _clock = TestClock.Fixed(Now);
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-writer-tests",
        Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    internal static PackageFile Package(
        string name,
        string version,
        params (string Name, string Range)[] dependencies) => new(
        new PackageManifest
        {
            Name = name,
            Version = NuGetVersion.Parse(version),
            Dependencies = dependencies.ToDictionary(d => d.Name, d => VersionRange.Parse(d.Range)),
            Description = $"the {name} package",
            License = "MIT",
        },
        $"{name}-{version}.tgz",
        ".tgz",
        System.Text.Encoding.UTF8.GetBytes($"pretend archive of {name} {version}"));

    private async Task<(IObjectStore Store, KeyRing Keys)> InitAsync(IObjectStore? store = null, int bins = 16)
    {
        store ??= new FolderStore(Path.Combine(_root, "site"));
        var keys = KeyRing.Load(Path.Combine(_root, "keys"));
        await new RegistryInitializer(store, keys, _clock).InitAsync(new InitOptions { Bins = bins }, Ct);
        return (store, keys);
    }

    [Fact]
    public async Task The_index_document_has_the_documented_bytes()
    {
        var (store, keys) = await InitAsync();
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("alpha", "1.0.0"), Package("alpha", "1.1.0-rc.1"), Package(
            "beta",
            "2.0.0+build.5",
            ("alpha", "[1.0.0, 2.0.0)"))], new PublishOptions(), Ct);
        await writer.YankAsync("alpha", "1.0.0", "security issue", undo: false, Ct);

        var state = await RegistryState.LoadAsync(store, Ct);
        Golden.AssertMatches("index.alpha.json", (await state.ReadTargetOrNullAsync("index/alpha.json", Ct))!);
        Golden.AssertMatches("index.beta.json", (await state.ReadTargetOrNullAsync("index/beta.json", Ct))!);
        Assert.True((await new RegistryAuditor(store, _clock).AuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task Each_document_kind_has_the_documented_shape()
    {
        var (store, keys) = await InitAsync(bins: 4);
        await new RegistryWriter(store, keys, _clock).PublishAsync(
            [Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);
        var state = await RegistryState.LoadAsync(store, Ct);

        // Signatures are randomised (ECDSA), and key ids differ per run: pin everything else.
        string Pin(byte[] canonical, params string[] keyIds) =>
            keyIds.Aggregate(
                System.Text.Encoding.UTF8.GetString(canonical),
                (text, id) => text.Replace(id, "KEYID", StringComparison.Ordinal));
        var ids = keys.Keys.Select(k => k.KeyId).ToArray();
        var pems = keys.Keys.Select(k => k.Public.KeyVal.Public).ToArray();
        string PinAll(byte[] canonical)
            => pems.Aggregate(Pin(canonical, ids), (text, pem) => text.Replace(pem, "PEM", StringComparison.Ordinal));

        Golden.AssertMatches(
            "doc.targets.signed.json",
            System.Text.Encoding.UTF8.GetBytes(PinAll(state.Targets.CanonicalSigned)));
        Golden.AssertMatches(
            "doc.snapshot.signed.json",
            System.Text.Encoding.UTF8.GetBytes(PinAll(state.Snapshot.CanonicalSigned)));
        var bin = await state.GetBinAsync(state.Bins.BinFor("index/alpha.json"), Ct);
        Golden.AssertMatches("doc.bin.signed.json", System.Text.Encoding.UTF8.GetBytes(PinAll(bin.CanonicalSigned)));
        var rootText = System.Text.Encoding.UTF8.GetString(state.Root.FileBytes);
        Assert.Contains("\"consistent_snapshot\":true", rootText, StringComparison.Ordinal);
        Assert.Contains(
            "\"keytype\":\"ecdsa\",\"keyval\":{\"public\":\"-----BEGIN PUBLIC KEY-----\\n",
            rootText,
            StringComparison.Ordinal);
        Assert.Contains("\"scheme\":\"ecdsa-sha2-nistp256\"", rootText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lost_timestamp_race_is_replanned_on_the_new_state_and_loses_nothing()
    {
        var folder = new FolderStore(Path.Combine(_root, "site"));
        var racing = new RacingStore(folder);
        var (store, keys) = await InitAsync(racing);
        var writer = new RegistryWriter(store, keys, _clock);
        racing.BeforeNextSwap = async () =>
        {
            racing.BeforeNextSwap = null;
            await new RegistryWriter(folder, keys, _clock).PublishAsync(
                [Package("rival", "1.0.0")],
                new PublishOptions(),
                Ct);
        };

        var result = await writer.PublishAsync([Package("alpha", "1.0.0")], new PublishOptions(), Ct);

        Assert.Equal(2, result.Stats!.Attempts);
        var state = await RegistryState.LoadAsync(folder, Ct);
        Assert.NotNull(await state.ReadTargetOrNullAsync("index/alpha.json", Ct));
        Assert.NotNull(await state.ReadTargetOrNullAsync("index/rival.json", Ct));
        Assert.True((await new RegistryAuditor(folder, _clock).AuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task Metadata_versions_left_by_a_crash_are_skipped_not_reused()
    {
        var (store, keys) = await InitAsync();
        var orphan = "{\"orphan\":true}"u8.ToArray();
        await store.PutIfAbsentAsync(
            "metadata/2.snapshot.json",
            orphan,
            new ObjectHeaders("application/json", CachePolicy.Immutable),
            Ct);
        var result = await new RegistryWriter(store, keys, _clock).PublishAsync(
            [Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);
        Assert.Equal(3, result.Stats!.SnapshotVersion);
        Assert.Equal(orphan, (await store.GetOrNullAsync("metadata/2.snapshot.json", Ct))!.Content);
        Assert.True((await new RegistryAuditor(store, _clock).AuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task Refresh_re_signs_roles_near_expiry_when_their_keys_are_held()
    {
        var (store, keys) = await InitAsync(bins: 2);
        _clock.Advance(TimeSpan.FromDays(340));
        var result = await new RegistryWriter(store, keys, _clock).RefreshAsync(Ct);
        Assert.Equal(["timestamp", "bin-0", "bin-1", "targets", "snapshot"], result.Resigned);
        // A year and a few days on, only the root (365 days, needs the offline key) and the
        // timestamp (7 days after the refresh) have expired: bins, targets and snapshot were renewed.
        _clock.Advance(TimeSpan.FromDays(30));
        var audit = await new RegistryAuditor(store, _clock).AuditAsync(Ct);
        Assert.Equal(2, audit.Errors.Count);
        Assert.StartsWith("root: version 1 expired", audit.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("timestamp: version 2 expired", audit.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_keeps_what_a_state_current_within_the_grace_period_references_even_when_its_files_are_old()
    {
        var folder = Path.Combine(_root, "site");
        var (store, keys) = await InitAsync(bins: 2);
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.PublishAsync([Package("alpha", "1.0.0")], new PublishOptions(), Ct);
        await writer.PublishAsync([Package("alpha", "1.1.0")], new PublishOptions(), Ct);

        // Every file is 30 days old; then one more publish replaces snapshot 3 just now.
        TestClock.BackdateFiles(folder, _clock.GetUtcNow().AddDays(-30));

        await writer.PublishAsync([Package("alpha", "1.2.0")], new PublishOptions(), Ct);
        var result = await _clock.RunAsync(
            () => new RegistryCollector(store, _clock).CollectAsync(TimeSpan.FromDays(7), dryRun: false, Ct),
            TimeSpan.FromSeconds(1),
            cancellationToken: Ct);

        Assert.Contains("metadata/1.snapshot.json", result.Deleted);
        Assert.Contains("metadata/2.snapshot.json", result.Deleted);
        Assert.DoesNotContain("metadata/3.snapshot.json", result.Deleted);
        Assert.DoesNotContain("metadata/1.root.json", result.Deleted);
        Assert.True(File.Exists(Path.Combine(folder, "metadata", "3.snapshot.json")));
        Assert.True((await new RegistryAuditor(store, _clock).AuditAsync(Ct)).Ok);
    }

    /// <summary>Runs an action just before the next timestamp swap: a rival publisher wins the race.</summary>
    internal sealed class RacingStore(IObjectStore inner) : IObjectStore
    {
        public Func<Task>? BeforeNextSwap { get; set; }

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
            if (BeforeNextSwap is { } action && expectedVersionTag is not null)
            {
                await action();
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
