using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>A standard TUF client nobody here wrote (tuf-js 5) accepts the registry unchanged.</summary>
public sealed class TufJsTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private string Root => Path.Combine(_registry.Store, "metadata", "1.root.json");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TufJs_refreshes_downloads_the_index_target_and_the_artifacts_it_pins(bool log)
    {
        // With a transparency log the root and the timestamp carry x-registry-log: extension fields tuf-js keeps and
        // verifies over.
        await _registry.InitAsync(log ? ["--log", "registry.test/log"] : []);
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "2.0.0", "{\"alpha\":\"1.0.0\"}"))).ExitCode);
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var work = Path.Combine(_registry.Root, "tufjs");
        var result = await TufJs.DownloadIndexAndArtifactsAsync(server.BaseUri, Root, work, "index/beta.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("packages/beta/2.0.0/beta-2.0.0.tgz", lines[1].GetProperty("artifact").GetString());
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(_registry.Root, "beta-2.0.0.tgz")),
            File.ReadAllBytes(lines[1].GetProperty("file").GetString()!));
    }

    [Fact]
    public async Task An_artifact_is_not_a_tuf_target_in_format_2()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var result = await TufJs.RefreshAndDownloadAsync(
            server.BaseUri,
            Root,
            Path.Combine(_registry.Root, "tufjs"),
            "packages/alpha/1.0.0/alpha-1.0.0.tgz");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no target packages/alpha/1.0.0/alpha-1.0.0.tgz", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TufJs_follows_new_publishes_and_yanks_with_its_persisted_trust()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var work = Path.Combine(_registry.Root, "tufjs");
        Assert.Equal(0, (await TufJs.RefreshAndDownloadAsync(server.BaseUri, Root, work, "index/alpha.json")).ExitCode);

        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"))).ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "1.0.0"])).ExitCode);
        var again = await TufJs.DownloadIndexAndArtifactsAsync(server.BaseUri, Root, work, "index/alpha.json");
        Assert.True(again.ExitCode == 0, again.ToString());
        var indexFile = JsonDocument.Parse(again.Out.Split('\n')[0]).RootElement.GetProperty("file").GetString()!;
        var index = File.ReadAllText(indexFile);
        Assert.Contains("\"version\":\"1.1.0\"", index, StringComparison.Ordinal);
        Assert.Contains("\"yanked\":true", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TufJs_refuses_a_tampered_artifact()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var artifact = Directory.GetFiles(
            Path.Combine(_registry.Store, "targets", "packages"),
            "*.tgz",
            SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(artifact);
        bytes[10] ^= 1;
        File.WriteAllBytes(artifact, bytes);
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var result = await TufJs.DownloadIndexAndArtifactsAsync(
            server.BaseUri,
            Root,
            Path.Combine(_registry.Root, "tufjs"),
            "index/alpha.json");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "length or sha256 differs from the verified index entry",
            result.Error,
            StringComparison.Ordinal);
    }
}
