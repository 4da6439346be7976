using Microsoft.AspNetCore.Http;

namespace Registry.Client.Tests;

/// <summary>
/// Slow and broken answers for <see cref="MisbehavingServer.Overrides"/>: headers then silence,
/// a trickle, a body cut short, no headers at all, 503 with Retry-After. Counts the body bytes it
/// got onto the wire, so a test can say how much the client read before giving up.
/// </summary>
public sealed class SlowBehaviours(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _bytesSent;
    private int _requests;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Sends the headers (declaring <paramref name="declaredLength"/>) and then nothing, until the client
    /// hangs up.</summary>
    public Func<HttpContext, Task> HeadersThenStall(long declaredLength = 1000) => async context =>
    {
        Interlocked.Increment(ref _requests);
        context.Response.ContentLength = declaredLength;
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Quietly(Task.Delay(Timeout.InfiniteTimeSpan, _time, context.RequestAborted));
    };

    /// <summary>Accepts the request and never answers.</summary>
    public Func<HttpContext, Task> NoHeaders() => async context =>
    {
        Interlocked.Increment(ref _requests);
        await Quietly(Task.Delay(Timeout.InfiniteTimeSpan, _time, context.RequestAborted));
    };

    /// <summary>
    /// Sends <paramref name="content"/> (or zeros without end when null) <paramref name="chunk"/>
    /// bytes at a time, one chunk per <paramref name="interval"/> of the behaviour's clock.
    /// </summary>
    public Func<HttpContext, Task> Trickle(TimeSpan interval, int chunk = 1, byte[]? content = null) => async context =>
    {
        Interlocked.Increment(ref _requests);
        if (content is not null)
        {
            context.Response.ContentLength = content.Length;
        }

        await context.Response.StartAsync(context.RequestAborted);
        await Quietly(Send());

        async Task Send()
        {
            for (long sent = 0; content is null || sent < content.Length; sent += chunk)
            {
                var piece = content is null
                    ? new byte[chunk]
                    : content.AsMemory((int)sent, (int)Math.Min(chunk, content.Length - sent)).ToArray();
                await context.Response.Body.WriteAsync(piece, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Interlocked.Add(ref _bytesSent, piece.Length);
                await Task.Delay(interval, _time, context.RequestAborted);
            }
        }
    };

    /// <summary>Declares the whole length, sends the first <paramref name="sent"/> bytes, then drops the
    /// connection.</summary>
    public Func<HttpContext, Task> CutShort(byte[] content, int sent) => async context =>
    {
        Interlocked.Increment(ref _requests);
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content.AsMemory(0, sent), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        Interlocked.Add(ref _bytesSent, sent);
        // let the bytes reach the client before the reset
        await Task.Delay(TimeSpan.FromMilliseconds(200), context.RequestAborted);
        context.Abort();
    };

    /// <summary>
    /// Answers 503 with <c>Retry-After: <paramref name="retryAfter"/></c> to the first
    /// <paramref name="failures"/> requests, then <paramref name="content"/>.
    /// </summary>
    public Func<HttpContext, Task> UnavailableThen(int failures, string retryAfter, byte[] content) => async context =>
    {
        if (Interlocked.Increment(ref _requests) <= failures)
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = retryAfter;
            return;
        }

        await context.Response.Body.WriteAsync(content, context.RequestAborted);
        Interlocked.Add(ref _bytesSent, content.Length);
    };

    // The client hanging up is how these end.
    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }
}
