using System.Net;
using Registry.Testing.Cli;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Mirror;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Client.Tests;

public sealed class ServeAndMirrorTests : IAsyncLifetime
{
    private readonly TestRegistry _registry = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}"))).ExitCode);
    }

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Serve_sends_origin_headers_304_ranges_and_hides_internal_files()
    {
        await using var server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var timestamp = await http.GetAsync("metadata/timestamp.json", Ct);
        Assert.Equal("public, max-age=60", timestamp.Headers.CacheControl!.ToString());
        Assert.Equal("application/json", timestamp.Content.Headers.ContentType!.MediaType);
        var etag = timestamp.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "metadata/timestamp.json");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(conditional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, "metadata/1.root.json");
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 9);
        using var partial = await http.SendAsync(ranged, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(10, (await partial.Content.ReadAsByteArrayAsync(Ct)).Length);
        Assert.Equal("public, max-age=31536000, immutable", partial.Headers.CacheControl!.ToString());

        foreach (var hidden in new[] {
            "registry-config.json",
            "metadata/.timestamp.json.lock",
            "metadata/../registry-config.json",
            "%2e%2e/etc/passwd" })
        {
            using var response = await http.GetAsync(hidden, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_client_installs_from_a_mirror_copy_when_the_primary_is_down()
    {
        var mirrorFolder = Path.Combine(_registry.Root, "mirror");
        var anchor = RootChain.Parse(
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "1.root.json"), Ct),
            "root");
        await using (var origin = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct))
        {
            using var reader = new HttpObjectReader(origin.BaseUri);
            await new RegistryMirror(reader, new FolderStore(mirrorFolder), anchor, TimeProvider.System).SyncAsync(
                null,
                Ct);
        }

        await using var mirror = await RegistryServer.StartAsync(mirrorFolder, 0, cancellationToken: Ct);
        var home = new RegistryHome(Path.Combine(_registry.Root, "home"));
        var dead = ClosedPort.Url();
        home.AddSource(
            new SourceConfig { Name = "main", Url = dead, Mirrors = [mirror.BaseUri] },
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "1.root.json"), Ct));
        var project = Path.Combine(_registry.Root, "project");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(
            Path.Combine(project, "registry.json"),
            "{\"dependencies\":{\"beta\":\"1.0.0\"}}",
            Ct);

        using var client = new RegistryClient(
            home,
            home.Source("main"),
            TimeProvider.System,
            new HttpPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10) });
        var result = await new ProjectInstaller(client).InstallAsync(project, locked: false, offline: false, Ct);
        Assert.Equal(["alpha", "beta"], result.Names);
        Assert.Equal(mirror.BaseUri.ToString(), result.Update.Url);
    }
}
