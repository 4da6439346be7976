using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Core.Tokens;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>
/// A private registry as deployed in the tests: a folder registry served by <c>registry serve</c>,
/// a real nginx in front of it running the shipped verifier (infra/edge/token-verifier.js through
/// infra/nginx/private.conf.template), and tokens issued by the CLI from the registry's keys folder.
/// </summary>
public sealed class PrivateEdge : IAsyncDisposable
{
    private RegistryServer? _origin;
    private string? _nginxState;
    private string? _secondState;

    public TestRegistry Registry { get; } = new();

    public string EdgeConfigPath => Path.Combine(Registry.Root, "edge.json");

    public Uri EdgeBase { get; private set; } = null!;

    public Uri OriginBase => _origin!.BaseUri;

    public string NginxState => _nginxState!;

    public string RootFile => Path.Combine(Registry.Store, "metadata", "1.root.json");

    /// <summary>Initialises and publishes <paramref name="packages"/> (name, version, dependencies), then starts the
    /// origin and the edge.</summary>
    public static Task<PrivateEdge> StartAsync(params (string Name, string Version, string Dependencies)[] packages) =>
        StartCoreAsync(async (edge, _) =>
        {
            await edge.Registry.InitAsync();
            var publish = await edge.Registry
                .PublishAsync([.. packages.Select(p => edge.Registry.Package(p.Name, p.Version, p.Dependencies))]);
            Assert.True(publish.ExitCode == 0, publish.ToString());
        });

    /// <summary>A private NuGet feed: the registry's NuGet URL is the edge's, and <paramref name="nupkgs"/> are
    /// published to it.</summary>
    public static Task<PrivateEdge> StartNuGetAsync(IReadOnlyList<string> nupkgs) =>
        StartCoreAsync(async (edge, edgeBase) =>
        {
            await edge.Registry.InitAsync("--nuget-url", edgeBase.ToString());
            var publish = await edge.Registry.PublishAsync([.. nupkgs]);
            Assert.True(publish.ExitCode == 0, publish.ToString());
        });

    /// <summary>Initialises the registry, lets <paramref name="prepare"/> configure and publish, then starts the origin
    /// and the edge.</summary>
    public static Task<PrivateEdge> StartAsync(Func<PrivateEdge, Task> prepare) =>
        StartCoreAsync(async (edge, _) =>
        {
            await edge.Registry.InitAsync();
            await prepare(edge);
        });

    private static async Task<PrivateEdge> StartCoreAsync(Func<PrivateEdge, Uri, Task> create)
    {
        var edge = new PrivateEdge();
        var port = ClosedPort.Number();

        edge.EdgeBase = new Uri($"http://127.0.0.1:{port}/");
        await create(edge, edge.EdgeBase);
        // One token first, so that tokens.json (registry id, secret) exists for the edge config.
        await edge.IssueAsync("bootstrap", "1d");
        await edge.WriteEdgeConfigAsync();
        edge._origin = await RegistryServer.StartAsync(
            edge.Registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        edge._nginxState = await edge.StartNginxAsync("nginx", port);
        return edge;
    }

    /// <summary>Starts nginx with the shipped private template and verifier in front of the origin; returns its state
    /// folder.</summary>
    private async Task<string> StartNginxAsync(string name, int port)
    {
        var state = Path.Combine(Registry.Root, name);
        await InfraScript.RunAsync("infra/nginx/start.sh", new()
        {
            ["STATE_DIR"] = state,
            ["ORIGIN"] = $"127.0.0.1:{_origin!.BaseUri.Port}",
            ["TOKEN_CONFIG"] = EdgeConfigPath,
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return state;
    }

    /// <summary>Issues a token with the CLI (<c>token issue --json</c>) and returns its id and text.</summary>
    public async Task<(string Id, string Token)> IssueAsync(
        string name,
        string expires,
        string? scope = null,
        string? keys = null)
    {
        var result = await RegistryCli.RunAsync(
        [
            "token", "issue", "--keys", keys ?? Registry.Keys, "--name", name, "--expires", expires, "--json",
            .. scope is null ? Array.Empty<string>() : ["--scope", scope],
        ]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("token").GetString()!);
    }

    public async Task WriteEdgeConfigAsync()
    {
        var result = await RegistryCli.RunAsync(
            "token",
            "edge-config",
            "--keys",
            Registry.Keys,
            "--out",
            EdgeConfigPath);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>A token signed with the registry's real secret but expired (the CLI never issues one): what a token
    /// becomes after its time.</summary>
    public string ExpiredToken()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(TokenFile.PathIn(Registry.Keys)));
        var registry = json.RootElement.GetProperty("registry").GetString()!;
        var secret = json.RootElement.GetProperty("secrets")[0];
        var expired = new ReadToken(
            registry,
            "0123456789abcdef",
            TestClock.FromNow(TimeSpan.FromDays(-1)).GetUtcNow().ToUnixTimeSeconds(),
            "",
            secret.GetProperty("id").GetString()!);
        return expired.Sign(secret.GetProperty("secret").GetString()!);
    }

    /// <summary>
    /// A second edge (another origin: another port) in front of the same origin, with the same
    /// verifier and token configuration: what a mirror on another origin looks like to a client.
    /// </summary>
    public async Task<Uri> StartSecondEdgeAsync()
    {
        var port = ClosedPort.Number();
        _secondState = await StartNginxAsync("nginx-second", port);
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Stops the first edge (its URL then refuses connections), leaving the origin and any second
    /// edge.</summary>
    public async Task StopFirstEdgeAsync()
    {
        if (_nginxState is not null)
        {
            await InfraScript.RunAsync("infra/nginx/stop.sh", new() { ["STATE_DIR"] = _nginxState });
            _nginxState = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_secondState is not null)
        {
            await InfraScript.RunAsync("infra/nginx/stop.sh", new() { ["STATE_DIR"] = _secondState });
        }

        if (_nginxState is not null)
        {
            await InfraScript.RunAsync("infra/nginx/stop.sh", new() { ["STATE_DIR"] = _nginxState });
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        Registry.Dispose();
    }
}
