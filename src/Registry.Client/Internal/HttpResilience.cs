using System.Globalization;
using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Registry.Client.Internal;

/// <summary>What one attempt got: the status, and for a success the whole body, already read.</summary>
internal sealed record HttpAnswer(HttpStatusCode Status, string? ETag, byte[]? Body, TimeSpan? RetryAfter)
{
    /// <summary>The edge verifier's reason for a 401 or 403 (its Registry-Token-Error header), if any.</summary>
    public string? TokenError { get; init; }
}

/// <summary>An attempt that failed in transfer (connection, stall, cut body): retried like a 5xx.</summary>
internal sealed class AttemptFailedException(
    string message,
    bool connecting,
    Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Whether the attempt failed before any response arrived (the server is unreachable).</summary>
    public bool Connecting { get; } = connecting;
}

/// <summary>
/// The resilience pipeline every HTTP request goes through, on the policy's clock: a total timeout
/// around retries (exponential backoff with jitter, or the server's bounded Retry-After) around a
/// per-attempt timeout. The attempt itself (HttpObjectReader) reads the whole body under the
/// timeout and a <see cref="StallWatch"/>, so a body that trickles or stalls fails the attempt.
/// </summary>
internal static class HttpResilience
{
    public static ResiliencePipeline<HttpAnswer> Build(HttpPolicy policy)
    {
        var builder = new ResiliencePipelineBuilder<HttpAnswer> { TimeProvider = policy.TimeProvider };
        builder.AddTimeout(policy.TotalTimeout);
        if (policy.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpAnswer>
            {
                MaxRetryAttempts = policy.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, policy)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
            });
        }

        return builder.AddTimeout(policy.AttemptTimeout).Build();
    }

    /// <summary>5xx, 408 and 429 are worth another try (unless Retry-After asks for too long); every other status is an
    /// answer.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The server's Retry-After as a delay from now on the policy's clock, or null when absent.</summary>
    public static TimeSpan? RetryAfter(
        HttpResponseMessage response,
        TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    public static string Seconds(TimeSpan span)
        => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static bool ShouldRetry(Outcome<HttpAnswer> outcome, HttpPolicy policy) => outcome switch
    {
        { Exception: AttemptFailedException or TimeoutRejectedException } => true,
        { Result: { } answer } => IsTransient(answer.Status) && !(answer.RetryAfter > policy.MaxRetryAfter),
        _ => false,
    };
}

/// <summary>
/// The low-speed rule of one attempt: cancels <see cref="Token"/> when fewer than the policy's
/// minimum bytes arrive within a window (the first window waits for the headers).
/// </summary>
internal sealed class StallWatch : IDisposable
{
    private readonly HttpPolicy _policy;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private readonly long _minimum;
    private readonly Lock _gate = new();
    private long _bytes;
    private long _windowStart;
    private bool _headers;
    private bool _done;
    private bool _disposed;

    public StallWatch(HttpPolicy policy, CancellationToken attempt)
    {
        _policy = policy;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(attempt);
        _minimum = Math.Max(1, (long)(policy.MinBytesPerSecond * policy.StallTimeout.TotalSeconds));
        _timer = policy.TimeProvider.CreateTimer(_ => Check(), null, policy.StallTimeout, policy.StallTimeout);
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Why the attempt was stopped, or null while it was not.</summary>
    public string? Stalled { get; private set; }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The headers arrived: the first body window starts now.</summary>
    public void HeadersArrived()
    {
        lock (_gate)
        {
            _headers = true;
            _windowStart = _bytes;
            _timer.Change(_policy.StallTimeout, _policy.StallTimeout);
        }
    }

    public void Add(int count) => Interlocked.Add(ref _bytes, count);

    /// <summary>The whole body has arrived: the low-speed rule is over (a consumer of a streamed body may still be
    /// writing it).</summary>
    public void BodyDone()
    {
        lock (_gate)
        {
            _done = true;
            if (!_disposed)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Check()
    {
        lock (_gate)
        {
            var bytes = Interlocked.Read(ref _bytes);
            if (_disposed || _done)
            {
                return;
            }

            if (_headers && bytes - _windowStart >= _minimum)
            {
                _windowStart = bytes;
                return;
            }

            Stalled = _headers
                ? $"body stalled: {bytes - _windowStart} byte(s) in {HttpResilience.Seconds(_policy.StallTimeout)}, "
                    + $"under the minimum of {_minimum} ({_policy.MinBytesPerSecond} B/s), after {bytes} byte(s)"
                : $"no response headers within {HttpResilience.Seconds(_policy.StallTimeout)}";
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended between the check and the cancel: nothing left to stop.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
        _cancel.Dispose();
    }
}
