using Registry.Core;

namespace Registry.Client.Internal;

/// <summary>
/// A response body handed to a consumer as it arrives (<see cref="HttpObjectReader.ReadStreamingAsync"/>),
/// under the same rules as a body read whole: capped, counted for the low-speed rule, read under the
/// attempt's token. A network failure while reading becomes <see cref="AttemptFailedException"/>
/// (the attempt is retried), so anything else the consumer throws is the consumer's own failure.
/// </summary>
internal sealed class ResponseBodyStream : Stream
{
    private readonly Stream _body;
    private readonly long _maxBytes;
    private readonly Uri _uri;
    private readonly StallWatch _watch;
    private readonly Action<int> _onBytes;
    private long _read;

    private ResponseBodyStream(Stream body, long maxBytes, Uri uri, StallWatch watch, Action<int> onBytes)
    {
        _body = body;
        _maxBytes = maxBytes;
        _uri = uri;
        _watch = watch;
        _onBytes = onBytes;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>The body of <paramref name="response"/>, refused at once when its declared length passes the
    /// cap.</summary>
    public static async Task<ResponseBodyStream> OpenAsync(
        HttpResponseMessage response,
        long maxBytes,
        Uri uri,
        StallWatch watch,
        Action<int> onBytes)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            throw new VerificationException($"{uri}: response of {declared} bytes exceeds the limit of {maxBytes}");
        }

        return new ResponseBodyStream(
            await response.Content.ReadAsStreamAsync(watch.Token).ConfigureAwait(false),
            maxBytes,
            uri,
            watch,
            onBytes);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            // The attempt's token: the attempt timeout and the low-speed rule stop a slow body.
            read = await _body.ReadAsync(buffer, _watch.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException
            && !_watch.Token.IsCancellationRequested)
        {
            throw CutShort(e);
        }

        return Count(read);
    }

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _body.Read(buffer);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException
            && !_watch.Token.IsCancellationRequested)
        {
            throw CutShort(e);
        }

        return Count(read);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        _watch.Add(read);
        _onBytes(read);
        if (_read > _maxBytes)
        {
            throw new VerificationException($"{_uri}: response exceeds the limit of {_maxBytes} bytes");
        }

        if (read == 0)
        {
            // The whole body is in: what the consumer still does with it is not a transfer.
            _watch.BodyDone();
        }

        return read;
    }

    /// <summary>A failed read that is not the attempt's own timeout or stall: the connection broke, or the caller's
    /// HttpClient gave up.</summary>
    private AttemptFailedException CutShort(Exception e) => e is OperationCanceledException
        ? new($"the HttpClient gave up ({e.Message.TrimEnd('.')})", connecting: false, e)
        : new($"body cut short after {_watch.Bytes} byte(s) ({e.Message.TrimEnd('.')})", connecting: false, e);
}
