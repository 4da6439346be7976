using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Store.S3.Internal;

[assembly: AssemblyFixture(typeof(Registry.Store.S3.Tests.RadosgwFixture))]

namespace Registry.Store.S3.Tests;

/// <summary>
/// A real radosgw for the whole test run: the one at <c>REGISTRY_TEST_S3_ENDPOINT</c> (with
/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) if set, else a throwaway one started with
/// infra/radosgw/start.sh in a temp folder and stopped at the end.
/// </summary>
public sealed class RadosgwFixture : IAsyncLifetime
{
    private string? _stateDir;

    public Uri Endpoint { get; private set; } = null!;

    public AWSCredentials Credentials { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var env = new Dictionary<string, string>();
        var endpoint = Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_ENDPOINT");
        if (!string.IsNullOrEmpty(endpoint))
        {
            env["AWS_ENDPOINT_URL"] = endpoint;
            env["AWS_ACCESS_KEY_ID"] = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? throw new InvalidOperationException("REGISTRY_TEST_S3_ENDPOINT needs AWS_ACCESS_KEY_ID");
            env["AWS_SECRET_ACCESS_KEY"] = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? throw new InvalidOperationException("REGISTRY_TEST_S3_ENDPOINT needs AWS_SECRET_ACCESS_KEY");
        }
        else
        {
            _stateDir = Path.Combine(Path.GetTempPath(), $"registry-radosgw-{Guid.NewGuid():N}");
            var output = await RunScriptAsync("start.sh", _stateDir);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var assignment = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
                var eq = assignment.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    env[assignment[..eq]] = assignment[(eq + 1)..];
                }
            }
        }

        Endpoint = new Uri(env["AWS_ENDPOINT_URL"]);
        Credentials = new BasicAWSCredentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stateDir is not null)
        {
            await RunScriptAsync("stop.sh", _stateDir, "--clean");
        }
    }

    public S3StoreOptions Options(string bucket, string prefix = "") =>
        new() { Bucket = bucket, Prefix = prefix, Endpoint = Endpoint, MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };

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

    private static async Task<string> RunScriptAsync(string script, string stateDir, string? argument = null)
    {
        var path = Path.Combine(FindRepositoryRoot(), "infra", "radosgw", script);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        if (argument is not null)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["STATE_DIR"] = stateDir;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} exited with {process.ExitCode}:\n{await stderr}");
        }

        return await stdout;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Registry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Registry.sln not found above the test binaries");
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
