using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Core;
using Registry.Core.Storage;

namespace Registry.Store.S3.Internal;

/// <summary>What every operation needs: the client, the options, the two pipelines, and how keys and headers
/// map.</summary>
internal sealed class S3Context(IAmazonS3 client, S3StoreOptions options, TimeProvider timeProvider)
{
    public IAmazonS3 Client { get; } = client;

    public S3StoreOptions Options { get; } = options;

    /// <summary>For small requests: GET, HEAD, LIST, DELETE, small PUTs.</summary>
    public Polly.ResiliencePipeline Small { get; } = S3Pipelines.Create(options, options.AttemptTimeout, timeProvider);

    /// <summary>For large transfers: a streamed PUT, one multipart part.</summary>
    public Polly.ResiliencePipeline Transfer { get; }
        = S3Pipelines.Create(options, options.TransferAttemptTimeout, timeProvider);

    public string FullKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Options.Prefix.Length == 0 ? key : $"{Options.Prefix}/{key}";
    }

    public string RelativeKey(string fullKey) =>
        Options.Prefix.Length == 0 ? fullKey : fullKey[(Options.Prefix.Length + 1)..];

    public void Apply(PutObjectRequest request, ObjectHeaders headers)
    {
        request.ContentType = headers.ContentType;
        request.Headers.CacheControl = headers.CacheControl;
        if (Options.PublicRead)
        {
            request.CannedACL = S3CannedACL.PublicRead;
        }
    }

    public void Apply(InitiateMultipartUploadRequest request, ObjectHeaders headers)
    {
        request.ContentType = headers.ContentType;
        request.Headers.CacheControl = headers.CacheControl;
        if (Options.PublicRead)
        {
            request.CannedACL = S3CannedACL.PublicRead;
        }
    }

    /// <summary>The current ETag (unquoted), or null when the key does not exist.</summary>
    public async Task<string?> HeadETagOrNullAsync(string fullKey, CancellationToken cancellationToken)
    {
        return await Small.ExecuteAsync(async ct =>
        {
            try
            {
                var head = await Client.GetObjectMetadataAsync(
                    new GetObjectMetadataRequest { BucketName = Options.Bucket, Key = fullKey },
                    ct).ConfigureAwait(false);
                return ETag.Normalize(head.ETag);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public static bool IsPreconditionFailed(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.PreconditionFailed;

    /// <summary>A failure before S3 answered (credentials, endpoint, network): the environment, exit 2.</summary>
    public Exception TranslateClient(Amazon.Runtime.AmazonClientException e, string action, string key) =>
        new EnvironmentException(
            $"S3: could not {action} '{key}' in {Options.Location}: {e.Message.Split('\n', 2)[0].Trim()} (check "
            + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile, and the endpoint: --s3-endpoint, "
            + "AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)", e);

    /// <summary>Turns a final, non-retryable failure into one line a user can act on.</summary>
    public Exception Translate(AmazonS3Exception e, string action, string key) => e switch
    {
        { ErrorCode: "NoSuchBucket" } => new EnvironmentException(
            $"S3 bucket '{Options.Bucket}' does not exist ({Options.Location}); create it or fix the location",
            e),
        { StatusCode: HttpStatusCode.Forbidden } => new EnvironmentException($"S3 refused to {action} '{key}' in "
            + $"{Options.Location}: {e.ErrorCode} (check the credentials and the bucket policy)", e),
        _ => new RegistryException(
            $"S3 failed to {action} '{key}' in {Options.Location}: {(int)e.StatusCode} {e.ErrorCode} {e.Message}",
            e),
    };
}
