using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Registry.Testing;

namespace Registry.Benchmarks.Latency;

/// <summary>One request as the proxy saw it: when it arrived and when its response was sent, on which
/// connection.</summary>
internal sealed record LoggedRequest(
    string Path,
    int Status,
    string Connection,
    double StartMs,
    double EndMs,
    long Bytes);

/// <summary>
/// A reverse proxy on 127.0.0.1 that adds a fixed round-trip time: each request waits
/// <see cref="Rtt"/> before it is forwarded, and each new connection waits one more before its
/// first request is read (the TCP handshake a real network charges). It logs every request
/// (arrival, end, connection) so round trips and connections can be reconstructed afterwards,
/// outside the client under test.
/// </summary>
internal sealed class DelayProxy : IAsyncDisposable
{
    private readonly ProxyHop _hop = new(maxConnections: 256);
    private readonly ConcurrentQueue<LoggedRequest> _log = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private LoopbackServer? _server;
    private int _connections;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Where requests go (<c>registry serve</c>); set once the site exists.</summary>
    public string Upstream { get; set; } = "";

    /// <summary>The round-trip time added to every request and to every new connection.</summary>
    public TimeSpan Rtt { get; set; }

    public static async Task<DelayProxy> StartAsync()
    {
        var proxy = new DelayProxy();
        proxy._server = await LoopbackServer.StartAsync(proxy.ForwardAsync, beforeConnection: async _ =>
        {
            Interlocked.Increment(ref proxy._connections);
            if (proxy.Rtt > TimeSpan.Zero)
            {
                await Task.Delay(proxy.Rtt);
            }
        });
        proxy.BaseUri = proxy._server.Url;
        return proxy;
    }

    /// <summary>Connections opened since the last <see cref="Reset"/>.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public void Reset()
    {
        _log.Clear();
        Interlocked.Exchange(ref _connections, 0);
    }

    public IReadOnlyList<LoggedRequest> Log => [.. _log.OrderBy(r => r.StartMs)];

    private async Task ForwardAsync(HttpContext context)
    {
        var start = _clock.Elapsed.TotalMilliseconds;
        if (Rtt > TimeSpan.Zero)
        {
            await Task.Delay(Rtt, context.RequestAborted);
        }

        var (status, _, bytes) = await _hop.ForwardAsync(context, Upstream);
        await context.Response.CompleteAsync();
        _log.Enqueue(new LoggedRequest(
            context.Request.Path.Value ?? "",
            (int)status,
            context.Connection.Id,
            start,
            _clock.Elapsed.TotalMilliseconds,
            bytes));
    }

    /// <summary>
    /// Sequential round trips, reconstructed from the log: the longest chain of requests in which
    /// each one arrived after the one before it had been answered (a request can only depend on
    /// answers it has received). Requests sent together, or queued behind a busy connection pool,
    /// show as the waves they really were.
    /// </summary>
    public static int RoundTrips(IReadOnlyList<LoggedRequest> log)
    {
        var sorted = log.OrderBy(r => r.StartMs).ToList();
        var depth = new int[sorted.Count];
        var longest = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            depth[i] = 1;
            for (var j = 0; j < i; j++)
            {
                // 1 ms of slack for the timer and the loopback hop: "after" means after the answer.
                if (sorted[j].EndMs <= sorted[i].StartMs + 1 && depth[j] + 1 > depth[i])
                {
                    depth[i] = depth[j] + 1;
                }
            }

            longest = Math.Max(longest, depth[i]);
        }

        return longest;
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
