using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Registry.Testing;

namespace Registry.Benchmarks.Hex;

/// <summary>Requests and response bytes of one kind of file (timestamp, bins, index files, artifacts, ...).</summary>
internal sealed record ClassTraffic(int Requests, long Bytes);

/// <summary>
/// What crossed the wire: requests, response body bytes (as sent, after any content
/// encoding), response header bytes (status line and headers, approximated as HTTP/1.1 text),
/// 304 answers, and the same split by kind of file.
/// </summary>
internal sealed record TrafficFigures(
    int Requests,
    long Bytes,
    long HeaderBytes,
    int NotModified,
    IReadOnlyDictionary<string, ClassTraffic> ByClass);

/// <summary>
/// A reverse proxy on 127.0.0.1 that forwards every request to an upstream (<c>registry serve</c>)
/// unchanged (method, path, conditional and range headers; status, headers and body back) and
/// counts what it returns, so a client's or mirror's traffic is measured outside the code under test.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long[]> _classes = new(StringComparer.Ordinal);
    private readonly ProxyHop _hop = new(maxConnections: 64);
    private readonly string _upstream;
    private LoopbackServer? _server;
    private int _requests;
    private int _notModified;
    private long _bytes;
    private long _headerBytes;

    private CountingProxy(Uri upstream) => _upstream = upstream.AbsoluteUri.TrimEnd('/');

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<CountingProxy> StartAsync(Uri upstream)
    {
        var proxy = new CountingProxy(upstream);
        proxy._server = await LoopbackServer.StartAsync(proxy.ForwardAsync);
        proxy.BaseUri = proxy._server.Url;
        return proxy;
    }

    public void Reset()
    {
        (_requests, _notModified, _bytes, _headerBytes) = (0, 0, 0, 0);
        _classes.Clear();
    }

    public TrafficFigures Figures() => new(_requests, Interlocked.Read(ref _bytes), Interlocked.Read(
        ref _headerBytes), _notModified,
        _classes.OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(p => p.Key, p => new ClassTraffic((int)p.Value[0], p.Value[1]), StringComparer.Ordinal));

    /// <summary>The kind of file a URL path names, by the registry's layout.</summary>
    public static string Classify(string path) => path.TrimStart('/') switch
    {
        "metadata/timestamp.json" => "timestamp",
        var p when p.StartsWith("metadata/", StringComparison.Ordinal)
            && p.EndsWith(".root.json", StringComparison.Ordinal) => "root",
        var p when p.StartsWith("metadata/", StringComparison.Ordinal)
            && p.EndsWith(".snapshot.json", StringComparison.Ordinal) => "snapshot",
        var p when p.StartsWith("metadata/", StringComparison.Ordinal)
            && p.EndsWith(".targets.json", StringComparison.Ordinal) => "targets",
        var p when p.StartsWith("metadata/", StringComparison.Ordinal) => "bins",
        var p when p.StartsWith("targets/index/", StringComparison.Ordinal) => "index",
        var p when p.StartsWith("targets/names/", StringComparison.Ordinal) => "names",
        var p when p.StartsWith("targets/packages/", StringComparison.Ordinal) => "artifacts",
        var p when p.StartsWith("log/", StringComparison.Ordinal) => "log",
        _ => "other",
    };

    private async Task ForwardAsync(HttpContext context)
    {
        var (status, headerBytes, bytes) = await _hop.ForwardAsync(context, _upstream);
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _headerBytes, headerBytes);
        if (status == HttpStatusCode.NotModified)
        {
            Interlocked.Increment(ref _notModified);
        }

        var counts = _classes.GetOrAdd(Classify(context.Request.Path.Value ?? ""), _ => new long[2]);
        Interlocked.Increment(ref counts[0]);
        Interlocked.Add(ref counts[1], bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _hop.Dispose();
    }
}
