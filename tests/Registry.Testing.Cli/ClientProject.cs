using Registry.Serve;

namespace Registry.Testing.Cli;

/// <summary>
/// A user's project and their own REGISTRY_HOME, with the test registry as its source. Client
/// commands run out of process: REGISTRY_HOME is per process, and tests run in parallel.
/// </summary>
public sealed class ClientProject(TestRegistry registry, Uri server) : IAsyncDisposable
{
    private RegistryServer? _server;

    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(registry.Root, "project")).FullName;

    public IReadOnlyDictionary<string, string> Environment { get; }
        = new Dictionary<string, string> { ["REGISTRY_HOME"] = Path.Combine(registry.Root, "home") };

    /// <summary>Serves the registry over HTTP, adds it as the source and writes registry.json (when dependencies are
    /// given).</summary>
    public static async Task<ClientProject> StartAsync(TestRegistry registry, string? dependenciesJson = null)
    {
        var server = await RegistryServer.StartAsync(
            registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var project = new ClientProject(registry, server.BaseUri) { _server = server };
        await project.AddSourceAsync();
        if (dependenciesJson is not null)
        {
            project.Depend(dependenciesJson);
        }

        return project;
    }

    public async Task AddSourceAsync()
    {
        var add = await RunAsync(
            "source",
            "add",
            "main",
            server.ToString(),
            "--root",
            Path.Combine(registry.Store, "metadata", "1.root.json"));
        Assert.True(add.ExitCode == 0, add.ToString());
    }

    /// <summary>Writes registry.json with these dependencies.</summary>
    public void Depend(string dependenciesJson) =>
        File.WriteAllText(
            Path.Combine(Folder, "registry.json"),
            $"{{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{dependenciesJson}}}");

    public Task<CliResult> RunAsync(params string[] args) => RegistryCli.RunProcessAsync(args, Environment);

    public Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RegistryCli.RunProcessAsync(args, Environment.Concat(environment).ToDictionary());

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
