using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Registry.Serve.Internal;

namespace Registry.Serve;

/// <summary>
/// Serves a folder store over HTTP with the headers an S3 origin sends: strong ETags (content
/// sha256), 304 on If-None-Match, Cache-Control per file class, Content-Type, single byte
/// ranges, HEAD. For local use and tests; production reads come from object storage and a CDN.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RegistryServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The server's base URL, ending in '/'.</summary>
    public Uri BaseUri { get; }

    /// <summary>The host's services (tests check what the host was built with).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Starts serving <paramref name="folder"/> on 127.0.0.1 (port 0: any free port).</summary>
    public static async Task<RegistryServer> StartAsync(
        string folder,
        int port,
        string host = "127.0.0.1",
        CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new Core.EnvironmentException($"{folder}: no such folder to serve");
        }

        var settings = await Core.Settings.RegistrySettings.LoadAsync(new Core.Storage.FolderStore(root), cancellationToken)
            .ConfigureAwait(false);
        var app = OriginHost.Create($"http://{host}:{port}").Build();
        var handler = new FolderFileHandler(root, settings.CachePolicy);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First();
        return new RegistryServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Waits until the server is stopped (Ctrl+C or the token).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken)
        => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
