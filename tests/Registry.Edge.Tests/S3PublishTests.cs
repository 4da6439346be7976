namespace Registry.Edge.Tests;

/// <summary>The publish, yank and verify suite against a real S3 server (radosgw).</summary>
public sealed class S3PublishTests(ServersFixture servers)
{
    [Fact]
    public async Task Publish_yank_and_verify_work_on_s3_and_refusals_write_nothing()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync();
        var local = registry.Local;
        var first = await registry.PublishAsync(
            local.Package("alpha", "1.0.0"),
            local.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}"));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith(
            "unchanged alpha 1.0.0",
            (await registry.PublishAsync(local.Package("alpha", "1.0.0"))).Out,
            StringComparison.Ordinal);

        var before = await registry.ObjectsAsync();
        var changed = await registry.PublishAsync(local.Package("alpha", "1.0.0", extraFile: "other bytes"));
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("[rule: version-immutable]", changed.Error, StringComparison.Ordinal);
        var unknown = await registry.PublishAsync(local.Package("gamma", "1.0.0", "{\"ghost\":\"1.0.0\"}"));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal(before, await registry.ObjectsAsync());

        Assert.Equal(
            0,
            (await registry.RunAsync(["yank", .. registry.StoreArgs, "beta", "1.0.0", "--reason", "test"])).ExitCode);
        Assert.Equal(0, (await registry.RunAsync(["yank", .. registry.StoreArgs, "beta", "1.0.0", "--undo"])).ExitCode);
        Assert.Equal(0, (await registry.RunAsync(["refresh", .. registry.StoreArgs])).ExitCode);

        var verify = await registry.RunAsync("verify", "--store", registry.Location);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("2 packages, 2 versions", verify.Out, StringComparison.Ordinal);
        var viaEdge = await registry.RunAsync("verify", "--store", registry.EdgeBase.ToString());
        Assert.True(viaEdge.ExitCode == 0, viaEdge.ToString());
    }

    [Fact]
    public async Task Objects_carry_the_content_type_and_cache_control_of_their_class()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync("--timestamp-max-age", "30");
        Assert.Equal(0, (await registry.PublishAsync(registry.Local.Package("alpha", "1.0.0"))).ExitCode);
        using var http = new HttpClient();
        async Task<HttpResponseMessage> Head(string key) =>
            await http.SendAsync(
                new HttpRequestMessage(HttpMethod.Head, new Uri(registry.OriginBase, key)),
                TestContext.Current.CancellationToken);

        var timestamp = await Head("metadata/timestamp.json");
        Assert.Equal("public, max-age=30", timestamp.Headers.CacheControl!.ToString());
        Assert.Equal("application/json", timestamp.Content.Headers.ContentType!.MediaType);
        var root = await Head("metadata/1.root.json");
        Assert.Equal("public, max-age=31536000, immutable", root.Headers.CacheControl!.ToString());
        var artifactKey = (await registry.ObjectsAsync()).Keys
            .Single(k => k.EndsWith(".alpha-1.0.0.tgz", StringComparison.Ordinal))["registry/".Length..];
        var artifact = await Head(artifactKey);
        Assert.Equal("application/gzip", artifact.Content.Headers.ContentType!.MediaType);
        Assert.True(
            artifact.Headers.CacheControl!.Public && artifact.Headers.CacheControl.MaxAge == TimeSpan.FromDays(365));
    }
}
