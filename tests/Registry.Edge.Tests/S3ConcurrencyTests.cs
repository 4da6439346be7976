using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>Racing and killed publishers on a real S3 server.</summary>
public sealed class S3ConcurrencyTests(ServersFixture servers)
{
    [Fact]
    public async Task Eight_publishers_racing_on_one_s3_registry_all_land_their_versions()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync();
        var files = Enumerable.Range(0, 8).Select(i => registry.Local.Package($"racer{i % 4}", $"1.0.{i}")).ToList();
        var results = await Task.WhenAll(
            files.Select(f => RegistryCli.RunProcessAsync(["publish", .. registry.StoreArgs, f], servers.Environment)));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var verify = await registry.RunAsync("verify", "--store", registry.Location);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("4 packages, 8 versions", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publisher_killed_after_any_write_leaves_an_s3_registry_that_verifies()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync();
        Assert.Equal(0, (await registry.PublishAsync(registry.Local.Package("alpha", "1.0.0"))).ExitCode);
        var beta = registry.Local.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}");
        var crashes = 0;
        for (var writes = 0; writes <= 10; writes++)
        {
            var run = await RegistryCli.RunCrashingAfterWritesAsync(writes, ["publish", .. registry.StoreArgs, beta]);
            var verify = await registry.RunAsync("verify", "--store", registry.Location);
            Assert.True(verify.ExitCode == 0, $"after a kill following write {writes}: {verify}");
            if (run.ExitCode == 0)
            {
                break;
            }

            crashes++;
        }

        Assert.True(crashes >= 5, $"only {crashes} crash points exercised");
        Assert.Equal(0, (await registry.PublishAsync(beta)).ExitCode);
        Assert.Contains(
            "2 packages",
            (await registry.RunAsync("verify", "--store", registry.Location)).Out,
            StringComparison.Ordinal);
    }
}
