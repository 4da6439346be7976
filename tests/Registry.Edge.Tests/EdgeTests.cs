using System.Text.Json;
using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>Reading a registry through a real edge cache (Varnish) in front of the S3 origin.</summary>
public sealed class EdgeTests(ServersFixture servers)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Immutable_files_are_cache_hits_on_the_second_read_and_the_timestamp_expires()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync("--timestamp-max-age", "2");
        Assert.Equal(0, (await registry.PublishAsync(registry.Local.Package("alpha", "1.0.0"))).ExitCode);
        using var http = new HttpClient();
        async Task<string> XCache(string key)
        {
            using var response = await http.GetAsync(new Uri(registry.EdgeBase, key), Ct);
            Assert.True(response.IsSuccessStatusCode, $"{key}: {(int)response.StatusCode}");
            return string.Join(",", response.Headers.GetValues("X-Cache"));
        }

        Assert.Equal("MISS", await XCache("metadata/1.root.json"));
        Assert.Equal("HIT", await XCache("metadata/1.root.json"));
        Assert.Equal("MISS", await XCache("metadata/timestamp.json"));
        Assert.Equal("HIT", await XCache("metadata/timestamp.json"));
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Equal("MISS", await XCache("metadata/timestamp.json"));

        using var missing = await http.GetAsync(new Uri(registry.EdgeBase, "metadata/2.root.json"), Ct);
        Assert.False(missing.IsSuccessStatusCode);
        using var again = await http.GetAsync(new Uri(registry.EdgeBase, "metadata/2.root.json"), Ct);
        // The root probe's miss is the one error the edge caches (for the timestamp's max-age).
        Assert.Equal("HIT", string.Join(",", again.Headers.GetValues("X-Cache")));
        using var otherMiss = await http.GetAsync(new Uri(registry.EdgeBase, "metadata/9.snapshot.json"), Ct);
        using var otherAgain = await http.GetAsync(new Uri(registry.EdgeBase, "metadata/9.snapshot.json"), Ct);
        Assert.False(otherAgain.IsSuccessStatusCode);
        Assert.Equal("MISS", string.Join(",", otherAgain.Headers.GetValues("X-Cache")));
    }

    [Fact]
    public async Task Readers_through_the_edge_see_the_old_or_the_new_state_never_a_mix()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync("--timestamp-max-age", "30");
        var local = registry.Local;
        Assert.Equal(0, (await registry.PublishAsync(local.Package("alpha", "1.0.0"))).ExitCode);
        var root = Path.Combine(local.Root, "1.root.json");
        using (var http = new HttpClient())
        {
            await File.WriteAllBytesAsync(
                root,
                await http.GetByteArrayAsync(new Uri(registry.OriginBase, "metadata/1.root.json"), Ct),
                Ct);
        }

        var tufjs = Path.Combine(local.Root, "tufjs");
        var before = await TufJs.RefreshAndDownloadAsync(registry.EdgeBase, root, tufjs, "index/alpha.json");
        Assert.True(before.ExitCode == 0, before.ToString());

        // A publish lands at the origin while the edge still holds the old timestamp.json.
        Assert.Equal(
            0,
            (await registry.PublishAsync(local.Package("alpha", "1.1.0"), local.Package("beta", "1.0.0"))).ExitCode);
        var stale = await TufJs.RefreshAndDownloadAsync(registry.EdgeBase, root, tufjs, "index/alpha.json");
        Assert.True(stale.ExitCode == 0, stale.ToString());
        var staleIndex = IndexVersions(stale);
        var edgeVerify = await registry.RunAsync("verify", "--store", registry.EdgeBase.ToString());
        Assert.True(edgeVerify.ExitCode == 0, edgeVerify.ToString());

        // The edge holds the old timestamp.json for 30 s; a purge (loopback only) ends that early.
        using (var http = new HttpClient())
        {
            using var purge = await http.SendAsync(
                new HttpRequestMessage(new HttpMethod("PURGE"), new Uri(registry.EdgeBase, "metadata/timestamp.json")),
                Ct);
            Assert.True(purge.IsSuccessStatusCode, $"PURGE answered {(int)purge.StatusCode}");
        }

        var fresh = await TufJs.RefreshAndDownloadAsync(
            registry.EdgeBase,
            root,
            tufjs,
            "index/alpha.json",
            "index/beta.json");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Equal(["1.0.0"], staleIndex);
        Assert.Equal(["1.0.0", "1.1.0"], IndexVersions(fresh));
        Assert.Contains(
            "2 packages, 3 versions",
            (await registry.RunAsync("verify", "--store", registry.EdgeBase.ToString())).Out,
            StringComparison.Ordinal);
    }

    private static List<string> IndexVersions(CliResult result)
    {
        var file = JsonDocument.Parse(result.Out.Split('\n')[0]).RootElement.GetProperty("file").GetString()!;
        return JsonDocument.Parse(File.ReadAllBytes(file)).RootElement.GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("version").GetString()!)
            .ToList();
    }
}
