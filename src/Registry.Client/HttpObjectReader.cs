using System.Net;
using Polly;
using Polly.Timeout;
using Registry.Client.Internal;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// Reads a registry's files over plain HTTP(S) from a base URL (the CDN, a mirror, or
/// <c>registry serve</c>). Every request goes through the <see cref="HttpPolicy"/> pipeline: each
/// attempt sends the request and reads the whole body under the attempt timeout and the low-speed
/// rule; stalled, cut or timed-out attempts, 5xx, 408 and 429 are retried with jittered backoff (or
/// the server's bounded Retry-After), other 4xx never; the request as a whole is bounded by the
/// total timeout. Every response is capped: at the length signed metadata pins for it
/// (<see cref="GetPinnedOrNullAsync"/>, <see cref="ReadStreamingAsync"/>), else at the caller's cap or
/// <see cref="MaxBytes"/>, whichever is lower. <see cref="ReadStreamingAsync"/> hands a body to its
/// consumer as it arrives instead of holding it, under the same rules.
/// Redirects are followed by the attempt itself, to http(s) only, never from https to http, at
/// most 10 hops; a refused one fails the request at once (an <see cref="HttpClient"/> passed in
/// should not follow redirects itself: <c>AllowAutoRedirect = false</c>, or the rule is bypassed).
/// </summary>
public sealed class HttpObjectReader : IObjectReader
{
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly ResiliencePipeline<HttpAnswer> _pipeline;
    private readonly Internal.RequestSlots _slots;
    private int _requests;

    public HttpObjectReader(Uri baseUri, HttpClient? http = null, HttpPolicy? policy = null)
    {
        BaseUri = baseUri;
        _ownsClient = http is null;
        // The pipeline bounds every attempt; redirects are followed by the attempt, under HttpRedirects' rule.
        Policy = policy ?? new HttpPolicy();
        _http = http ?? new HttpClient(CreateHandler(Policy)) { Timeout = Timeout.InfiniteTimeSpan };
        _slots = new Internal.RequestSlots(Policy.MaxConnectionsPerOrigin);
        _pipeline = HttpResilience.Build(Policy);
    }

    public Uri BaseUri { get; }

    /// <summary>
    /// The one connection pool of a reader: keep-alive connections reused across requests, at most
    /// <see cref="HttpPolicy.MaxConnectionsPerOrigin"/> to a server, HTTP/2 where the server offers it
    /// (ALPN over TLS, as CDNs do), HTTP/1.1 otherwise. Redirects are followed by the reader, not here.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(HttpPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Math.Max(1, policy.MaxConnectionsPerOrigin),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = false,
        };
    }

    public HttpPolicy Policy { get; }

    /// <summary>The largest response of unpinned length accepted (default 512 MiB; metadata callers pass their own
    /// caps).</summary>
    public long MaxBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>What raises <see cref="MaxBytes"/> (e.g. <c>REGISTRY_MAX_METADATA_BYTES</c>), named when a response
    /// exceeds it.</summary>
    public string? MaxBytesSetting { get; init; }

    public string Location => BaseUri.ToString();

    /// <summary>
    /// The read token of a private registry: sent only to requests on its origin, never after a
    /// redirect to another one (docs/protocol.md, "Read tokens").
    /// </summary>
    public ReadCredential? Credential { get; init; }

    /// <summary>How many HTTP requests (attempts included) this reader has sent.</summary>
    public int RequestCount => _requests;

    public async Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken) =>
        await GetCappedOrNullAsync(key, MaxBytes, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A conditional GET: null content with <c>NotModified</c> when the server answers 304 to
    /// <paramref name="etag"/>; the object otherwise (null when absent). Capped at <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<(bool NotModified, StoredObject? Object)> GetIfChangedAsync(
        string key,
        string? etag,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        var answer = await SendAsync(
            key,
            HttpMethod.Get,
            etag,
            new BodyCap(maxBytes, Pinned: false, null),
            cancellationToken).ConfigureAwait(false);
        return answer is null ? (false, null)
            : answer.Status == HttpStatusCode.NotModified ? (true, null)
            : (false, ToObject(answer));
    }

    /// <summary>Reads an object, refusing a body longer than <paramref name="maxBytes"/> or
    /// <see cref="MaxBytes"/>.</summary>
    public async Task<StoredObject?> GetCappedOrNullAsync(
        string key,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        var cap = maxBytes < MaxBytes
            ? new BodyCap(maxBytes, Pinned: false, null)
            : new BodyCap(MaxBytes, Pinned: false, MaxBytesSetting);
        var answer = await SendAsync(key, HttpMethod.Get, null, cap, cancellationToken).ConfigureAwait(false);
        return answer is null ? null : ToObject(answer);
    }

    /// <summary>Reads an object whose length signed metadata pins (an artifact): capped at that length, not at
    /// <see cref="MaxBytes"/>.</summary>
    public async Task<StoredObject?> GetPinnedOrNullAsync(string key, long length, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(
            key,
            HttpMethod.Get,
            null,
            new BodyCap(length, Pinned: true, null),
            cancellationToken).ConfigureAwait(false);
        return answer is null ? null : ToObject(answer);
    }

    public async Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : new MemoryStream(bytes.Content, writable: false);
    }

    /// <summary>
    /// Streams an object into <paramref name="consume"/> as it arrives, never holding it in memory
    /// (the mirror's and verify's artifacts). Each attempt hands over its body capped at
    /// <paramref name="maxBytes"/> (the length signed metadata pins: not <see cref="MaxBytes"/>, which caps
    /// metadata), under the attempt timeout and
    /// the low-speed rule; a body cut short or stalled fails the attempt, and the next attempt runs
    /// <paramref name="consume"/> again on a fresh body, so it must leave nothing behind when it
    /// throws. What <paramref name="consume"/> itself throws (a pin mismatch, the destination's
    /// error) is not retried. False when the object does not exist.
    /// </summary>
    public async Task<bool> ReadStreamingAsync(
        string key,
        long maxBytes,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        return await SendAsync(
            key,
            HttpMethod.Get,
            null,
            new BodyCap(maxBytes, Pinned: true, null),
            consume,
            cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await SendAsync(key, HttpMethod.Head, null, new BodyCap(0, Pinned: false, null), cancellationToken)
            .ConfigureAwait(false) is not null;

    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }

    }

    private static StoredObject ToObject(HttpAnswer answer)
        => new(answer.Body!, answer.ETag ?? Hashing.Sha256Hex(answer.Body!));

    private Task<HttpAnswer?> SendAsync(
        string key,
        HttpMethod method,
        string? ifNoneMatch,
        BodyCap cap,
        CancellationToken cancellationToken) =>
        SendAsync(key, method, ifNoneMatch, cap, consume: null, cancellationToken);

    /// <summary>
    /// One request through the pipeline: null when absent, the answer otherwise; throws for any
    /// other outcome. With <paramref name="consume"/>, a success's body went to it, not into the answer.
    /// </summary>
    private async Task<HttpAnswer?> SendAsync(
        string key,
        HttpMethod method,
        string? ifNoneMatch,
        BodyCap cap,
        Func<Stream, CancellationToken, Task>? consume,
        CancellationToken cancellationToken)
    {
        var uri = new Uri(BaseUri, key);
        var attempt = new HttpAttempt(_http, Policy, Credential);
        var time = Policy.TimeProvider;
        var start = time.GetTimestamp();
        var attempts = 0;
        long bytesRead = 0;
        string? lastProblem = null;
        var unreachable = true;
        HttpAnswer answer;
        // A request's time starts when it has a connection slot: one queued behind others is not stalled.
        // Artifacts (targets/packages/...) yield to metadata, whose answers the next requests wait for.
        var bulk = key.StartsWith("targets/packages/", StringComparison.Ordinal);
        await _slots.WaitAsync(bulk, cancellationToken).ConfigureAwait(false);
        start = time.GetTimestamp();
        try
        {
            answer = await _pipeline.ExecuteAsync(async ct =>
            {
                Interlocked.Increment(ref _requests);
                attempts++;
                try
                {
                    var result = await attempt.RunAsync(
                        uri,
                        method,
                        ifNoneMatch,
                        cap,
                        b => bytesRead += b,
                        consume,
                        cancellationToken,
                        ct).ConfigureAwait(false);
                    unreachable = false;
                    lastProblem = HttpResilience.IsTransient(result.Status) ? $"HTTP {(int)result.Status}" : null;
                    return result;
                }
                catch (AttemptFailedException e)
                {
                    unreachable &= e.Connecting;
                    lastProblem = e.Message;
                    throw;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested
                    && !cancellationToken.IsCancellationRequested)
                {
                    unreachable = false;
                    lastProblem
                        = $"the attempt took longer than its limit of {HttpResilience.Seconds(Policy.AttemptTimeout)}";
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AttemptFailedException or TimeoutRejectedException
            && !cancellationToken.IsCancellationRequested)
        {
            if (e is TimeoutRejectedException && time.GetElapsedTime(start) >= Policy.TotalTimeout)
            {
                lastProblem
                    = $"the request took longer than its total limit of {HttpResilience.Seconds(Policy.TotalTimeout)}";
            }

            throw new TransferException(
                $"GET {uri}: gave up after {attempts} attempt(s) in "
                + $"{HttpResilience.Seconds(time.GetElapsedTime(start))}, {bytesRead} byte(s) read: "
                + $"{lastProblem ?? e.Message}",
                unreachable ? 2 : 1, attempts, time.GetElapsedTime(start), bytesRead, e);
        }
        finally
        {
            _slots.Release(bulk);
        }

        if (answer.Status == HttpStatusCode.Unauthorized
            || (answer.Status == HttpStatusCode.Forbidden && answer.TokenError is not null))
        {
            throw TokenRefusals.For(BaseUri, Credential, uri, answer);
        }

        // S3 (and so a CDN in front of it) answers 403 for a missing key to anonymous readers
        // that lack s3:ListBucket; python-tuf treats both as "not found" too. Nothing that is
        // missing is ever trusted, so reading 403 as absent cannot make a client accept anything.
        if (answer.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }

        if (answer.Body is null && answer.Status != HttpStatusCode.NotModified
            && !(method == HttpMethod.Head && (int)answer.Status is >= 200 and < 300))
        {
            var why = answer.RetryAfter > Policy.MaxRetryAfter
                ? $" (Retry-After {HttpResilience.Seconds(answer.RetryAfter.Value)} is longer than the "
                    + $"{HttpResilience.Seconds(Policy.MaxRetryAfter)} this client waits)"
                : HttpResilience.IsTransient(answer.Status) ? $" after {attempts} attempt(s)" : "";
            throw new RegistryException($"{uri}: HTTP {(int)answer.Status}{why}");
        }

        return answer;
    }

    /// <summary>The header the shipped edge verifier names its reason in (infra/edge/token-verifier.js).</summary>
    public const string TokenErrorHeader = "Registry-Token-Error";
}
