namespace Registry.Testing;

/// <summary>
/// The real S3 server (Ceph radosgw) of a test run: the one at <c>REGISTRY_TEST_S3_ENDPOINT</c> (with
/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) if set, else a throwaway one started with
/// infra/radosgw/start.sh in a temp folder and stopped (and its state removed) on dispose.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    private readonly string? _stateDir;

    private S3Server(Uri endpoint, string accessKey, string secretKey, string? stateDir)
    {
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
        _stateDir = stateDir;
    }

    public Uri Endpoint { get; }

    public string AccessKey { get; }

    public string SecretKey { get; }

    public static async Task<S3Server> StartAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_ENDPOINT");
        if (!string.IsNullOrEmpty(endpoint))
        {
            return new S3Server(
                new Uri(endpoint),
                Required("AWS_ACCESS_KEY_ID"),
                Required("AWS_SECRET_ACCESS_KEY"),
                stateDir: null);
        }

        var state = Path.Combine(Path.GetTempPath(), $"registry-radosgw-{Guid.NewGuid():N}");
        var output = await InfraScript.RunAsync("infra/radosgw/start.sh", new() { ["STATE_DIR"] = state });
        var exports = InfraScript.Exports(output);
        return new S3Server(
            new Uri(exports["AWS_ENDPOINT_URL"]),
            exports["AWS_ACCESS_KEY_ID"],
            exports["AWS_SECRET_ACCESS_KEY"],
            state);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stateDir is not null)
        {
            await InfraScript.RunAsync("infra/radosgw/stop.sh", new() { ["STATE_DIR"] = _stateDir }, "--clean");
        }
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"REGISTRY_TEST_S3_ENDPOINT needs {name}");
}
