namespace Registry.Testing;

/// <summary>
/// A Varnish or nginx edge started by the project's own scripts (<c>infra/varnish</c>, <c>infra/nginx</c>)
/// in front of an origin, in a state folder of its own; stopped on dispose.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable
{
    private readonly string _kind;

    private EdgeServer(string kind, string state, Uri url)
    {
        _kind = kind;
        StateDir = state;
        Url = url;
    }

    public Uri Url { get; }

    public string StateDir { get; }

    /// <summary>
    /// Starts <c>infra/KIND/start.sh</c> (varnish or nginx) with ORIGIN=host:port of <paramref name="origin"/>
    /// and any further settings of the script (TIMESTAMP_MAX_AGE, TOKEN_CONFIG, PORT).
    /// </summary>
    public static async Task<EdgeServer> StartAsync(
        string kind, Uri origin, Dictionary<string, string>? settings = null)
    {
        var state = Path.Combine(Path.GetTempPath(), $"registry-{kind}-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string>(settings ?? [])
        {
            ["STATE_DIR"] = state,
            ["ORIGIN"] = $"{origin.Host}:{origin.Port}",
        };
        var port = (await InfraScript.RunAsync($"infra/{kind}/start.sh", environment)).Trim();
        return new EdgeServer(kind, state, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync() =>
        await InfraScript.RunAsync($"infra/{_kind}/stop.sh", new() { ["STATE_DIR"] = StateDir });
}
