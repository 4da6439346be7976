using Registry.Serve.Internal;

namespace Registry.Serve;

/// <summary>
/// Serves a folder store over HTTP with the headers an S3 origin sends: strong ETags (content
/// sha256), 304 on If-None-Match, Cache-Control per file class, Content-Type, single byte
/// ranges, HEAD. For local use and tests; production reads come from object storage and a CDN.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly OriginHost _host;

    private RegistryServer(OriginHost host) => _host = host;

    /// <summary>The server's base URL, ending in '/'.</summary>
    public Uri BaseUri => _host.BaseUri;

    /// <summary>The host's services (tests check what the host was built with).</summary>
    internal IServiceProvider Services => _host.Services;

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

        var store = new Core.Storage.FolderStore(root);
        var settings = await Core.Settings.RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var handler = new FolderFileHandler(root, settings.CachePolicy);
        return new RegistryServer(
            await OriginHost.StartAsync(host, port, handler.HandleAsync, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Waits until the server is stopped (Ctrl+C or the token).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken)
        => _host.WaitForShutdownAsync(cancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
