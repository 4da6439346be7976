using Amazon.S3.Model;
using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>A registry in its own bucket on the real S3 server, with local keys and package files.</summary>
public sealed class S3Registry(ServersFixture servers) : IAsyncDisposable
{
    public TestRegistry Local { get; } = new();

    public string Bucket { get; } = "reg-" + Guid.NewGuid().ToString("N")[..20];

    public string Location => $"s3://{Bucket}/registry";

    public string[] StoreArgs => ["--store", Location, "--keys", Local.Keys];

    /// <summary>The registry read anonymously through the edge cache.</summary>
    public Uri EdgeBase => new(servers.EdgeUrl, $"{Bucket}/registry/");

    /// <summary>The registry read anonymously from the origin.</summary>
    public Uri OriginBase => new(servers.S3Endpoint, $"{Bucket}/registry/");

    public async Task CreateAsync(params string[] initArgs)
    {
        using var s3 = servers.CreateClient();
        await s3.PutBucketAsync(Bucket, TestContext.Current.CancellationToken);
        var init = await RegistryCli.RunAsync(["init", .. StoreArgs, "--bins", "16", "--public-read", .. initArgs]);
        Assert.True(init.ExitCode == 0, init.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RegistryCli.RunAsync(args);

    public Task<CliResult> PublishAsync(params string[] files)
        => RegistryCli.RunAsync(["publish", .. StoreArgs, .. files]);

    /// <summary>Every object and its ETag: equal snapshots mean nothing was written.</summary>
    public async Task<Dictionary<string, string>> ObjectsAsync()
    {
        using var s3 = servers.CreateClient();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = token },
                TestContext.Current.CancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                result[item.Key] = item.ETag;
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        Local.Dispose();
        try
        {
            using var s3 = servers.CreateClient();
            foreach (var key in (await ObjectsAsync()).Keys)
            {
                await s3.DeleteObjectAsync(Bucket, key);
            }

            await s3.DeleteBucketAsync(Bucket);
        }
        catch (Amazon.S3.AmazonS3Exception)
        {
        }
    }
}
