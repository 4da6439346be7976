using System.Net;
using Microsoft.AspNetCore.Http;

namespace Registry.Benchmarks;

/// <summary>What one forwarded request returned: its status, and the header and body bytes sent back.</summary>
internal sealed record ForwardedResponse(HttpStatusCode Status, long HeaderBytes, long BodyBytes);

/// <summary>
/// The one reverse-proxy hop of the benchmarks' proxies (<c>CountingProxy</c>, <c>DelayProxy</c>): a
/// request goes to the upstream unchanged (method, path, query, conditional and range headers, no
/// hop-by-hop header) and the status, headers and body come back as they are, never decompressed or
/// redirected, so what is measured is what the client under test really exchanged.
/// </summary>
internal sealed class ProxyHop(int maxConnections) : IDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) {
        "Host",
        "Connection",
        "Keep-Alive",
        "Transfer-Encoding",
        "Upgrade",
        "Proxy-Connection",
        "TE",
        "Trailer" };

    private readonly HttpClient _http = new(new SocketsHttpHandler {
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = maxConnections });

    /// <summary>
    /// Forwards <paramref name="context"/>'s request to <paramref name="upstream"/> and writes the answer back.
    /// The header bytes are the status line and headers approximated as HTTP/1.1 text.
    /// </summary>
    public async Task<ForwardedResponse> ForwardAsync(HttpContext context, string upstream)
    {
        using var request = new HttpRequestMessage(
            new HttpMethod(context.Request.Method),
            $"{upstream.TrimEnd('/')}{context.Request.Path.ToUriComponent()}{context.Request.QueryString}");
        foreach (var (name, values) in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            request.Headers.TryAddWithoutValidation(name, values.ToArray());
        }

        using var response = await _http.SendAsync(
            request,
            HttpCompletionOption.ResponseHeadersRead,
            context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        long headerBytes = $"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n\r\n".Length;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers)
            .Where(h => !HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[name] = values.ToArray();
            headerBytes += values.Sum(v => name.Length + 4 + v.Length);
        }

        long bytes = 0;
        await using (var body = await response.Content.ReadAsStreamAsync(context.RequestAborted))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                bytes += read;
            }
        }

        return new ForwardedResponse(response.StatusCode, headerBytes, bytes);
    }

    public void Dispose() => _http.Dispose();
}
