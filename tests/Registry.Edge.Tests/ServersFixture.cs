using Amazon.Runtime;
using Amazon.S3;
using Registry.Testing;

[assembly: AssemblyFixture(typeof(Registry.Edge.Tests.ServersFixture))]

namespace Registry.Edge.Tests;

/// <summary>
/// A real S3 server (Ceph radosgw) and a real edge cache (Varnish) in front of it, for the whole
/// run: the ones infra/test.sh started (REGISTRY_TEST_S3_ENDPOINT, REGISTRY_TEST_EDGE_URL), or
/// throwaway ones started here with the infra scripts and stopped at the end.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private S3Server? _s3;
    private EdgeServer? _edge;

    public Uri S3Endpoint { get; private set; } = null!;

    public Uri EdgeUrl { get; private set; } = null!;

    public string AccessKey { get; private set; } = "";

    public string SecretKey { get; private set; } = "";

    /// <summary>The environment a registry CLI process needs to reach the S3 server.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["AWS_ENDPOINT_URL"] = S3Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = S3Endpoint.ToString(),
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async ValueTask InitializeAsync()
    {
        _s3 = await S3Server.StartAsync();
        S3Endpoint = _s3.Endpoint;
        AccessKey = _s3.AccessKey;
        SecretKey = _s3.SecretKey;

        // In-process CLI runs find the S3 server through the standard AWS environment.
        foreach (var (key, value) in Environment)
        {
            System.Environment.SetEnvironmentVariable(key, value);
        }

        var edge = System.Environment.GetEnvironmentVariable("REGISTRY_TEST_EDGE_URL");
        if (!string.IsNullOrEmpty(edge))
        {
            EdgeUrl = new Uri(edge.TrimEnd('/') + "/");
        }
        else
        {
            _edge = await EdgeServer.StartAsync("varnish", S3Endpoint);
            EdgeUrl = _edge.Url;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_edge is not null)
        {
            await _edge.DisposeAsync();
        }

        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
    }
}
