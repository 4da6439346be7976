using Registry.Testing.Cli;
using Registry.Core;

namespace Registry.Client.Tests;

/// <summary><c>registry log watch</c>'s library: every change to a watched package, each entry verified; a tampered
/// bundle refused.</summary>
public sealed class LogWatchTests : IAsyncLifetime
{
    private readonly TestRegistry _registry = new();
    private MisbehavingServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryHome Home => new(Path.Combine(_registry.Root, "home"));

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync("--log", "registry.test/log");
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "1.0.0"))).ExitCode);
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"))).ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "beta", "1.0.0"])).ExitCode);
        _server = await MisbehavingServer.StartAsync(_registry.Store);
        Home.AddSource(
            new SourceConfig { Name = "main", Url = _server.Url },
            File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json")));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<WatchResult> WatchAsync(string[] names, long since = 0)
    {
        var source = Home.Source("main");
        using var client = new RegistryClient(
            Home,
            source,
            TimeProvider.System,
            new HttpPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });
        return await new LogWatcher(Home, source).WatchAsync(client, names, since, Ct);
    }

    [Fact]
    public async Task Every_change_to_a_watched_package_is_listed_from_the_verified_log()
    {
        var all = await WatchAsync(["alpha", "beta"]);
        Assert.Equal(4, all.Size);
        Assert.Equal(
            [(1L, "alpha"), (1L, "beta"), (2L, "alpha"), (3L, "beta")],
            all.Changes.Select(c => (c.Index, c.Package)));

        var later = await WatchAsync(["beta"], since: 2);
        Assert.Equal([3L], later.Changes.Select(c => c.Index));
    }

    [Fact]
    [Trait(Registry.Testing.TestClock.Trait, Registry.Testing.TestClock.FileTimes)]
    public async Task After_gc_deletes_superseded_partials_clients_update_and_watch_still_lists_everything()
    {
        // A client trusts the log at size 4; 256 more commits complete tile 0; gc (files 30 days old) deletes its
        // partials.
        await WatchAsync(["alpha"]);
        var clock = TimeProvider.System;
        var store = new Core.Storage.FolderStore(_registry.Store);
        using (var keys = Core.Tuf.KeyRing.Load(_registry.Keys))
        {
            var writer = new Core.Publishing.RegistryWriter(store, keys, clock);
            for (var i = 0; i < 256; i++)
            {
                await writer.RefreshAsync(Ct);
            }
        }

        Registry.Testing.TestClock.BackdateFiles(_registry.Store, clock.GetUtcNow().AddDays(-30));
        var gc = await new Core.Publishing.RegistryCollector(store, clock).CollectAsync(
            TimeSpan.FromDays(7),
            dryRun: false,
            Ct);
        Assert.Contains("log/tile/0/000.p/4", gc.Deleted);
        Assert.Contains("log/tile/entries/000.p/255", gc.Deleted);
        Assert.False(File.Exists(Path.Combine(_registry.Store, "log", "tile", "entries", "000.p", "4")));

        var all = await WatchAsync(["alpha", "beta"]);
        Assert.Equal(260, all.Size);
        Assert.Equal(
            [(1L, "alpha"), (1L, "beta"), (2L, "alpha"), (3L, "beta")],
            all.Changes.Select(c => (c.Index, c.Package)));
        Assert.True((await new Core.Publishing.RegistryAuditor(store, clock).AuditAsync(Ct)).Ok);

        // A new client's cold update, with the partials gone.
        var fresh = new RegistryHome(Path.Combine(_registry.Root, "fresh-home"));
        fresh.AddSource(
            new SourceConfig { Name = "main", Url = _server.Url },
            File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json")));
        using var client = new RegistryClient(
            fresh,
            fresh.Source("main"),
            clock,
            new HttpPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });
        await client.UpdateAsync(offline: false, Ct);
    }

    [Fact]
    public async Task An_entry_that_is_not_the_one_the_checkpoint_commits_to_is_refused()
    {
        var bundle = await File.ReadAllBytesAsync(
            Path.Combine(_registry.Store, "log", "tile", "entries", "000.p", "4"),
            Ct);
        var tampered = bundle.ToArray();
        tampered[^3] ^= 1;
        _server.Overrides["log/tile/entries/000.p/4"] = MisbehavingServer.Body(tampered);
        var refused = await Assert.ThrowsAsync<VerificationException>(() => WatchAsync(["alpha"]));
        Assert.Contains("entry 3", refused.Message, StringComparison.Ordinal);
    }
}
