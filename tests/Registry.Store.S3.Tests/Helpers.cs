using System.Security.Cryptography;
using Amazon.Runtime;

namespace Registry.Store.S3.Tests;

/// <summary>A non-seekable stream of deterministic pseudo-random bytes, generated as it is read (never held in
/// memory).</summary>
internal sealed class GeneratedStream(long length, int seed, Exception? failAfterHalf = null) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public static byte[] Sha256(long length, int seed)
    {
        using var stream = new GeneratedStream(length, seed);
        return SHA256.HashData(stream);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfterHalf is not null && _position >= length / 2)
        {
            throw failAfterHalf;
        }

        var n = (int)Math.Min(buffer.Length, length - _position);
        _random.NextBytes(buffer[..n]);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Gives the SDK an HttpClient whose handler counts requests by method and can "lose" the response of
/// the next PUT: the PUT reaches the server and is applied, then the client sees a broken connection.
/// </summary>
internal sealed class InstrumentedHttpClientFactory : HttpClientFactory, IDisposable
{
    private readonly Handler _handler = new() { InnerHandler = new SocketsHttpHandler() };
    private readonly HttpClient _client;

    public InstrumentedHttpClientFactory() => _client = new HttpClient(_handler) { Timeout = Timeout.InfiniteTimeSpan };

    public int Requests => _handler.Requests;

    public IReadOnlyList<string> Log => [.. _handler.Log];

    public void LoseNextPutResponse() => _handler.LoseNextPut = true;

    public void Reset()
    {
        _handler.Requests = 0;
        _handler.Log.Clear();
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _client;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _client.Dispose();

    private sealed class Handler : DelegatingHandler
    {
        public int Requests;
        public volatile bool LoseNextPut;

        public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            var response = await base.SendAsync(request, cancellationToken);
            Log.Enqueue($"{request.Method} {(int)response.StatusCode}");
            if (request.Method == HttpMethod.Put && LoseNextPut)
            {
                LoseNextPut = false;
                response.Dispose();
                throw new HttpRequestException("test: the connection broke after the PUT was applied");
            }

            return response;
        }
    }
}
