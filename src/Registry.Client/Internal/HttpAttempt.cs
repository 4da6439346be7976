using System.Net;

namespace Registry.Client.Internal;

/// <summary>
/// One attempt of an <see cref="HttpObjectReader"/> request, as its resilience pipeline runs it: the
/// request sent (the read token only to its own origin), redirects followed under
/// <see cref="HttpRedirects"/>' rule, and the answer read, each failure mapped to what the pipeline
/// retries (<see cref="AttemptFailedException"/>) or not.
/// </summary>
internal sealed class HttpAttempt(HttpClient http, HttpPolicy policy, ReadCredential? credential)
{
    private readonly HttpClient _http = http;
    private readonly HttpPolicy _policy = policy;
    private readonly ReadCredential? _credential = credential;

    /// <summary>
    /// One attempt: send, then read the whole body under the attempt's token and the low-speed rule,
    /// or hand it to <paramref name="consume"/> (with the caller's token) as it arrives.
    /// </summary>
    public async Task<HttpAnswer> RunAsync(
        Uri uri,
        HttpMethod method,
        string? ifNoneMatch,
        BodyCap cap,
        Action<int> onBytes,
        Func<Stream, CancellationToken, Task>? consume,
        CancellationToken caller,
        CancellationToken attempt)
    {
        using var watch = new StallWatch(_policy, attempt);
        var connected = false;
        var consuming = false;
        try
        {
            using var response = await SendFollowingRedirectsAsync(uri, method, ifNoneMatch, watch.Token)
                .ConfigureAwait(false);
            connected = true;
            watch.HeadersArrived();
            var status = response.StatusCode;
            if (!response.IsSuccessStatusCode || method == HttpMethod.Head)
            {
                var retryAfter = HttpResilience.IsTransient(status)
                    ? HttpResilience.RetryAfter(response, _policy.TimeProvider)
                    : null;
                var headers = response.Headers.NonValidated;
                return new HttpAnswer(status, null, null, retryAfter)
                {
                    TokenError = headers.TryGetValues(HttpObjectReader.TokenErrorHeader, out var errors)
                        ? errors.FirstOrDefault()
                        : null,
                };
            }

            if (consume is not null)
            {
                // Network failures of the body arrive as AttemptFailedException; the rest is the consumer's.
                var stream = await ResponseBodyStream.OpenAsync(response, cap.Bytes, uri, watch, onBytes)
                    .ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    consuming = true;
                    await consume(stream, caller).ConfigureAwait(false);
                }

                return new HttpAnswer(status, response.Headers.ETag?.Tag, [], null);
            }

            var body = await cap.ReadAsync(response, uri, watch, onBytes).ConfigureAwait(false);
            return new HttpAnswer(status, response.Headers.ETag?.Tag, body, null);
        }
        catch (Exception e) when (watch.Stalled is { } stalled && !attempt.IsCancellationRequested)
        {
            throw new AttemptFailedException(stalled, connecting: false, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !consuming
            && !attempt.IsCancellationRequested)
        {
            // Before the headers: the connection failed or was dropped. After: the body was cut short.
            throw connected
                ? new AttemptFailedException(
                    $"body cut short after {watch.Bytes} byte(s) ({e.Message.TrimEnd('.')})",
                    connecting: false,
                    e)
                : new AttemptFailedException(
                    $"no response ({e.Message.TrimEnd('.')})",
                    connecting: e is HttpRequestException
                    {
                        HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError,
                    },
                    e);
        }
        catch (OperationCanceledException e) when (!consuming && !attempt.IsCancellationRequested)
        {
            // Not our token: a timeout of the HttpClient the caller passed in.
            throw new AttemptFailedException(
                $"the HttpClient gave up ({e.Message.TrimEnd('.')})",
                connecting: false,
                e);
        }
        catch (Exception e) when (attempt.IsCancellationRequested && e is not OperationCanceledException)
        {
            // The attempt's time is up, however the handler reported the abort: the pipeline's timeout decides.
            throw new OperationCanceledException(e.Message, e, attempt);
        }
    }

    /// <summary>Sends the request and follows its redirects under <see cref="HttpRedirects"/>' rule; returns the final
    /// response.</summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(
        Uri uri,
        HttpMethod method,
        string? ifNoneMatch,
        CancellationToken cancellationToken)
    {
        var target = uri;
        for (var followed = 0; ; followed++)
        {
            using var request = new HttpRequestMessage(method, target) {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
            // Only to the credential's own origin: a redirect elsewhere goes without it.
            if (_credential is { } credential && credential.AppliesTo(target)
                && credential.Token is { Length: > 0 } token)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }
            if (ifNoneMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            Uri? next;
            try
            {
                next = HttpRedirects.NextOrNull(method, uri, target, response, followed);
            }
            catch
            {
                response.Dispose();
                throw;
            }

            if (next is null)
            {
                return response;
            }

            response.Dispose();
            target = next;
        }
    }
}
