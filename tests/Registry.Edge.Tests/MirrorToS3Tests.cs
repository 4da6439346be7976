using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Edge.Tests;

/// <summary>A registry served over HTTP mirrored into a real S3 bucket, then read through the edge.</summary>
public sealed class MirrorToS3Tests(ServersFixture servers)
{
    [Fact]
    public async Task A_mirror_into_s3_verifies_through_the_edge_and_follows_new_publishes()
    {
        await using var target = new S3Registry(servers);
        using (var s3 = servers.CreateClient())
        {
            await s3.PutBucketAsync(target.Bucket, TestContext.Current.CancellationToken);
        }

        using var source = new TestRegistry();
        await source.InitAsync();
        Assert.Equal(0, (await source.PublishAsync(
            source.Package("alpha", "1.0.0"),
            source.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}"))).ExitCode);
        await using var server = await RegistryServer.StartAsync(
            source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var root = Path.Combine(source.Store, "metadata", "1.root.json");

        var first = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            target.Location,
            "--root",
            root);
        Assert.True(first.ExitCode == 0, first.ToString());
        var viaEdge = await RegistryCli.RunAsync("verify", "--store", target.Location);
        Assert.True(viaEdge.ExitCode == 0, viaEdge.ToString());

        Assert.Equal(0, (await source.PublishAsync(source.Package("gamma", "1.0.0"))).ExitCode);
        var second = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            target.Location,
            "--root",
            root);
        Assert.StartsWith("mirrored timestamp 3:", second.Out, StringComparison.Ordinal);
        var unchanged = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            target.Location,
            "--root",
            root);
        Assert.StartsWith("up to date: timestamp 3; 1 request(s)", unchanged.Out, StringComparison.Ordinal);
        Assert.Contains(
            "3 packages",
            (await RegistryCli.RunAsync("verify", "--store", target.Location)).Out,
            StringComparison.Ordinal);
    }
}
