using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Store.S3.Internal;

namespace Registry.Store.S3;

/// <summary>
/// An <see cref="IObjectStore"/> on any S3-compatible server (AWS S3, radosgw, MinIO, R2).
/// Create-only writes are PUTs with <c>If-None-Match: *</c>; swaps are PUTs with <c>If-Match: ETAG</c>;
/// the version tag is the unquoted ETag. Every call goes through a Polly retry/timeout pipeline.
/// Cost: GetOrNull 1 request, PutIfAbsent 1 (small or streamed), Swap 1; a 412 after a retried
/// attempt costs one more (a HEAD, to recognise our own earlier write).
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    private readonly S3Context _s3;
    private readonly bool _ownsClient;

    /// <summary>A store with a client from the standard AWS credential chain (environment, profile, ...).</summary>
    public S3ObjectStore(S3StoreOptions options, TimeProvider? timeProvider = null)
        : this(CreateClient(options), options, timeProvider, ownsClient: true)
    {
    }

    public S3ObjectStore(
        IAmazonS3 client,
        S3StoreOptions options,
        TimeProvider? timeProvider = null,
        bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PartSize, 5 * 1024 * 1024, nameof(options.PartSize));
        _s3 = new S3Context(client, options, timeProvider ?? TimeProvider.System);
        _ownsClient = ownsClient;
    }

    public string Location => _s3.Options.Location;

    /// <summary>An AWSSDK client configured for <paramref name="options"/> (checksums only when required, no SDK
    /// retries).</summary>
    public static IAmazonS3 CreateClient(S3StoreOptions options) => S3ClientFactory.Create(options);

    public async Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
    {
        var fullKey = _s3.FullKey(key);
        try
        {
            return await _s3.Small.ExecuteAsync(async ct =>
            {
                try
                {
                    using var response = await _s3.Client.GetObjectAsync(_s3.Options.Bucket, fullKey, ct)
                        .ConfigureAwait(false);
                    using var buffer = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                    return new StoredObject(buffer.ToArray(), ETag.Normalize(response.ETag));
                }
                catch (AmazonS3Exception e) when (IsNoSuchKey(e))
                {
                    return null;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            throw _s3.Translate(e, "read", key);
        }
        catch (AmazonClientException e)
        {
            throw _s3.TranslateClient(e, "read", key);
        }
    }

    public async Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        var fullKey = _s3.FullKey(key);
        try
        {
            return await _s3.Small.ExecuteAsync<Stream?>(async ct =>
            {
                try
                {
                    // The response stream owns the HTTP response; disposing it releases the connection.
                    var response = await _s3.Client.GetObjectAsync(_s3.Options.Bucket, fullKey, ct)
                        .ConfigureAwait(false);
                    return response.ResponseStream;
                }
                catch (AmazonS3Exception e) when (IsNoSuchKey(e))
                {
                    return null;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            throw _s3.Translate(e, "read", key);
        }
        catch (AmazonClientException e)
        {
            throw _s3.TranslateClient(e, "read", key);
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _s3.HeadETagOrNullAsync(_s3.FullKey(key), cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (AmazonS3Exception e)
        {
            throw _s3.Translate(e, "check", key);
        }
        catch (AmazonClientException e)
        {
            throw _s3.TranslateClient(e, "check", key);
        }
    }

    public async Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(headers);
        var fullKey = _s3.FullKey(key);
        try
        {
            if (length > _s3.Options.MultipartThreshold && _s3.Options.ConditionalMultipartComplete)
            {
                return await CreateOnlyMultipart.RunAsync(_s3, fullKey, content, length, headers, cancellationToken)
                    .ConfigureAwait(false);
            }

            if (length > S3StoreOptions.MaxSinglePutBytes)
            {
                throw new EnvironmentException(
                    $"'{key}' is {length} bytes: above 5 GiB a create-only write needs multipart with If-None-Match on "
                    + $"CompleteMultipartUpload; enable it only if {Location}'s server honours that header (AWS S3 "
                    + "does, radosgw 16 does not)");
            }

            await using var body = await UploadBody.PrepareAsync(
                content,
                length,
                _s3.Options.MultipartThreshold,
                cancellationToken).ConfigureAwait(false);
            var pipeline = length > _s3.Options.MultipartThreshold ? _s3.Transfer : _s3.Small;
            var result = await PutAsync(pipeline, fullKey, body, headers, r => r.IfNoneMatch = "*", cancellationToken)
                .ConfigureAwait(false);
            return result ? PutResult.Created : PutResult.AlreadyExists;
        }
        catch (AmazonS3Exception e)
        {
            throw _s3.Translate(e, "create", key);
        }
        catch (AmazonClientException e)
        {
            throw _s3.TranslateClient(e, "create", key);
        }
    }

    public async Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var fullKey = _s3.FullKey(key);
        try
        {
            await using var body = UploadBody.FromBytes(content);
            var condition = expectedVersionTag is null
                ? (Action<PutObjectRequest>)(r => r.IfNoneMatch = "*")
                : r => r.IfMatch = ETag.ForIfMatch(expectedVersionTag, _s3.Options.QuoteIfMatch);
            var swapped = await PutAsync(_s3.Small, fullKey, body, headers, condition, cancellationToken)
                .ConfigureAwait(false);
            return swapped ? SwapResult.Swapped : SwapResult.Conflict;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            // AWS S3 answers If-Match on a missing key with 404 (radosgw: 412): the object vanished.
            return SwapResult.Conflict;
        }
        catch (AmazonS3Exception e)
        {
            throw _s3.Translate(e, "replace", key);
        }
        catch (AmazonClientException e)
        {
            throw _s3.TranslateClient(e, "replace", key);
        }
    }

    public async IAsyncEnumerable<StoredItem> ListAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var fullPrefix = _s3.Options.Prefix.Length == 0 ? prefix : $"{_s3.Options.Prefix}/{prefix}";
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request {
                BucketName = _s3.Options.Bucket,
                Prefix = fullPrefix,
                MaxKeys = _s3.Options.ListPageSize,
                ContinuationToken = continuation };
            ListObjectsV2Response page;
            try
            {
                page = await _s3.Small.ExecuteAsync(
                    async ct => await _s3.Client.ListObjectsV2Async(request, ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e)
            {
                throw _s3.Translate(e, "list", prefix);
            }

            foreach (var item in page.S3Objects ?? [])
            {
                var modified = item.LastModified is { } m
                    ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero)
                    : DateTimeOffset.MinValue;
                yield return new StoredItem(_s3.RelativeKey(item.Key), item.Size ?? 0, modified);
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var fullKey = _s3.FullKey(key);
        try
        {
            await _s3.Small.ExecuteAsync(
                async ct => await _s3.Client.DeleteObjectAsync(_s3.Options.Bucket, fullKey, ct)
                    .ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            throw _s3.Translate(e, "delete", key);
        }
        catch (AmazonClientException e)
        {
            throw _s3.TranslateClient(e, "delete", key);
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _s3.Client.Dispose();
        }
    }

    /// <summary>
    /// One conditional PUT. True: written. False: 412, the condition did not hold. A 412 that follows a
    /// failed attempt may be our own first attempt having landed after all: then the object's ETag is
    /// the MD5 of what we sent, and the write counts as done.
    /// </summary>
    private async Task<bool> PutAsync(
        Polly.ResiliencePipeline pipeline,
        string fullKey,
        UploadBody body,
        ObjectHeaders headers,
        Action<PutObjectRequest> condition,
        CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                attempts++;
                var request = new PutObjectRequest
                {
                    BucketName = _s3.Options.Bucket,
                    Key = fullKey,
                    InputStream = body.Rewind(),
                    AutoCloseStream = false,
                    AutoResetStreamPosition = false,
                };
                request.Headers.ContentLength = body.Length;
                _s3.Apply(request, headers);
                condition(request);
                await _s3.Client.PutObjectAsync(request, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (S3Context.IsPreconditionFailed(e))
        {
            return attempts > 1
                && await _s3.HeadETagOrNullAsync(fullKey, cancellationToken).ConfigureAwait(false) == body.ExpectedETag;
        }
    }

    private static bool IsNoSuchKey(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket";
}
