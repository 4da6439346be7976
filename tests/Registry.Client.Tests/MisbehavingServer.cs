using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Registry.Client.Tests;

/// <summary>
/// Serves a registry folder like an origin (strong ETags, 304) and misbehaves on demand: a
/// per-path override can replace the body, answer a status, stream forever, or truncate.
/// Counts requests per path.
/// </summary>
public sealed class MisbehavingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MisbehavingServer(WebApplication app, string folder)
    {
        _app = app;
        Folder = folder;
    }

    public string Folder { get; set; }

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<string> Requests { get; } = new();

    public long BytesServed;

    /// <summary>Path (e.g. "metadata/timestamp.json", or a suffix match with "*suffix") to handler.</summary>
    public ConcurrentDictionary<string, Func<HttpContext, Task>> Overrides { get; } = new();

    public static async Task<MisbehavingServer> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new MisbehavingServer(app, folder);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    public int Count(Func<string, bool>? which = null) => Requests.Count(which ?? (_ => true));

    private async Task HandleAsync(HttpContext context)
    {
        var key = context.Request.Path.Value!.TrimStart('/');
        Requests.Enqueue(key);
        var handler = Overrides.GetValueOrDefault(key) ?? Overrides.FirstOrDefault(o => o.Key.StartsWith('*') && key.EndsWith(o.Key[1..], StringComparison.Ordinal)).Value;
        if (handler is not null)
        {
            await handler(context);
            return;
        }

        var path = Path.Combine(Folder, key);
        if (key.Contains("..", StringComparison.Ordinal) || !File.Exists(path))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            context.Response.StatusCode = 304;
            return;
        }

        Interlocked.Add(ref BytesServed, bytes.Length);
        await context.Response.Body.WriteAsync(bytes);
    }

    /// <summary>Answers with other bytes for the path.</summary>
    public static Func<HttpContext, Task> Body(byte[] bytes) => context => context.Response.Body.WriteAsync(bytes).AsTask();

    public static Func<HttpContext, Task> Status(int status) => context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>Streams zeros without end (until the client hangs up).</summary>
    public static Func<HttpContext, Task> Endless() => async context =>
    {
        var chunk = new byte[64 * 1024];
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
