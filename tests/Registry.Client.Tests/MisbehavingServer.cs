using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// Serves a registry folder like an origin (strong ETags, 304) and misbehaves on demand: a
/// per-path override can replace the body, answer a status, stream forever, or truncate.
/// Counts requests per path.
/// </summary>
public sealed class MisbehavingServer : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private MisbehavingServer(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; set; }

    public Uri Url => _server.Url;

    public ConcurrentQueue<string> Requests { get; } = new();

    public long BytesServed;

    /// <summary>Path (e.g. "metadata/timestamp.json", or a suffix match with "*suffix") to handler.</summary>
    public ConcurrentDictionary<string, Func<HttpContext, Task>> Overrides { get; } = new();

    /// <summary>Starts on a free port of 127.0.0.1: plain HTTP, or HTTPS with <paramref name="certificate"/>.</summary>
    public static async Task<MisbehavingServer> StartAsync(string folder, X509Certificate2? certificate = null)
    {
        var server = new MisbehavingServer(folder);
        server._server = await LoopbackServer.StartAsync(server.HandleAsync, certificate);
        return server;
    }

    /// <summary>A self-signed certificate for 127.0.0.1, valid for a day either side of now (clients pin it by its
    /// hash).</summary>
    public static X509Certificate2 LoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public int Count(Func<string, bool>? which = null) => Requests.Count(which ?? (_ => true));

    private async Task HandleAsync(HttpContext context)
    {
        var key = context.Request.Path.Value!.TrimStart('/');
        Requests.Enqueue(key);
        var handler = Overrides.GetValueOrDefault(key) ?? Overrides.FirstOrDefault(
            o => o.Key.StartsWith('*') && key.EndsWith(o.Key[1..], StringComparison.Ordinal)).Value;
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
    public static Func<HttpContext, Task> Body(byte[] bytes)
        => context => context.Response.Body.WriteAsync(bytes).AsTask();

    /// <summary>Answers with a redirect to <paramref name="location"/>, sent as given (relative or absolute, any
    /// scheme).</summary>
    public static Func<HttpContext, Task> Redirect(string location, int status = 302) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    };

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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
