using Registry.Testing.Cli;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// docs/ci.md's recipe, end to end: the job's `sh` block fills the cache on a first run; then,
/// with that cache restored into a fresh home, a fresh checkout of the committed files and the
/// origin stopped, the same job installs with no request. And the GitHub Actions and GitLab CI
/// files of the page run exactly the job's lines.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class CiRecipeTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    private static string Page { get; } = File.ReadAllText(Path.Combine(InfraScript.RepositoryRoot, "docs", "ci.md"));

    private static string Job => DocScript.Blocks(Page, "sh").Single();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public void The_github_and_gitlab_files_run_the_jobs_lines()
    {
        var yaml = DocScript.Blocks(Page, "yaml");
        Assert.Equal(2, yaml.Count);
        foreach (var line in Job.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.All(yaml, file => Assert.Contains(line.Trim(), file, StringComparison.Ordinal));
        }

        Assert.All(yaml, file => Assert.Matches(@"registry\.lock", file));
        Assert.Contains("REGISTRY_HOME", yaml[0], StringComparison.Ordinal);
        Assert.Contains("REGISTRY_HOME", yaml[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_restored_cache_and_the_origin_stopped_install_locked_makes_no_request_and_succeeds()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "2.0.0", """{"alpha": "[1.0.0, 2.0.0)"}"""))).ExitCode);
        var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var url = server.BaseUri.ToString();

        // The developer's commit: registry.json, registry.lock, registry-root.json.
        var developer = Directory.CreateDirectory(Path.Combine(_registry.Root, "developer")).FullName;
        File.WriteAllText(Path.Combine(developer, "registry.json"), """{"dependencies": {"beta": "[2.0.0, 3.0.0)"}}""");
        File.Copy(
            Path.Combine(_registry.Store, "metadata", "1.root.json"),
            Path.Combine(developer, "registry-root.json"));
        var setup = await DocScript.RunAsync(
            developer,
            "registry source add team \"$REGISTRY_URL\" --root registry-root.json\nregistry install\n",
            new Dictionary<string, string> { ["REGISTRY_URL"] = url });
        Assert.True(setup.ExitCode == 0, setup.ToString());

        // CI, first run: a fresh runner, an empty cache.
        var first = Checkout(developer, "ci-1");
        var home = Path.Combine(_registry.Root, "cache-1");
        var warm = await DocScript.RunAsync(first, Job, Ci(url, home));
        Assert.True(warm.ExitCode == 0, warm.ToString());

        // The cache is saved and restored elsewhere, the origin goes away, CI runs again.
        await server.DisposeAsync();
        using var probe = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync(
            new Uri(server.BaseUri, "metadata/timestamp.json"),
            TestContext.Current.CancellationToken));
        var restored = Path.Combine(_registry.Root, "cache-2");
        CopyFolder(home, restored);
        var second = Checkout(developer, "ci-2");

        var offline = await DocScript.RunAsync(second, Job, Ci(url, restored));

        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.Matches(@"; 0 request\(s\)", offline.Error);
        Assert.Equal("alpha 1.0.0\n", File.ReadAllText(Path.Combine(second, "packages", "alpha", "lib", "alpha.txt")));
        Assert.True(File.Exists(Path.Combine(second, "packages", "beta", "lib", "beta.txt")));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(developer, "registry.lock")),
            File.ReadAllBytes(Path.Combine(second, "registry.lock")));
    }

    private static Dictionary<string, string> Ci(string url, string home)
        => new() { ["REGISTRY_URL"] = url, ["REGISTRY_HOME"] = home };

    /// <summary>What a CI runner checks out: the committed files only (no packages/, no home).</summary>
    private string Checkout(string developer, string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_registry.Root, name)).FullName;
        foreach (var file in new[] { "registry.json", "registry.lock", "registry-root.json" })
        {
            File.Copy(Path.Combine(developer, file), Path.Combine(folder, file));
        }

        return folder;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
