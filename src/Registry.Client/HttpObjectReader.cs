using System.Net;
using Polly;
using Registry.Client.Internal;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// Reads a registry's files over plain HTTP(S) from a base URL (the CDN, a mirror, or
/// <c>registry serve</c>). Every request goes through a resilience pipeline (per-attempt
/// timeout, retries with jittered backoff on 5xx, 408, 429 and network errors, never on
/// other 4xx) and every response is capped at <see cref="MaxBytes"/>.
/// </summary>
public sealed class HttpObjectReader : IObjectReader
{
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HttpObjectReader(Uri baseUri, HttpClient? http = null, HttpPolicy? policy = null)
    {
        BaseUri = baseUri;
        _ownsClient = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Policy = policy ?? new HttpPolicy();
        _pipeline = HttpResilience.Build(Policy);
    }

    public Uri BaseUri { get; }

    public HttpPolicy Policy { get; }

    /// <summary>The largest response accepted (default 512 MiB; metadata callers pass their own caps).</summary>
    public long MaxBytes { get; init; } = 512L * 1024 * 1024;

    public string Location => BaseUri.ToString();

    /// <summary>How many HTTP requests (attempts included) this reader has sent.</summary>
    public int RequestCount => _requests;

    private int _requests;

    public async Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(key, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        var bytes = await HttpResilience.ReadCappedAsync(response, MaxBytes, key, cancellationToken).ConfigureAwait(false);
        var tag = response.Headers.ETag?.Tag ?? Hashing.Sha256Hex(bytes);
        return new StoredObject(bytes, tag);
    }

    /// <summary>
    /// A conditional GET: null content with <c>NotModified</c> when the server answers 304 to
    /// <paramref name="etag"/>; the object otherwise (null when absent). Capped at <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<(bool NotModified, StoredObject? Object)> GetIfChangedAsync(string key, string? etag, long maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(key, cancellationToken, HttpMethod.Get, etag).ConfigureAwait(false);
        if (response is null)
        {
            return (false, null);
        }

        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return (true, null);
        }

        var bytes = await HttpResilience.ReadCappedAsync(response, maxBytes, key, cancellationToken).ConfigureAwait(false);
        return (false, new StoredObject(bytes, response.Headers.ETag?.Tag ?? Hashing.Sha256Hex(bytes)));
    }

    /// <summary>Reads an object of known size, refusing a body longer than <paramref name="maxBytes"/>.</summary>
    public async Task<StoredObject?> GetCappedOrNullAsync(string key, long maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(key, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        var bytes = await HttpResilience.ReadCappedAsync(response, Math.Min(maxBytes, MaxBytes), key, cancellationToken).ConfigureAwait(false);
        return new StoredObject(bytes, response.Headers.ETag?.Tag ?? Hashing.Sha256Hex(bytes));
    }

    public async Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : new MemoryStream(bytes.Content, writable: false);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(key, cancellationToken, HttpMethod.Head).ConfigureAwait(false);
        return response is not null;
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private async Task<HttpResponseMessage?> SendAsync(string key, CancellationToken cancellationToken, HttpMethod? method = null, string? ifNoneMatch = null)
    {
        var uri = new Uri(BaseUri, key);
        var response = await _pipeline.ExecuteAsync(async ct =>
        {
            Interlocked.Increment(ref _requests);
            using var request = new HttpRequestMessage(method ?? HttpMethod.Get, uri);
            if (ifNoneMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            }

            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        // S3 (and so a CDN in front of it) answers 403 for a missing key to anonymous readers
        // that lack s3:ListBucket; python-tuf treats both as "not found" too. Nothing that is
        // missing is ever trusted, so reading 403 as absent cannot make a client accept anything.
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            return null;
        }

        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotModified)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new RegistryException($"{uri}: HTTP {status}");
        }

        return response;
    }
}
