using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>A store that ignores preconditions is refused before anything is written.</summary>
public sealed class ProbeTests(ServersFixture servers)
{
    [Fact]
    public async Task Init_and_publish_refuse_a_store_that_ignores_preconditions()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync();
        using (var s3 = servers.CreateClient())
        {
            await s3.PutBucketAclAsync(new Amazon.S3.Model.PutBucketAclRequest {
                BucketName = registry.Bucket,
                ACL = Amazon.S3.S3CannedACL.PublicReadWrite }, TestContext.Current.CancellationToken);
        }

        await using var proxy = await StrippingProxy.StartAsync(servers.S3Endpoint);
        var environment = new Dictionary<string, string>(servers.Environment) {
            ["AWS_ENDPOINT_URL"] = proxy.Url.ToString().TrimEnd('/') };
        var before = await registry.ObjectsAsync();

        var publish = await RegistryCli.RunProcessAsync(
            ["publish", .. registry.StoreArgs, registry.Local.Package("alpha", "1.0.0")],
            environment);
        Assert.Equal(2, publish.ExitCode);
        Assert.Contains("does not enforce preconditions (a second create-only write (If-None-Match: *) of the same key "
            + "was accepted)", publish.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-unsafe-store", publish.Error, StringComparison.Ordinal);
        Assert.True(proxy.Stripped > 0);
        Assert.Equal(before.Keys.Order(), (await registry.ObjectsAsync()).Keys.Order());

        var forced = await RegistryCli.RunProcessAsync(
            ["publish", .. registry.StoreArgs, "--allow-unsafe-store", registry.Local.Package("alpha", "1.0.0")],
            environment);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("warning: ", forced.Error, StringComparison.Ordinal);
    }
}
