using System.Globalization;
using Registry.Core;

namespace Registry.Client;

/// <summary>
/// Time bounds and retries for every HTTP request the client and the mirror send. One request is
/// at most <see cref="MaxRetries"/> + 1 attempts within <see cref="TotalTimeout"/>; each attempt
/// (connect, headers and the whole body) within <see cref="AttemptTimeout"/>, and failed as soon as
/// it falls under the low-speed rule (<see cref="StallTimeout"/>, <see cref="MinBytesPerSecond"/>).
/// A stalled, cut or timed-out attempt is retried like a 5xx; when the retries are spent the
/// request fails with <see cref="TransferException"/> and the caller moves to the next URL.
/// </summary>
public sealed record HttpPolicy
{
    /// <summary>One attempt, from sending the request to the last byte of the body. Default 5 minutes.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The low-speed window, as curl's <c>--speed-time</c>: an attempt fails when fewer than
    /// <see cref="MinBytesPerSecond"/> × this many bytes arrive within one window (waiting this long
    /// for the response headers counts as no bytes). Default 15 seconds.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The low-speed limit, as curl's <c>--speed-limit</c>. Default 1 KiB/s (0: any byte is
    /// progress).</summary>
    public int MinBytesPerSecond { get; init; } = 1024;

    /// <summary>Every attempt and every wait between them, for one request. Default 10 minutes.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries after the first attempt (0: none).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff delay; doubled at each retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest <c>Retry-After</c> (on 429 and 5xx) waited for before the next attempt; a server
    /// asking for longer gets no retry, so the caller moves to the next URL at once. Default 30 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Requests in flight to one URL at once, and so HTTP/1.1 connections to its origin (each kept
    /// alive and reused). Requests beyond it wait for a free one before their time starts running.
    /// Default 16, as browsers allow six to a dozen per host and CDNs welcome connection reuse.
    /// </summary>
    public int MaxConnectionsPerOrigin { get; init; } = 16;

    /// <summary>The clock of every timeout, delay and Retry-After date (tests inject their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The defaults, overridden by <c>REGISTRY_HTTP_ATTEMPT_TIMEOUT</c>, <c>REGISTRY_HTTP_STALL_TIMEOUT</c>,
    /// <c>REGISTRY_HTTP_TOTAL_TIMEOUT</c>, <c>REGISTRY_HTTP_MAX_RETRY_AFTER</c> (seconds),
    /// <c>REGISTRY_HTTP_MIN_SPEED</c> (bytes per second), <c>REGISTRY_HTTP_RETRIES</c> and
    /// <c>REGISTRY_HTTP_CONNECTIONS</c> (requests in flight per URL, 1 or more) when set
    /// (as cargo reads <c>CARGO_HTTP_TIMEOUT</c> and <c>CARGO_HTTP_LOW_SPEED_LIMIT</c>).
    /// </summary>
    public static HttpPolicy FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var defaults = new HttpPolicy();
        return defaults with
        {
            AttemptTimeout = Seconds("REGISTRY_HTTP_ATTEMPT_TIMEOUT") ?? defaults.AttemptTimeout,
            StallTimeout = Seconds("REGISTRY_HTTP_STALL_TIMEOUT") ?? defaults.StallTimeout,
            TotalTimeout = Seconds("REGISTRY_HTTP_TOTAL_TIMEOUT") ?? defaults.TotalTimeout,
            MaxRetryAfter = Seconds("REGISTRY_HTTP_MAX_RETRY_AFTER") ?? defaults.MaxRetryAfter,
            MinBytesPerSecond = Count("REGISTRY_HTTP_MIN_SPEED") ?? defaults.MinBytesPerSecond,
            MaxRetries = Count("REGISTRY_HTTP_RETRIES") ?? defaults.MaxRetries,
            MaxConnectionsPerOrigin = Read("REGISTRY_HTTP_CONNECTIONS", 1, 1024) is { } connections
                ? (int)connections
                : defaults.MaxConnectionsPerOrigin,
        };

        TimeSpan? Seconds(string name)
            => Read(name, 0.001, 86_400) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

        int? Count(string name) => Read(name, 0, int.MaxValue) is { } count ? (int)count : null;

        double? Read(string name, double least, double most)
        {
            var text = environment(name);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value >= least
                && value <= most
                ? value
                : throw new EnvironmentException($"{name}={text} is not a number from "
                    + $"{least.ToString(CultureInfo.InvariantCulture)} to "
                    + $"{most.ToString(CultureInfo.InvariantCulture)}; fix or unset it");
        }
    }
}
