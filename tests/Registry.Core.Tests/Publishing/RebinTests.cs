using Microsoft.Extensions.Time.Testing;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;
using static Registry.Core.Tests.Publishing.WriterTests;

namespace Registry.Core.Tests.Publishing;

/// <summary>
/// <c>registry rebin</c>: one signed commit re-shards a live registry; a client that trusted the
/// old state accepts the new one (no role disappears from the snapshot, no version goes back),
/// a killed rebin leaves the old state, and a concurrent publish is never lost.
/// </summary>
public sealed class RebinTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The one clock of each test: every component it builds gets this instance.</summary>
    private readonly FakeTimeProvider _clock = TestClock.Fixed(Now);
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-rebin-tests",
        Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Site => Path.Combine(_root, "site");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(IObjectStore Store, KeyRing Keys)> InitAsync(
        int bins,
        IObjectStore? store = null,
        int packages = 40)
    {
        store ??= new FolderStore(Site);
        var keys = KeyRing.Load(Path.Combine(_root, "keys"));
        await new RegistryInitializer(store, keys, _clock).InitAsync(new InitOptions { Bins = bins }, Ct);
        await new RegistryWriter(store, keys, _clock).PublishAsync(
            [.. Enumerable.Range(0, packages).Select(i => Package($"pkg{i}", "1.0.0"))],
            new PublishOptions(),
            Ct);
        return (store, keys);
    }

    private static async Task AssertEveryIndexReadableAsync(RegistryState state, int packages)
    {
        for (var i = 0; i < packages; i++)
        {
            Assert.NotNull(await state.ReadTargetOrNullAsync($"index/pkg{i}.json", Ct));
        }
    }

    [Fact]
    public async Task A_rebin_moves_every_index_into_the_new_bins_and_a_client_that_trusted_the_old_state_follows()
    {
        var (store, keys) = await InitAsync(bins: 16);
        var before = await RegistryState.LoadAsync(store, Ct);

        var result = await new RegistryWriter(store, keys, _clock).RebinAsync(64, Ct);

        Assert.Equal(new RebinPlan(16, 64, 40, 16), result.Plan);
        var after = await RegistryState.LoadAsync(store, Ct);
        Assert.Equal(64, after.Bins.Count);
        Assert.Equal(before.Targets.Signed.Version + 1, after.Targets.Signed.Version);
        await AssertEveryIndexReadableAsync(after, 40);

        // TUF's rule (and tuf-js's): a new snapshot lists every role the trusted one did, at no lower version.
        TrustChecks.VerifyNoRollback(before, after, "rebin");
        Assert.Equal(1 + 16 + 64, after.Snapshot.Signed.Meta.Count);
        var report = await new RegistryAuditor(store, _clock).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("\n", report.Errors));
        Assert.Equal(40, report.Packages);
    }

    [Fact]
    public async Task Bin_names_both_counts_share_move_past_their_old_versions_and_a_rebin_back_is_no_rollback()
    {
        // 8 and 16 bins both name bin-0 .. bin-7 (one hex digit): the new ones must not reuse a trusted version.
        var (store, keys) = await InitAsync(bins: 8);
        var writer = new RegistryWriter(store, keys, _clock);
        var first = await RegistryState.LoadAsync(store, Ct);

        await writer.RebinAsync(16, Ct);
        var second = await RegistryState.LoadAsync(store, Ct);
        TrustChecks.VerifyNoRollback(first, second, "8 -> 16");
        foreach (var name in first.Bins.AllNames())
        {
            Assert.Equal(
                first.Snapshot.Signed.Meta[name + ".json"].Version + 1,
                second.Snapshot.Signed.Meta[name + ".json"].Version);
        }

        Assert.Equal(new RebinPlan(16, 8, 40, 8), (await writer.RebinAsync(8, Ct)).Plan);
        var third = await RegistryState.LoadAsync(store, Ct);
        TrustChecks.VerifyNoRollback(second, third, "16 -> 8");
        await AssertEveryIndexReadableAsync(third, 40);
        Assert.True((await new RegistryAuditor(store, _clock).AuditAsync(Ct)).Ok);
    }

    [Fact]
    public async Task A_publish_after_a_rebin_rewrites_one_new_bin()
    {
        var (store, keys) = await InitAsync(bins: 16);
        var writer = new RegistryWriter(store, keys, _clock);
        await writer.RebinAsync(64, Ct);
        var before = await RegistryState.LoadAsync(store, Ct);

        await writer.PublishAsync([Package("late", "1.0.0")], new PublishOptions(), Ct);

        var after = await RegistryState.LoadAsync(store, Ct);
        var changed = after.Snapshot.Signed.Meta
            .Where(m => before.Snapshot.Signed.Meta[m.Key].Version != m.Value.Version)
            .Select(m => m.Key)
            .ToList();
        Assert.Equal([after.Bins.BinFor("index/late.json") + ".json"], changed);
        Assert.NotNull(await after.ReadTargetOrNullAsync("index/late.json", Ct));
    }

    [Fact]
    public async Task Without_a_count_a_rebin_picks_the_best_for_the_registrys_size()
    {
        var (store, keys) = await InitAsync(bins: 256);

        var result = await new RegistryWriter(store, keys, _clock).RebinAsync(0, Ct);

        Assert.Equal(HashBins.BestCountFor(40), result.Plan.NewBins);
        Assert.Equal(HashBins.BestCountFor(40), (await RegistryState.LoadAsync(store, Ct)).Bins.Count);
    }

    [Fact]
    public async Task Asking_for_the_current_count_or_a_count_that_is_no_power_of_two_writes_nothing()
    {
        var (store, keys) = await InitAsync(bins: 16);
        var writer = new RegistryWriter(store, keys, _clock);
        var digest = StoreDigest.Of(Site);

        var same = await writer.RebinAsync(16, Ct);
        var refused = await Assert.ThrowsAsync<ValidationException>(() => writer.RebinAsync(48, Ct));

        Assert.Null(same.Stats);
        Assert.Equal("bins", refused.Rule);
        Assert.Contains("power of two", refused.Message, StringComparison.Ordinal);
        Assert.Equal(digest, StoreDigest.Of(Site));
    }

    [Fact]
    public async Task A_rebin_killed_before_the_timestamp_swap_leaves_the_old_state_and_a_second_rebin_succeeds()
    {
        var folder = new FolderStore(Site);
        var racing = new RacingStore(folder);
        var (store, keys) = await InitAsync(bins: 16, racing);
        var before = await RegistryState.LoadAsync(folder, Ct);
        racing.BeforeNextSwap = () => throw new IOException("killed");

        await Assert.ThrowsAsync<IOException>(() => new RegistryWriter(store, keys, _clock).RebinAsync(64, Ct));

        var unchanged = await RegistryState.LoadAsync(folder, Ct);
        Assert.Equal(before.Timestamp.FileBytes, unchanged.Timestamp.FileBytes);
        Assert.Equal(16, unchanged.Bins.Count);
        Assert.True((await new RegistryAuditor(folder, _clock).AuditAsync(Ct)).Ok);

        // The dead rebin's bins are unreferenced leftovers: the next one writes past their versions.
        racing.BeforeNextSwap = null;
        await new RegistryWriter(folder, keys, _clock).RebinAsync(64, Ct);
        var after = await RegistryState.LoadAsync(folder, Ct);
        Assert.Equal(64, after.Bins.Count);
        await AssertEveryIndexReadableAsync(after, 40);
    }

    [Fact]
    public async Task A_publish_that_wins_the_race_against_a_rebin_is_in_the_new_bins()
    {
        var folder = new FolderStore(Site);
        var racing = new RacingStore(folder);
        var (store, keys) = await InitAsync(bins: 16, racing);
        racing.BeforeNextSwap = async () =>
        {
            racing.BeforeNextSwap = null;
            await new RegistryWriter(folder, keys, _clock).PublishAsync(
                [Package("rival", "1.0.0")],
                new PublishOptions(),
                Ct);
        };

        var result = await new RegistryWriter(store, keys, _clock).RebinAsync(64, Ct);

        Assert.Equal(2, result.Stats!.Attempts);
        Assert.Equal(41, result.Plan.Targets);
        var state = await RegistryState.LoadAsync(folder, Ct);
        Assert.Equal(64, state.Bins.Count);
        Assert.NotNull(await state.ReadTargetOrNullAsync("index/rival.json", Ct));
        Assert.True((await new RegistryAuditor(folder, _clock).AuditAsync(Ct)).Ok);
    }
}
