using Registry.Cli.Tests.Support;
using Registry.Core;

namespace Registry.Client.Tests;

/// <summary><c>registry log watch</c>'s library: every change to a watched package, each entry verified; a tampered bundle refused.</summary>
public sealed class LogWatchTests : IAsyncLifetime
{
    private readonly TestRegistry _registry = new();
    private MisbehavingServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryHome Home => new(Path.Combine(_registry.Root, "home"));

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync("--log", "registry.test/log");
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"), _registry.Package("beta", "1.0.0"))).ExitCode);
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"))).ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "beta", "1.0.0"])).ExitCode);
        _server = await MisbehavingServer.StartAsync(_registry.Store);
        Home.AddSource(new SourceConfig { Name = "main", Url = _server.Url }, File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json")));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<WatchResult> WatchAsync(string[] names, long since = 0)
    {
        var source = Home.Source("main");
        using var client = new RegistryClient(Home, source, TimeProvider.System, new HttpPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });
        return await new LogWatcher(Home, source).WatchAsync(client, names, since, Ct);
    }

    [Fact]
    public async Task Every_change_to_a_watched_package_is_listed_from_the_verified_log()
    {
        var all = await WatchAsync(["alpha", "beta"]);
        Assert.Equal(4, all.Size);
        Assert.Equal([(1L, "alpha"), (1L, "beta"), (2L, "alpha"), (3L, "beta")], all.Changes.Select(c => (c.Index, c.Package)));

        var later = await WatchAsync(["beta"], since: 2);
        Assert.Equal([3L], later.Changes.Select(c => c.Index));
    }

    [Fact]
    public async Task An_entry_that_is_not_the_one_the_checkpoint_commits_to_is_refused()
    {
        var bundle = await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "log", "tile", "entries", "000.p", "4"), Ct);
        var tampered = bundle.ToArray();
        tampered[^3] ^= 1;
        _server.Overrides["log/tile/entries/000.p/4"] = MisbehavingServer.Body(tampered);
        var refused = await Assert.ThrowsAsync<VerificationException>(() => WatchAsync(["alpha"]));
        Assert.Contains("entry 3", refused.Message, StringComparison.Ordinal);
    }
}
