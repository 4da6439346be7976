using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>The packages packed once for this assembly's real-dotnet tests.</summary>
[CollectionDefinition(Name)]
public sealed class EdgeNuGetCollection : ICollectionFixture<PackedNuGetPackages>
{
    public const string Name = "edge-dotnet-nuget";
}

/// <summary>
/// The NuGet feed as deployed: published to the real S3 server, read by the real NuGet client
/// (<c>dotnet restore</c>) through the real edge cache (Varnish), whose NuGet URL is the edge's.
/// </summary>
[Collection(EdgeNuGetCollection.Name)]
public sealed class NuGetThroughEdgeTests(ServersFixture servers, PackedNuGetPackages packages)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dotnet_restores_from_s3_through_the_edge_and_a_yank_reaches_new_restores_after_the_short_max_age()
    {
        await using var registry = new S3Registry(servers);
        // The mutable NuGet files get the timestamp's max-age: 2 s here, so the test can wait it out.
        await registry.CreateAsync("--timestamp-max-age", "2", "--nuget-url", registry.EdgeBase.ToString());
        var publish = await registry.PublishAsync([.. packages.All]);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var feed = new Uri(registry.EdgeBase, "nuget/v3/index.json").ToString();
        using var dotnet = new DotnetNuGet();

        var project = dotnet.CreateConsoleProject(
            feed,
            new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" });
        var first = await dotnet.RestoreAsync(project);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["My.Dep"] = "1.0.0", ["My.Lib"] = "1.0.0" },
            DotnetNuGet.ResolvedPackages(project));

        // What the edge sent: the versions list is short-lived, the .nupkg cached for good.
        using var http = new HttpClient();
        using (var versions = await http.GetAsync(
            new Uri(registry.EdgeBase, "nuget/v3/flatcontainer/my.lib/index.json"),
            Ct))
        {
            Assert.Equal(TimeSpan.FromSeconds(2), versions.Headers.CacheControl!.MaxAge);
            Assert.Contains("\"1.0.0\"", await versions.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var nupkg = await http.GetAsync(
            new Uri(registry.EdgeBase, "nuget/v3/flatcontainer/my.lib/1.0.0/my.lib.1.0.0.nupkg"),
            Ct))
        {
            Assert.Equal(TimeSpan.FromDays(365), nupkg.Headers.CacheControl!.MaxAge);
            Assert.Equal(
                await File.ReadAllBytesAsync(packages.Nupkg("My.Lib", "1.0.0"), Ct),
                await nupkg.Content.ReadAsByteArrayAsync(Ct));
        }

        var yank = await registry.RunAsync(["yank", .. registry.StoreArgs, "My.Lib", "1.0.0", "--reason", "broken"]);
        Assert.True(yank.ExitCode == 0, yank.ToString());
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        dotnet.ResetCaches();
        var fresh = dotnet.CreateConsoleProject(
            feed,
            new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" },
            name: "Fresh");
        var second = await dotnet.RestoreAsync(fresh);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("1.1.0", DotnetNuGet.ResolvedPackages(fresh)["My.Lib"]);
        var verify = await registry.RunAsync("verify", "--store", registry.EdgeBase.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
