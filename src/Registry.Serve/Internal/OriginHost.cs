using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Registry.Serve.Internal;

/// <summary>
/// The smallest ASP.NET Core host that serves one handler: Kestrel, the console lifetime
/// (SIGTERM/Ctrl+C stop it), and nothing read from the current folder. One start-up for
/// <see cref="RegistryServer"/> and <see cref="WitnessServer"/>: bind, start, then read the bound
/// address (port 0: the port the kernel handed out).
/// </summary>
/// <remarks>
/// The default builders use the current folder as the content root and load
/// <c>appsettings*.json</c> from it with reload-on-change, which starts a recursive file
/// watcher there: on Linux one inotify watch per subfolder, enumerated at start-up, so
/// <c>registry serve</c> run from a large tree took seconds to minutes to start (and read
/// whatever appsettings.json happened to lie there). The empty builder has no configuration
/// sources, no logging providers and no file watchers; the content root is the tool's own
/// folder, which holds no <c>wwwroot</c>.
/// </remarks>
internal sealed class OriginHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OriginHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The bound address, ending in '/'.</summary>
    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Serves <paramref name="handler"/> on <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<OriginHost> StartAsync(
        string host,
        int port,
        RequestDelegate handler,
        CancellationToken cancellationToken)
    {
        var app = Create($"http://{host}:{port}").Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First();
        return new OriginHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Waits until the host is stopped (Ctrl+C, SIGTERM or the token).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken)
        => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplicationBuilder Create(string url)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls(url);
        return builder;
    }
}
