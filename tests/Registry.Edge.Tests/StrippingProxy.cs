using Microsoft.AspNetCore.Http;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>
/// An HTTP proxy in front of the S3 server that drops <c>If-None-Match</c> and <c>If-Match</c>:
/// a store that silently ignores preconditions, like the npm S3 emulators. SigV4 signs those
/// headers, so the proxy also drops the signature and forwards anonymously: the test bucket is
/// made public-read-write, and the writes land without their preconditions.
/// </summary>
public sealed class StrippingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase) {
        "If-None-Match",
        "If-Match",
        "Host",
        "Transfer-Encoding",
        "Connection",
        "Authorization",
        "X-Amz-Date",
        "X-Amz-Security-Token",
        "X-Amz-Content-SHA256" };
    private LoopbackServer _server = null!;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public Uri Url => _server.Url;

    public int Stripped;

    public static async Task<StrippingProxy> StartAsync(Uri origin)
    {
        var proxy = new StrippingProxy();
        proxy._server = await LoopbackServer.StartAsync(context => proxy.ForwardAsync(context, origin));
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context, Uri origin)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(
            new HttpMethod(request.Method),
            new Uri(origin, request.Path + request.QueryString));
        if (request.ContentLength > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            message.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("If-None-Match", StringComparison.OrdinalIgnoreCase)
                || name.Equals("If-Match", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref Stripped);
                continue;
            }

            if (Dropped.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        // SigV4 signs the Host the client addressed: keep it.
        message.Headers.Host = request.Host.Value;
        using var response = await _http.SendAsync(
            message,
            HttpCompletionOption.ResponseHeadersRead,
            context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }
}
