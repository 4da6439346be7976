namespace Registry.Cli.Tests.Support;

/// <summary>
/// A user's project and their own REGISTRY_HOME, beside a test registry served over HTTP. Client
/// commands run out of process: REGISTRY_HOME is per process, and tests run in parallel.
/// </summary>
public sealed class ClientProject(TestRegistry registry, Uri server)
{
    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(registry.Root, "project")).FullName;

    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string> { ["REGISTRY_HOME"] = Path.Combine(registry.Root, "home") };

    public async Task AddSourceAsync()
    {
        var add = await RunAsync("source", "add", "main", server.ToString(), "--root", Path.Combine(registry.Store, "metadata", "1.root.json"));
        Assert.True(add.ExitCode == 0, add.ToString());
    }

    /// <summary>Writes registry.json with these dependencies.</summary>
    public void Depend(string dependenciesJson) =>
        File.WriteAllText(Path.Combine(Folder, "registry.json"), $"{{\"name\":\"app\",\"version\":\"1.0.0\",\"dependencies\":{dependenciesJson}}}");

    public Task<CliResult> RunAsync(params string[] args) => RegistryCli.RunProcessAsync(args, Environment);

    public Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RegistryCli.RunProcessAsync(args, Environment.Concat(environment).ToDictionary());
}
