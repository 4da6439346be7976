using System.Text.Json;
using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>Expiry per role at init and later (<c>registry settings</c>), within bounds.</summary>
public sealed class ExpiryTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private string Expires(string file) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", file))).RootElement
            .GetProperty("signed")
            .GetProperty("expires")
            .GetString()!;

    private static DateTimeOffset Parse(string text)
        => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Init_sets_each_roles_expiry()
    {
        await _registry.InitAsync(
            "--expiry",
            "root=730d,snapshot=30d",
            "--expiry",
            "timestamp=1d,targets=90d,bins=60d");
        var now = DateTimeOffset.UtcNow;
        Assert.InRange(Parse(Expires("1.root.json")) - now, TimeSpan.FromDays(729), TimeSpan.FromDays(730));
        Assert.InRange(Parse(Expires("1.targets.json")) - now, TimeSpan.FromDays(89), TimeSpan.FromDays(90));
        Assert.InRange(Parse(Expires("1.bin-0.json")) - now, TimeSpan.FromDays(59), TimeSpan.FromDays(60));
        Assert.InRange(Parse(Expires("1.snapshot.json")) - now, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        Assert.InRange(Parse(Expires("timestamp.json")) - now, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
    }

    [Theory]
    [InlineData("timestamp=0d", "expiry of timestamp: 0 days is out of bounds; a signature must last at least 1 day "
        + "and at most 3650 days (10 years) [rule: expiry-bounds]")]
    [InlineData("root=11y", "expiry of root: 4015 days is out of bounds")]
    [InlineData("snapshot=12h", "expiries are whole days")]
    [InlineData("mirror=1d", "is not ROLE=DURATION with ROLE one of root, targets, bins, snapshot, timestamp")]
    [InlineData("timestamp=soon", "is not a duration")]
    public async Task Init_refuses_expiries_out_of_bounds_and_writes_nothing(string expiry, string message)
    {
        var result = await RegistryCli.RunAsync(["init", .. _registry.StoreArgs, "--expiry", expiry]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(_registry.Store));
        Assert.False(Directory.Exists(_registry.Keys));
    }

    [Fact]
    public async Task Settings_change_expiries_later_and_the_next_signatures_use_them()
    {
        await _registry.InitAsync();
        var changed = await RegistryCli.RunAsync(
            "settings",
            "--store",
            _registry.Store,
            "--expiry",
            "timestamp=2d,snapshot=20d");
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.Contains("\"timestamp_expiry_days\": 2", changed.Out, StringComparison.Ordinal);
        Assert.Contains("\"snapshot_expiry_days\": 20", changed.Out, StringComparison.Ordinal);

        // The snapshot signed at init (365 days) is re-signed only once it is within its window.
        Assert.Equal(0, (await RegistryCli.RunAsync(["refresh", .. _registry.StoreArgs])).ExitCode);
        Assert.InRange(
            Parse(Expires("timestamp.json")) - DateTimeOffset.UtcNow,
            TimeSpan.FromDays(1.9),
            TimeSpan.FromDays(2));
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        Assert.InRange(
            Parse(Expires("2.snapshot.json")) - DateTimeOffset.UtcNow,
            TimeSpan.FromDays(19.9),
            TimeSpan.FromDays(20));

        var refused = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--expiry", "timestamp=0d");
        Assert.Equal(2, refused.ExitCode);
        var shown = await RegistryCli.RunAsync("settings", "--store", _registry.Store);
        Assert.Contains("\"timestamp_expiry_days\": 2", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_re_signs_a_short_lived_role_within_half_its_lifetime_only()
    {
        await _registry.InitAsync("--expiry", "snapshot=10d");
        var first = await RegistryCli.RunAsync(["refresh", .. _registry.StoreArgs]);
        Assert.Equal("re-signed timestamp; timestamp 2\n", first.Out);

        // A snapshot signed 6 days ago has 4 of its 10 days left, under half: the next refresh re-signs it.
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        using (var keys = Core.Tuf.KeyRing.Load(_registry.Keys))
        {
            await new Core.Publishing.RegistryWriter(
                new Core.Storage.FolderStore(_registry.Store),
                keys,
                Testing.TestClock.FromNow(TimeSpan.FromDays(-6)))
                .YankAsync("alpha", "1.0.0", null, undo: false, TestContext.Current.CancellationToken);
        }

        var resigned = await RegistryCli.RunAsync(["refresh", .. _registry.StoreArgs]);
        Assert.Contains("re-signed timestamp, snapshot;", resigned.Out, StringComparison.Ordinal);
    }
}
