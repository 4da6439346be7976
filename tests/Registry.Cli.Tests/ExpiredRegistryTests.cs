using System.Text.RegularExpressions;
using Registry.Testing.Cli;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// A registry whose roles have expired: the scheduled refresh (timestamp key only) must fail
/// rather than re-sign a timestamp over metadata every client refuses, and verify reports each
/// problem once, however many bins share it.
/// </summary>
public sealed partial class ExpiredRegistryTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    /// <summary>
    /// A registry initialised <paramref name="daysAgo"/> days ago with 256 bins: root lasts
    /// <paramref name="rootDays"/>, the other roles 365 days, the timestamp 7.
    /// </summary>
    private async Task InitAsync(int daysAgo, int rootDays = 730)
    {
        using var keys = Core.Tuf.KeyRing.Load(_registry.Keys);
        var settings = new RegistrySettings { RootExpiryDays = rootDays };
        await new RegistryInitializer(
            new Core.Storage.FolderStore(_registry.Store),
            keys,
            Testing.TestClock.FromNow(TimeSpan.FromDays(-daysAgo)))
            .InitAsync(new InitOptions { Bins = 256, Settings = settings }, TestContext.Current.CancellationToken);
    }

    /// <summary>A keys folder holding copies of the named roles' private keys.</summary>
    private string KeysFor(params string[] roles)
    {
        var folder = Path.Combine(_registry.Root, "keys-" + string.Join("-", roles));
        Directory.CreateDirectory(folder);
        foreach (var role in roles)
        {
            File.Copy(Path.Combine(_registry.Keys, role + ".pem"), Path.Combine(folder, role + ".pem"));
        }

        return folder;
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex Instant();

    private static string WithoutInstants(string text) => Instant().Replace(text, "TIME");

    [Fact]
    public async Task Refresh_with_only_the_timestamp_key_fails_when_snapshot_targets_and_bins_expired_writing_nothing()
    {
        await InitAsync(daysAgo: 400);
        var before = StoreDigest.Of(_registry.Store);

        var result = await RegistryCli.RunAsync("refresh", "--store", _registry.Store, "--keys", KeysFor("timestamp"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal(
            "registry: error: snapshot, targets and 256 bins have expired (the first at TIME) and cannot be re-signed "
            + "with the keys given, " +
            "so every client refuses this registry; re-run 'registry refresh' with the targets and snapshot keys "
            + "(nothing was written) [rule: expired-role]\n",
            WithoutInstants(result.Error));
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task Refresh_with_the_keys_the_failure_names_revives_the_registry()
    {
        await InitAsync(daysAgo: 400);
        var partial = await RegistryCli.RunAsync(
            "refresh",
            "--store",
            _registry.Store,
            "--keys",
            KeysFor("timestamp", "snapshot"));
        Assert.Equal(1, partial.ExitCode);
        Assert.Contains("targets and 256 bins have expired", partial.Error, StringComparison.Ordinal);
        Assert.Contains("with the targets and snapshot keys", partial.Error, StringComparison.Ordinal);

        var revived = await RegistryCli.RunAsync(
            "refresh",
            "--store",
            _registry.Store,
            "--keys",
            KeysFor("timestamp", "snapshot", "targets"));
        Assert.True(revived.ExitCode == 0, revived.ToString());
        Assert.Equal("", revived.Error);
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Refresh_with_only_the_timestamp_key_succeeds_and_warns_when_roles_are_near_expiry_but_valid()
    {
        await InitAsync(daysAgo: 350);
        var result = await RegistryCli.RunAsync("refresh", "--store", _registry.Store, "--keys", KeysFor("timestamp"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("re-signed timestamp; timestamp 2\n", result.Out);
        Assert.Equal(
            "registry: warning: expires soon and its key was not given: 256 bin(s) (targets key)\n" +
            "registry: warning: expires soon and its key was not given: targets (targets key)\n" +
            "registry: warning: expires soon and its key was not given: snapshot (snapshot key)\n",
            result.Error);
    }

    [Fact]
    public async Task Refresh_fails_on_an_expired_root_even_with_every_other_key_and_names_the_root_rotation()
    {
        await InitAsync(daysAgo: 400, rootDays: 365);
        var before = StoreDigest.Of(_registry.Store);

        var result = await RegistryCli.RunAsync(
            "refresh",
            "--store",
            _registry.Store,
            "--keys",
            KeysFor("timestamp", "snapshot", "targets"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "registry: error: root has expired (at TIME) and cannot be re-signed with the keys given, so every client "
            + "refuses this registry; " +
            "publish a new root ('registry root propose', 'root sign', 'root publish'), then run 'registry refresh' "
            + "(nothing was written) [rule: expired-role]\n",
            WithoutInstants(result.Error));
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task Verify_reports_256_expired_bins_as_one_line_with_their_count()
    {
        await InitAsync(daysAgo: 400);
        var result = await RegistryCli.RunAsync("verify", "--store", _registry.Store);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "FAIL bins: 256 of 256 expired at TIME (bin-00..bin-ff); run 'registry refresh' with the targets key\n" +
            "FAIL snapshot: version 1 expired at TIME; run 'registry refresh' with the snapshot key\n" +
            "FAIL targets: version 1 expired at TIME; run 'registry refresh' with the targets key\n" +
            "FAIL timestamp: version 1 expired at TIME; run 'registry refresh'\n" +
            $"FAILED {_registry.Store}: 4 problem(s)\n",
            WithoutInstants(result.Out));
    }

    [Fact]
    public async Task Verify_warns_once_for_every_bin_near_expiry()
    {
        await InitAsync(daysAgo: 360);
        var refreshed = await RegistryCli.RunAsync(
            "refresh", "--store", _registry.Store, "--keys", KeysFor("timestamp"));
        Assert.Equal(0, refreshed.ExitCode);

        var result = await RegistryCli.RunAsync("verify", "--store", _registry.Store);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            "registry: warning: bins: 256 of 256 expire at TIME (bin-00..bin-ff); run 'registry refresh' with the "
            + "targets key\n" +
            "registry: warning: snapshot: version 1 expires at TIME; run 'registry refresh' with the snapshot key\n" +
            "registry: warning: targets: version 1 expires at TIME; run 'registry refresh' with the targets key\n",
            WithoutInstants(result.Error));
    }
}
