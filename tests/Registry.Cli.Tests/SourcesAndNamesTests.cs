using Registry.Testing.Cli;
using Registry.Core.Tuf;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>
/// Client commands as a user runs them (separate processes, their own REGISTRY_HOME): sources in
/// order with a default, trust on first use, and names under another spelling or mistyped.
/// </summary>
public sealed class SourcesAndNamesTests : IAsyncLifetime
{
    private readonly TestRegistry _registry = new();
    private RegistryServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string> Home => new() { ["REGISTRY_HOME"] = Path.Combine(_registry.Root, "home") };

    private string RootFile => Path.Combine(_registry.Store, "metadata", "1.root.json");

    private string Project => Path.Combine(_registry.Root, "project");

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("str_util", "1.0.0"))).ExitCode);
        _server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
        Directory.CreateDirectory(Project);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task With_two_sources_commands_read_the_first_and_source_default_changes_it()
    {
        var hash = Hashing.Sha256Hex(await File.ReadAllBytesAsync(RootFile, Ct));
        var first = await RunAsync("source", "add", "main", _server.BaseUri.ToString(), "--root-sha256", hash);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"root sha256 {hash}", first.Out, StringComparison.Ordinal);
        Assert.Equal(
            0,
            (await RunAsync("source", "add", "backup", "http://127.0.0.1:9/", "--root", RootFile)).ExitCode);

        var info = await RunAsync("info", "alpha");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.StartsWith("alpha:", info.Out, StringComparison.Ordinal);
        Assert.Equal(
            $"* main\t{_server.BaseUri}\n  backup\thttp://127.0.0.1:9/\n",
            (await RunAsync("source", "list")).Out);
        using (var listed = System.Text.Json.JsonDocument.Parse((await RunAsync("source", "list", "--json")).Out))
        {
            var sources = listed.RootElement.GetProperty("sources").EnumerateArray().ToList();
            Assert.Equal(["main", "backup"], sources.Select(s => s.GetProperty("name").GetString()));
            Assert.Equal([true, false], sources.Select(s => s.GetProperty("default").GetBoolean()));
            Assert.Equal(_server.BaseUri.ToString(), sources[0].GetProperty("url").GetString());
        }

        var moved = await RunAsync("source", "default", "backup");
        Assert.Equal(0, moved.ExitCode);
        Assert.Equal("default source backup http://127.0.0.1:9/\n", moved.Out);
        Assert.Equal(
            $"* backup\thttp://127.0.0.1:9/\n  main\t{_server.BaseUri}\n",
            (await RunAsync("source", "list")).Out);
        Assert.Equal(0, (await RunAsync("info", "alpha", "--source", "main")).ExitCode);

        var unknown = await RunAsync("source", "default", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no source named 'nope' (configured: backup, main)", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_spelt_differently_from_the_published_name_says_which_spelling_is_published()
    {
        Assert.Equal(
            0,
            (await RunAsync("source", "add", "main", _server.BaseUri.ToString(), "--root", RootFile)).ExitCode);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"str-util\":\"1.0.0\"}}",
            Ct);

        var install = await RunAsync("install", "--project", Project);

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("'str-util' is published as 'str_util'", install.Error, StringComparison.Ordinal);
        Assert.Contains("[rule: dependency-spelling]", install.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not in the registry", install.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Project, "registry.lock")));
    }

    [Fact]
    public async Task A_mistyped_name_gets_did_you_mean()
    {
        Assert.Equal(
            0,
            (await RunAsync("source", "add", "main", _server.BaseUri.ToString(), "--root", RootFile)).ExitCode);
        Assert.Equal(0, (await RunAsync("info", "alpha")).ExitCode);

        var info = await RunAsync("info", "alpah");
        Assert.Equal(1, info.ExitCode);
        Assert.Contains(
            "no package 'alpah' in the registry; did you mean 'alpha'?",
            info.Error,
            StringComparison.Ordinal);

        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"alpah\":\"1.0.0\"}}",
            Ct);
        var install = await RunAsync("install", "--project", Project);
        Assert.Equal(1, install.ExitCode);
        Assert.Contains(
            "'alpah' is not in the registry (required by the project); did you mean 'alpha'?",
            install.Error,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Project, "packages")));
    }

    [Fact]
    public async Task Source_add_and_mirror_refuse_a_root_that_does_not_sign_itself_by_the_same_rule()
    {
        var forged = Path.Combine(_registry.Root, "forged.root.json");
        var text = await File.ReadAllTextAsync(RootFile, Ct);
        await File.WriteAllTextAsync(
            forged,
            text.Replace("\"version\":1", "\"version\":7", StringComparison.Ordinal),
            Ct);
        Assert.NotEqual(text, await File.ReadAllTextAsync(forged, Ct));
        var mirror = Path.Combine(_registry.Root, "mirror");

        var add = await RunAsync("source", "add", "main", _server.BaseUri.ToString(), "--root", forged);
        var sync = await RegistryCli.RunAsync("mirror", _server.BaseUri.ToString(), "--to", mirror, "--root", forged);

        Assert.Equal(1, add.ExitCode);
        Assert.Equal(1, sync.ExitCode);
        Assert.Contains("0 valid signature(s), the role needs 1", add.Error, StringComparison.Ordinal);
        Assert.Contains("0 valid signature(s), the role needs 1", sync.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_registry.Root, "home", "sources.json")));
        Assert.False(Directory.Exists(mirror));
    }

    private Task<CliResult> RunAsync(params string[] args) => RegistryCli.RunProcessAsync(args, Home);
}
