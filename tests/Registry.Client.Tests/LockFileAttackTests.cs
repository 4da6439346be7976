using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Registry.Testing.Cli;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Packages;

namespace Registry.Client.Tests;

/// <summary>
/// Path traversal through the names a project trusts too easily: registry.lock (a pull request can
/// edit it), registry.json and sources.json. Each test performs the attack against the real
/// install (the CLI out of process, or the library) with a victim folder beside the project,
/// and checks the refusal and that the victim and packages/ are untouched.
/// </summary>
public sealed class LockFileAttackTests : IAsyncLifetime
{
    private readonly TestRegistry _registry = new();
    private MisbehavingServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string HomePath => Path.Combine(_registry.Root, "home");

    private RegistryHome Home => new(HomePath);

    private string Project => Path.Combine(_registry.Root, "project");

    private string Packages => Path.Combine(Project, ProjectInstaller.PackagesFolder);

    private string Victim => Path.Combine(_registry.Root, "victim");

    private string LockPath => Path.Combine(Project, LockFile.FileName);

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync();
        var published = await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "2.0.0", "{\"alpha\":\"1.0.0\"}"));
        Assert.True(published.ExitCode == 0, published.ToString());
        _server = await MisbehavingServer.StartAsync(_registry.Store);
        Home.AddSource(
            new SourceConfig { Name = "main", Url = _server.Url },
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "1.root.json"), Ct));
        Directory.CreateDirectory(Project);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"beta\":\"[2.0.0, 3.0.0)\"}}",
            Ct);

        // A genuine install first: the lock file exists and alpha's bytes are in the cache, so the
        // attack needs no network (as it would on a developer's machine).
        await InstallAsync();
        Directory.CreateDirectory(Path.Combine(Victim, "keep"));
        await File.WriteAllTextAsync(Path.Combine(Victim, "precious.txt"), "do not delete", Ct);
        await File.WriteAllTextAsync(Path.Combine(Victim, "keep", "nested.txt"), "nor this", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<InstallResult> InstallAsync(bool offline = false)
    {
        using var client = new RegistryClient(
            Home,
            Home.Source("main"),
            TimeProvider.System,
            new HttpPolicy { MaxRetries = 1 });
        return await new ProjectInstaller(client).InstallAsync(Project, locked: false, offline, Ct);
    }

    private Task<CliResult> CliAsync(params string[] args) =>
        RegistryCli.RunProcessAsync(
            args,
            new Dictionary<string, string> { ["REGISTRY_HOME"] = HomePath, ["NO_COLOR"] = "1" });

    /// <summary>Every file and link under a folder with its content hash: equal snapshots mean nothing
    /// changed.</summary>
    private static SortedDictionary<string, string> Snapshot(string folder)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return result;
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(
            folder,
            "*",
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var info = new FileInfo(path);
            result[Path.GetRelativePath(folder, path)] = info.LinkTarget is { } target ? "link " + target
                : Directory.Exists(path) ? "dir"
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }

        return result;
    }

    /// <summary>Adds a copy of alpha's genuine lock entry under <paramref name="name"/>.</summary>
    private void AddLockEntry(string name, Action<JsonObject>? edit = null)
    {
        var document = JsonNode.Parse(File.ReadAllText(LockPath))!.AsObject();
        var entry = document["packages"]!["alpha"]!.DeepClone().AsObject();
        edit?.Invoke(entry);
        document["packages"]![name] = entry;
        File.WriteAllText(LockPath, document.ToJsonString());
    }

    private string NameFor(string attack) => attack switch
    {
        "absolute" => Victim,
        "absolute-child" => Path.Combine(Victim, "keep"),
        _ => attack,
    };

    [Theory]
    [InlineData("../../victim")]
    [InlineData("../victim")]
    [InlineData("absolute")]
    [InlineData("absolute-child")]
    [InlineData("alpha/../../../victim")]
    [InlineData("nested/name")]
    [InlineData("..")]
    [InlineData(".")]
    public async Task Install_refuses_a_lock_entry_named_like_a_path_and_touches_nothing(string attack)
    {
        var name = NameFor(attack);
        AddLockEntry(name);
        var victim = Snapshot(Victim);
        var packages = Snapshot(Packages);
        var lockBytes = await File.ReadAllBytesAsync(LockPath, Ct);

        foreach (var offline in new[] { false, true })
        {
            var result = await CliAsync(["install", "--project", Project, .. offline ? new[] { "--offline" } : []]);
            Assert.True(result.ExitCode == 1, result.ToString());
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("registry: error: ", line, StringComparison.Ordinal);
            Assert.Contains(LockPath, line, StringComparison.Ordinal);
            Assert.Contains(PackageName.Rule, line, StringComparison.Ordinal);
            Assert.EndsWith("[rule: name-invalid]", line.TrimEnd(), StringComparison.Ordinal);
            Assert.Equal("", result.Out);
        }

        Assert.Equal(victim, Snapshot(Victim));
        Assert.Equal(packages, Snapshot(Packages));
        Assert.Equal(lockBytes, await File.ReadAllBytesAsync(LockPath, Ct));
        Assert.False(Directory.Exists(Path.Combine(_registry.Root, "alpha")));
    }

    [Fact]
    public async Task Install_refuses_a_path_as_a_dependency_name_inside_a_lock_entry()
    {
        AddLockEntry("gamma", entry => entry["dependencies"] = new JsonObject { ["../../victim"] = "1.0.0" });
        var error = await Assert.ThrowsAsync<ValidationException>(() => InstallAsync());
        Assert.Equal(Rules.NameInvalid, error.Rule);
        Assert.Contains("dependency of 'gamma'", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Victim, "precious.txt")));
    }

    [Theory]
    [InlineData("sha256", "../../../../../etc/passwd")]
    [InlineData("sha256", "a")]
    [InlineData("version", "not a version")]
    [InlineData("artifact", "../../outside.tgz")]
    [InlineData("artifact", "/etc/passwd")]
    public async Task Install_refuses_a_lock_entry_with_a_malformed_field(string field, string value)
    {
        AddLockEntry("alpha", entry => entry[field] = value);
        var packages = Snapshot(Packages);
        var result = await CliAsync("install", "--project", Project, "--offline");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("[rule: lock-invalid]", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(packages, Snapshot(Packages));
    }

    [Fact]
    public async Task Install_refuses_a_path_as_a_dependency_name_in_registry_json()
    {
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"../../victim\":\"1.0.0\"}}",
            Ct);
        var result = await CliAsync("install", "--project", Project);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("[rule: name-invalid]", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Victim, "precious.txt")));
    }

    [Fact]
    public async Task A_link_planted_in_place_of_a_package_folder_is_replaced_not_followed()
    {
        Directory.Delete(Path.Combine(Packages, "alpha"), recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(Packages, "alpha"), Victim);
        var victim = Snapshot(Victim);

        await InstallAsync();

        Assert.Equal(victim, Snapshot(Victim));
        Assert.Null(new FileInfo(Path.Combine(Packages, "alpha")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(Packages, "alpha", "lib", "alpha.txt")));
    }

    [Fact]
    public async Task Removing_an_old_package_folder_does_not_follow_links_inside_it()
    {
        Directory.CreateSymbolicLink(Path.Combine(Packages, "alpha", "escape"), Victim);
        File.CreateSymbolicLink(
            Path.Combine(Packages, "alpha", "precious-link.txt"),
            Path.Combine(Victim, "precious.txt"));
        var victim = Snapshot(Victim);

        await InstallAsync();

        Assert.Equal(victim, Snapshot(Victim));
        Assert.False(Path.Exists(Path.Combine(Packages, "alpha", "escape")));
        Assert.True(File.Exists(Path.Combine(Packages, "alpha", "lib", "alpha.txt")));
    }

    [Fact]
    public async Task A_source_named_like_a_path_in_sources_json_is_refused_and_its_folder_untouched()
    {
        var sources = Path.Combine(HomePath, "sources.json");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(sources, Ct))!.AsArray();
        var evil = document[0]!.DeepClone();
        evil["name"] = "../../victim";
        document.Add(evil);
        await File.WriteAllTextAsync(sources, document.ToJsonString(), Ct);
        var victim = Snapshot(Victim);

        var removed = await CliAsync("source", "remove", "../../victim");
        Assert.True(removed.ExitCode == 2, removed.ToString());
        Assert.Contains(PackageName.Rule, removed.Error, StringComparison.Ordinal);

        var install = await CliAsync("install", "--project", Project, "--source", "../../victim");
        Assert.True(install.ExitCode == 2, install.ToString());
        Assert.Equal(victim, Snapshot(Victim));
    }
}
