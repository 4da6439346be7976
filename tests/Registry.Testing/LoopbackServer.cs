using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Registry.Testing;

/// <summary>
/// The one stub/proxy HTTP server of the tests: real Kestrel on a port of 127.0.0.1 the kernel
/// hands out, answering every request with one handler; stopped on dispose. Stubs (a misbehaving
/// origin, a counting origin, a stripping proxy) are a handler on it.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The server's base URL, ending in a slash (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri Url { get; }

    /// <summary>
    /// Starts a server answering with <paramref name="handler"/>: plain HTTP, or HTTPS with
    /// <paramref name="certificate"/>; <paramref name="onConnection"/> sees each new connection, and
    /// <paramref name="beforeConnection"/> is awaited before a new connection is served (a proxy that
    /// charges a handshake's round trip).
    /// </summary>
    public static async Task<LoopbackServer> StartAsync(
        RequestDelegate handler,
        X509Certificate2? certificate = null,
        Action<ConnectionContext>? onConnection = null,
        CancellationToken cancellationToken = default,
        Func<ConnectionContext, Task>? beforeConnection = null)
    {
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (onConnection is not null)
            {
                listen.Use(next => connection =>
                {
                    onConnection(connection);
                    return next(connection);
                });
            }

            if (beforeConnection is not null)
            {
                listen.Use(next => async connection =>
                {
                    await beforeConnection(connection);
                    await next(connection);
                });
            }

            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        var address = addresses.Addresses.First();
        return new LoopbackServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
