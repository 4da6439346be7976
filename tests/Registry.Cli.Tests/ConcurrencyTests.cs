using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>Real publisher processes racing on one folder, and publishers killed mid-transaction.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Publishers_started_at_the_same_moment_all_land_their_versions()
    {
        await _registry.InitAsync();
        const int publishers = 6;
        var files = Enumerable.Range(0, publishers).Select(i => _registry.Package($"pkg{i % 3}", $"1.0.{i}")).ToList();
        var runs = files.Select(file => RegistryCli.RunProcessAsync(["publish", .. _registry.StoreArgs, file]))
            .ToList();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains($"3 packages, {publishers} versions", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_publishers_of_one_version_with_different_bytes_leave_exactly_one()
    {
        await _registry.InitAsync();
        var a = _registry.Package("alpha", "1.0.0", extraFile: "first");
        var b = _registry.Package("alpha", "1.0.0", extraFile: "second!");
        var results = await Task.WhenAll(
            RegistryCli.RunProcessAsync(["publish", .. _registry.StoreArgs, a]),
            RegistryCli.RunProcessAsync(["publish", .. _registry.StoreArgs, b]));

        Assert.Equal(1, results.Count(r => r.ExitCode == 0));
        var loser = results.Single(r => r.ExitCode != 0);
        Assert.Equal(1, loser.ExitCode);
        Assert.Contains("version-immutable", loser.Error, StringComparison.Ordinal);
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Contains("1 packages, 1 versions", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publisher_killed_after_any_write_leaves_a_registry_that_verifies()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var beta = _registry.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}");

        // A publish of one new package writes: artifact, index, name marker, up to 3 bins, snapshot, timestamp.
        var crashed = 0;
        for (var writes = 0; writes <= 9; writes++)
        {
            var run = await RegistryCli.RunCrashingAfterWritesAsync(writes, ["publish", .. _registry.StoreArgs, beta]);
            var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
            Assert.True(verify.ExitCode == 0, $"after a kill following write {writes}: {verify}");
            if (run.ExitCode != 0)
            {
                crashed++;
                Assert.Contains("1 packages", verify.Out, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("2 packages", verify.Out, StringComparison.Ordinal);
                break;
            }
        }

        Assert.True(crashed >= 5, $"only {crashed} crash points were exercised");
        var final = await _registry.PublishAsync(beta);
        Assert.Equal(0, final.ExitCode);
        Assert.Contains(
            "2 packages, 2 versions",
            (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishers_killed_at_random_moments_never_break_the_registry()
    {
        await _registry.InitAsync();
        var random = new Random(42);
        for (var i = 0; i < 8; i++)
        {
            using var process = RegistryCli.Start(
                ["publish", .. _registry.StoreArgs, _registry.Package("pkg", $"1.0.{i}")]);
            await Task.Delay(random.Next(150, 450), TestContext.Current.CancellationToken);
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
            Assert.True(verify.ExitCode == 0, verify.ToString());
        }
    }

    [Fact]
    [Trait(TestClock.Trait, TestClock.FileTimes)]
    public async Task Gc_removes_what_crashed_publishes_left_and_the_registry_still_verifies()
    {
        await _registry.InitAsync();
        var beta = _registry.Package("beta", "1.0.0");
        for (var writes = 1; writes <= 5; writes++)
        {
            await RegistryCli.RunCrashingAfterWritesAsync(writes, ["publish", .. _registry.StoreArgs, beta]);
        }

        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot().Count;
        var young = await RegistryCli.RunAsync(["gc", "--store", _registry.Store]);
        Assert.Equal(0, young.ExitCode);
        Assert.Equal(before, _registry.StoreSnapshot().Count);

        var gc = await RegistryCli.RunAsync(["gc", "--store", _registry.Store, "--grace-days", "0"]);
        Assert.Equal(0, gc.ExitCode);
        Assert.Contains("beta-1.0.0.tgz", gc.Out, StringComparison.Ordinal);
        Assert.Contains("deleted metadata/1.snapshot.json", gc.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("root.json", gc.Out, StringComparison.Ordinal);
        Assert.True(_registry.StoreSnapshot().Count < before);
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("1 packages, 1 versions", verify.Out, StringComparison.Ordinal);
    }
}
