using System.Text.RegularExpressions;
using Registry.Testing.Cli;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// The NuGet v3 static feed view end to end with the real <c>dotnet</c> CLI: real .nupkg files
/// (packed once, <see cref="PackedNuGetPackages"/>) published with <c>registry publish</c> into a
/// registry made with <c>registry init --nuget-url BASE</c>, served by <c>registry serve</c>'s
/// server, restored by <c>dotnet restore</c> / <c>dotnet add package</c> in an isolated NuGet
/// environment whose only source is <c>BASE nuget/v3/index.json</c>.
/// The server is started on the empty store folder first, because the base URL goes into the
/// files at init and publish.
/// </summary>
[Collection(DotnetNuGetCollection.Name)]
public sealed class NuGetFeedTests(PackedNuGetPackages packages) : IAsyncLifetime
{
    private readonly TestRegistry _registry = new();
    private readonly DotnetNuGet _dotnet = new();
    private RegistryServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri BaseUri => _server!.BaseUri;

    /// <summary>The service index URL a user puts in nuget.config.</summary>
    private string FeedUrl => new Uri(BaseUri, "nuget/v3/index.json").ToString();

    public async ValueTask InitializeAsync()
    {
        try
        {
            Directory.CreateDirectory(_registry.Store);
            _server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
            await _registry.InitAsync("--nuget-url", BaseUri.ToString());
        }
        catch
        {
            // xUnit does not dispose a test class whose InitializeAsync threw: clean up here.
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }

        _dotnet.Dispose();
        _registry.Dispose();
    }

    [Fact]
    public async Task A_console_project_restores_a_published_package_and_its_transitive_dependency_from_registry_serve()
    {
        await PublishAsync(
            packages.Nupkg("My.Dep", "1.0.0"),
            packages.Nupkg("My.Dep", "1.1.0"),
            packages.Nupkg("My.Lib", "1.0.0"));
        var published = Path.Combine(
            _registry.Store,
            "nuget",
            "v3",
            "flatcontainer",
            "my.lib",
            "1.0.0",
            "my.lib.1.0.0.nupkg");
        Assert.Equal(File.ReadAllBytes(packages.Nupkg("My.Lib", "1.0.0")), File.ReadAllBytes(published));

        var project = _dotnet.CreateConsoleProject(FeedUrl, new Dictionary<string, string> { ["My.Lib"] = "1.0.0" });
        var result = await _dotnet.RestoreAsync(project);

        Assert.True(result.ExitCode == 0, result.ToString());
        // My.Lib needs My.Dep [1.0.0, 2.0.0): NuGet takes the lowest version in range.
        Assert.Equal(
            new Dictionary<string, string> { ["My.Dep"] = "1.0.0", ["My.Lib"] = "1.0.0" },
            DotnetNuGet.ResolvedPackages(project));
        Assert.True(File.Exists(Path.Combine(_dotnet.PackagesFolder, "my.dep", "1.0.0", "my.dep.1.0.0.nupkg")));
    }

    [Fact]
    public async Task A_range_picks_the_lowest_applicable_version_and_after_yank_a_fresh_restore_picks_the_next_one()
    {
        await PublishAsync(
            packages.Nupkg("My.Dep", "1.0.0"),
            packages.Nupkg("My.Lib", "1.0.0"),
            packages.Nupkg("My.Lib", "1.1.0"));
        var references = new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" };

        var before = _dotnet.CreateConsoleProject(FeedUrl, references);
        var first = await _dotnet.RestoreAsync(before);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("1.0.0", DotnetNuGet.ResolvedPackages(before)["My.Lib"]);

        var yank = await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "my.lib", "1.0.0"]);
        Assert.True(yank.ExitCode == 0, yank.ToString());

        // A new machine: nothing in the global packages folder or NuGet's HTTP cache.
        _dotnet.ResetCaches();
        var after = _dotnet.CreateConsoleProject(FeedUrl, references);
        var second = await _dotnet.RestoreAsync(after);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("1.1.0", DotnetNuGet.ResolvedPackages(after)["My.Lib"]);
        // Yanked, not deleted: the file stays for whoever already depends on it.
        Assert.True(File.Exists(
            Path.Combine(_registry.Store, "nuget", "v3", "flatcontainer", "my.lib", "1.0.0", "my.lib.1.0.0.nupkg")));
    }

    [Fact]
    public async Task Dotnet_add_package_without_a_version_adds_the_latest_listed_stable_version()
    {
        await PublishAsync([.. packages.All]);
        var project = _dotnet.CreateConsoleProject(FeedUrl, new Dictionary<string, string>());

        var result = await _dotnet.AddPackageAsync(project, "My.Lib");

        Assert.True(result.ExitCode == 0, result.ToString());
        // 2.0.0-beta.1 is newer but a prerelease: not taken without --prerelease.
        Assert.Equal("1.1.0", DotnetNuGet.ProjectReferences(project)["My.Lib"]);
        Assert.Equal("1.1.0", DotnetNuGet.ResolvedPackages(project)["My.Lib"]);
    }

    [Fact]
    public async Task Dotnet_add_package_without_a_version_skips_a_yanked_latest_version()
    {
        await PublishAsync([.. packages.All]);
        var yank = await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "my.lib", "1.1.0"]);
        Assert.True(yank.ExitCode == 0, yank.ToString());
        var project = _dotnet.CreateConsoleProject(FeedUrl, new Dictionary<string, string>());

        var result = await _dotnet.AddPackageAsync(project, "My.Lib");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1.0.0", DotnetNuGet.ProjectReferences(project)["My.Lib"]);
    }

    [Fact]
    public async Task A_mirror_writes_its_own_feed_that_dotnet_restores_from_and_verify_passes()
    {
        await PublishAsync(
            packages.Nupkg("My.Dep", "1.0.0"),
            packages.Nupkg("My.Lib", "1.0.0"),
            packages.Nupkg("My.Lib", "1.1.0"));
        var yank = await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "My.Lib", "1.0.0"]);
        Assert.True(yank.ExitCode == 0, yank.ToString());
        var mirror = Path.Combine(_registry.Root, "mirror");
        Directory.CreateDirectory(mirror);
        await using var mirrorServer = await RegistryServer.StartAsync(mirror, 0, cancellationToken: Ct);
        var root = Path.Combine(_registry.Root, "1.root.json");
        File.Copy(Path.Combine(_registry.Store, "metadata", "1.root.json"), root);

        var sync = await RegistryCli.RunAsync(
            "mirror",
            BaseUri.ToString(),
            "--to",
            mirror,
            "--root",
            root,
            "--nuget-url",
            mirrorServer.BaseUri.ToString());

        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Contains("NuGet feed: 2 package(s)", sync.Out, StringComparison.Ordinal);
        // The mirror's feed names the mirror, not the origin.
        var service = File.ReadAllText(Path.Combine(mirror, "nuget", "v3", "index.json"));
        Assert.Contains(mirrorServer.BaseUri.ToString(), service, StringComparison.Ordinal);
        Assert.DoesNotContain(BaseUri.ToString(), service, StringComparison.Ordinal);
        var project = _dotnet.CreateConsoleProject(
            new Uri(mirrorServer.BaseUri, "nuget/v3/index.json").ToString(),
            new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" });
        var restore = await _dotnet.RestoreAsync(project);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["My.Dep"] = "1.0.0", ["My.Lib"] = "1.1.0" },
            DotnetNuGet.ResolvedPackages(project));
        var verify = await RegistryCli.RunAsync("verify", "--store", mirrorServer.BaseUri.ToString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.DoesNotContain("nuget sync", verify.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nuget_sync_repairs_a_feed_a_killed_publish_left_behind_and_verify_says_so_before()
    {
        await PublishAsync(packages.Nupkg("My.Dep", "1.0.0"), packages.Nupkg("My.Lib", "1.0.0"));
        // What a publish killed after its signed commit leaves: the view without the new version.
        var versions = Path.Combine(_registry.Store, "nuget", "v3", "flatcontainer", "my.lib", "index.json");
        var registration = Path.Combine(_registry.Store, "nuget", "v3", "registration", "my.lib", "index.json");
        var (oldVersions, oldRegistration) = (File.ReadAllBytes(versions), File.ReadAllBytes(registration));
        await PublishAsync(packages.Nupkg("My.Lib", "1.1.0"));
        File.WriteAllBytes(versions, oldVersions);
        File.WriteAllBytes(registration, oldRegistration);

        var behind = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(behind.ExitCode == 0, behind.ToString());
        Assert.Contains("does not list my.lib 1.1.0 yet", behind.Error, StringComparison.Ordinal);
        Assert.Contains("registry nuget sync", behind.Error, StringComparison.Ordinal);

        var sync = await RegistryCli.RunAsync("nuget", "sync", "--store", _registry.Store);

        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Contains("\"1.1.0\"", File.ReadAllText(versions), StringComparison.Ordinal);
        var after = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain("nuget sync", after.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_sync_repairs_every_view_the_settings_turn_on_and_an_unknown_or_off_view_writes_nothing()
    {
        await PublishAsync(packages.Nupkg("My.Dep", "1.0.0"), packages.Nupkg("My.Lib", "1.0.0"));
        var versions = Path.Combine(_registry.Store, "nuget", "v3", "flatcontainer", "my.lib", "index.json");
        File.Delete(versions);
        var before = StoreDigest.Of(_registry.Store);

        var unknown = await RegistryCli.RunAsync("sync", "--store", _registry.Store, "--view", "nugget");

        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Contains("no view is named 'nugget'", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("[rule: view-name]", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));

        var sync = await RegistryCli.RunAsync("sync", "--store", _registry.Store);

        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Contains("NuGet feed of 2 package(s) is up to date", sync.Out, StringComparison.Ordinal);
        Assert.Contains("\"1.0.0\"", File.ReadAllText(versions), StringComparison.Ordinal);
        var again = await RegistryCli.RunAsync("sync", "--store", _registry.Store, "--view", "nuget", "My.Lib");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("wrote 0 files, 0 bytes", again.Out, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadPackages => new()
    {
        { "no-nuspec", "manifest-missing" },
        { "id-not-file-name", "nupkg-file-name" },
        { "parent-path-entry", "archive-path" },
    };

    [Theory]
    [MemberData(nameof(BadPackages))]
    public async Task A_bad_nupkg_is_refused_with_its_rule_and_the_store_is_byte_identical(
        string bad,
        string rulePattern)
    {
        await PublishAsync(packages.Nupkg("My.Dep", "1.0.0"));
        var real = packages.Nupkg("My.Lib", "1.0.0");
        var folder = Path.Combine(_registry.Root, bad);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "My.Lib.1.0.0.nupkg");
        _ = bad switch
        {
            "no-nuspec" => Nupkg.WithoutNuspec(real, file),
            "id-not-file-name" => Nupkg.WithNuspecId(real, file, "Other.Lib"),
            "parent-path-entry" => Nupkg.WithExtraEntry(real, file, "../evil.txt"),
            _ => throw new ArgumentOutOfRangeException(nameof(bad)),
        };
        var before = StoreDigest.Of(_registry.Store);

        var result = await _registry.PublishAsync(file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("My.Lib.1.0.0.nupkg", result.Error, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"\[rule: {rulePattern}\]"), result.Error);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
        Assert.False(File.Exists(Path.Combine(_registry.Root, "evil.txt")));
    }

    private async Task PublishAsync(params string[] files)
    {
        var result = await _registry.PublishAsync(files);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
