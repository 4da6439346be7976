using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>A publisher of a registry with a transparency log, killed after any write, leaves a registry and a log that
/// verify.</summary>
public sealed class LogKillTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task A_publisher_killed_after_any_write_leaves_a_registry_and_log_that_verify_and_publishing_goes_on()
    {
        // Each crash point k gets a fresh package: killed after k writes (the commit's log record, its
        // tiles and bundle, the checkpoint and the timestamp among them), then verify, then the same
        // publish again, unkilled (after a kill between the log's tiles and its checkpoint it waits out
        // the leftover's lease, 10 s, and takes the right edge over).
        await _registry.InitAsync("--log", "registry.test/log");
        var crashes = 0;
        for (var writes = 0; writes <= 11; writes++)
        {
            var package = _registry.Package($"p{writes}", "1.0.0");
            var run = await RegistryCli.RunCrashingAfterWritesAsync(
                writes,
                ["publish", .. _registry.StoreArgs, package]);
            var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
            Assert.True(verify.ExitCode == 0, $"after a kill following write {writes}: {verify}");
            crashes += run.ExitCode == 0 ? 0 : 1;
            var again = await _registry.PublishAsync(package);
            Assert.True(again.ExitCode == 0, $"the publish after a kill following write {writes}: {again}");
        }

        Assert.True(crashes >= 9, $"only {crashes} crash points exercised");
        var final = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Contains("12 packages", final.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_keeps_every_log_file_while_no_full_tile_supersedes_a_partial()
    {
        await _registry.InitAsync("--log", "registry.test/log");
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"))).ExitCode);
        var log = Directory.GetFiles(Path.Combine(_registry.Store, "log"), "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();

        var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "0d");
        Assert.True(gc.ExitCode == 0, gc.ToString());

        Assert.Equal(log, Directory.GetFiles(Path.Combine(_registry.Store, "log"), "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal));
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    [Fact]
    public async Task A_malformed_witness_is_a_usage_error_that_writes_nothing()
    {
        await _registry.InitAsync("--log", "registry.test/log");
        var before = Registry.Testing.StoreDigest.Of(_registry.Store);

        var logKeyAsWitness = await RegistryCli.RunAsync(
            "settings",
            "--store",
            _registry.Store,
            "--witness",
            "http://127.0.0.1:1/=" + File.ReadAllText(Path.Combine(_registry.Keys, "log.pub")).Trim());
        Assert.Equal(2, logKeyAsWitness.ExitCode);
        Assert.Contains("must be a cosignature key (type 04)", logKeyAsWitness.Error, StringComparison.Ordinal);
        var noUrl = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--witness", "not-a-url");
        Assert.Equal(2, noUrl.ExitCode);
        Assert.Contains("expected URL=VKEY", noUrl.Error, StringComparison.Ordinal);

        Assert.Equal(before, Registry.Testing.StoreDigest.Of(_registry.Store));
    }
}
