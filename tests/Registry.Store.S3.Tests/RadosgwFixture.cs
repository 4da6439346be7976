using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Store.S3.Internal;
using Registry.Testing;

[assembly: AssemblyFixture(typeof(Registry.Store.S3.Tests.RadosgwFixture))]

namespace Registry.Store.S3.Tests;

/// <summary>
/// A real radosgw for the whole test run: the one at <c>REGISTRY_TEST_S3_ENDPOINT</c> (with
/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) if set, else a throwaway one started with
/// infra/radosgw/start.sh in a temp folder and stopped at the end.
/// </summary>
public sealed class RadosgwFixture : IAsyncLifetime
{
    private S3Server? _server;

    public Uri Endpoint { get; private set; } = null!;

    public AWSCredentials Credentials { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await S3Server.StartAsync();
        Endpoint = _server.Endpoint;
        Credentials = new BasicAWSCredentials(_server.AccessKey, _server.SecretKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public S3StoreOptions Options(string bucket, string prefix = "") =>
        new() {
            Bucket = bucket,
            Prefix = prefix,
            Endpoint = Endpoint,
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20) };

    public AmazonS3Client CreateClient(HttpClientFactory? httpClientFactory = null)
    {
        var config = S3ClientFactory.CreateConfig(Options("unused"));
        if (httpClientFactory is not null)
        {
            config.HttpClientFactory = httpClientFactory;
        }

        return new AmazonS3Client(Credentials, config);
    }

    /// <summary>A new, empty bucket that is emptied and removed when disposed.</summary>
    public async Task<TestBucket> NewBucketAsync()
    {
        var client = CreateClient();
        var name = $"t-{Guid.NewGuid():N}"[..30];
        await client.PutBucketAsync(name);
        return new TestBucket(client, name);
    }
}

/// <summary>One test's bucket; removing it deletes every object and pending multipart upload first.</summary>
public sealed class TestBucket(AmazonS3Client client, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public AmazonS3Client Client { get; } = client;

    public async ValueTask DisposeAsync()
    {
        var uploads = await Client.ListMultipartUploadsAsync(Name);
        foreach (var upload in uploads.MultipartUploads ?? [])
        {
            await Client.AbortMultipartUploadAsync(Name, upload.Key, upload.UploadId);
        }

        var request = new ListObjectsV2Request { BucketName = Name };
        ListObjectsV2Response page;
        do
        {
            page = await Client.ListObjectsV2Async(request);
            foreach (var item in page.S3Objects ?? [])
            {
                await Client.DeleteObjectAsync(Name, item.Key);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        await Client.DeleteBucketAsync(Name);
        Client.Dispose();
    }
}
