using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;

[assembly: AssemblyFixture(typeof(Registry.Edge.Tests.ServersFixture))]

namespace Registry.Edge.Tests;

/// <summary>
/// A real S3 server (Ceph radosgw) and a real edge cache (Varnish) in front of it, for the whole
/// run: the ones infra/test.sh started (REGISTRY_TEST_S3_ENDPOINT, REGISTRY_TEST_EDGE_URL), or
/// throwaway ones started here with the infra scripts and stopped at the end.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private readonly List<(string Script, string StateDir)> _started = [];

    public Uri S3Endpoint { get; private set; } = null!;

    public Uri EdgeUrl { get; private set; } = null!;

    public string AccessKey { get; private set; } = "";

    public string SecretKey { get; private set; } = "";

    public static string RepositoryRoot
    {
        get
        {
            var directory = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(directory, "Registry.sln")))
            {
                directory = Path.GetDirectoryName(directory)!;
            }

            return directory;
        }
    }

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
        var endpoint = System.Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_ENDPOINT");
        if (!string.IsNullOrEmpty(endpoint))
        {
            S3Endpoint = new Uri(endpoint);
            AccessKey = System.Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? throw new InvalidOperationException("REGISTRY_TEST_S3_ENDPOINT needs AWS_ACCESS_KEY_ID");
            SecretKey = System.Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? throw new InvalidOperationException("REGISTRY_TEST_S3_ENDPOINT needs AWS_SECRET_ACCESS_KEY");
        }
        else
        {
            var state = Path.Combine(Path.GetTempPath(), $"registry-edge-rgw-{Guid.NewGuid():N}");
            var output = await RunAsync("infra/radosgw/start.sh", new() { ["STATE_DIR"] = state });
            _started.Add(("infra/radosgw/stop.sh", state));
            var exports = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.StartsWith("export ", StringComparison.Ordinal) ? l[7..] : l)
                .Where(l => l.Contains('=', StringComparison.Ordinal))
                .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('"', '\''));
            S3Endpoint = new Uri(exports["AWS_ENDPOINT_URL"]);
            AccessKey = exports["AWS_ACCESS_KEY_ID"];
            SecretKey = exports["AWS_SECRET_ACCESS_KEY"];
        }

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
            var state = Path.Combine(Path.GetTempPath(), $"registry-edge-varnish-{Guid.NewGuid():N}");
            var port = (await RunAsync("infra/varnish/start.sh", new() { ["STATE_DIR"] = state, ["ORIGIN"] = $"{S3Endpoint.Host}:{S3Endpoint.Port}" })).Trim();
            _started.Add(("infra/varnish/stop.sh", state));
            EdgeUrl = new Uri($"http://127.0.0.1:{port}/");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (script, state) in Enumerable.Reverse(_started))
        {
            await RunAsync(script, new() { ["STATE_DIR"] = state });
        }
    }

    internal static async Task<string> RunAsync(string script, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot, script));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
