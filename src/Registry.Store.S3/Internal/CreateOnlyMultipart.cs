using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Core.Storage;

namespace Registry.Store.S3.Internal;

/// <summary>
/// A create-only multipart upload: parts of <see cref="S3StoreOptions.PartSize"/> read one at a time
/// (one part buffer in memory, each part retried on its own), then CompleteMultipartUpload with
/// <c>If-None-Match: *</c>. Aborted on any failure. Only safe on servers that honour that header on
/// Complete (AWS S3); radosgw 16 ignores it, see <see cref="S3StoreOptions.ConditionalMultipartComplete"/>.
/// </summary>
internal static class CreateOnlyMultipart
{
    public static async Task<PutResult> RunAsync(
        S3Context s3,
        string fullKey,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = s3.Options.Bucket, Key = fullKey };
        s3.Apply(initiate, headers);
        var uploadId = (await s3.Small.ExecuteAsync(
            async ct => await s3.Client.InitiateMultipartUploadAsync(initiate, ct)
                .ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).UploadId;
        try
        {
            var (parts, md5s) = await UploadPartsAsync(s3, fullKey, uploadId, content, length, cancellationToken)
                .ConfigureAwait(false);
            var attempts = 0;
            try
            {
                await s3.Small.ExecuteAsync(async ct =>
                {
                    attempts++;
                    var complete = new CompleteMultipartUploadRequest {
                        BucketName = s3.Options.Bucket,
                        Key = fullKey,
                        UploadId = uploadId,
                        PartETags = parts,
                        IfNoneMatch = "*" };
                    await s3.Client.CompleteMultipartUploadAsync(complete, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                return PutResult.Created;
            }
            catch (AmazonS3Exception e) when (S3Context.IsPreconditionFailed(e))
            {
                await AbortAsync(s3, fullKey, uploadId).ConfigureAwait(false);
                var current = attempts > 1
                    ? await s3.HeadETagOrNullAsync(fullKey, cancellationToken).ConfigureAwait(false)
                    : null;
                return current == ETag.OfMultipart(md5s) ? PutResult.Created : PutResult.AlreadyExists;
            }
        }
        catch
        {
            await AbortAsync(s3, fullKey, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(List<PartETag> Parts, List<byte[]> Md5s)> UploadPartsAsync(
        S3Context s3, string fullKey, string uploadId, Stream content, long length, CancellationToken cancellationToken)
    {
        var parts = new List<PartETag>();
        var md5s = new List<byte[]>();
        var buffer = ArrayPool<byte>.Shared.Rent(s3.Options.PartSize);
        try
        {
            var left = length;
            for (var number = 1; left > 0; number++)
            {
                var size = (int)Math.Min(s3.Options.PartSize, left);
                await content.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                left -= size;
                md5s.Add(MD5.HashData(buffer.AsSpan(0, size)));
                var partNumber = number;
                var response = await s3.Transfer.ExecuteAsync(async ct =>
                {
                    using var body = new MemoryStream(buffer, 0, size, writable: false);
                    var request = new UploadPartRequest {
                        BucketName = s3.Options.Bucket,
                        Key = fullKey,
                        UploadId = uploadId,
                        PartNumber = partNumber,
                        InputStream = body,
                        PartSize = size };
                    return await s3.Client.UploadPartAsync(request, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(partNumber, response.ETag));
            }

            return (parts, md5s);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task AbortAsync(S3Context s3, string fullKey, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload must still be cleaned up.
            using var timeout = new CancellationTokenSource(s3.Options.AttemptTimeout);
            await s3.Client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = s3.Options.Bucket, Key = fullKey, UploadId = uploadId },
                timeout.Token).ConfigureAwait(false);
        }
        catch (AmazonS3Exception)
        {
            // Best effort: a bucket lifecycle rule (AbortIncompleteMultipartUpload) is the backstop.
        }
        catch (OperationCanceledException)
        {
        }
    }
}
