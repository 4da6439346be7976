using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>
/// The real-dotnet harness itself, against what works without the NuGet feed view: a local
/// folder package source holding the packed files. If these fail, NuGetFeedTests failing says
/// nothing about the feed.
/// </summary>
[Collection(DotnetNuGetCollection.Name)]
public sealed class DotnetNuGetTests(PackedNuGetPackages packages) : IDisposable
{
    private readonly DotnetNuGet _dotnet = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dotnet.Dispose();

    [Fact]
    public void Pack_writes_real_nupkgs_with_the_id_version_and_dependency_range_in_the_nuspec()
    {
        var nuspec = Nupkg.NuspecText(packages.Nupkg(PackedNuGetPackages.Lib, "1.0.0"));
        Assert.NotNull(nuspec);
        Assert.Contains("<id>My.Lib</id>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<version>1.0.0</version>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<dependency id=\"My.Dep\" version=\"[1.0.0, 2.0.0)\"", nuspec, StringComparison.Ordinal);
        Assert.Contains("My.Lib.nuspec", Nupkg.EntryNames(packages.Nupkg(PackedNuGetPackages.Lib, "2.0.0-beta.1")));
    }

    [Fact]
    public async Task A_console_project_restores_a_range_and_its_transitive_dependency_from_a_folder_source()
    {
        var project = _dotnet.CreateConsoleProject(
            packages.Folder,
            new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" });
        var result = await _dotnet.RestoreAsync(project);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["My.Dep"] = "1.0.0", ["My.Lib"] = "1.0.0" },
            DotnetNuGet.ResolvedPackages(project));
        Assert.True(File.Exists(Path.Combine(_dotnet.PackagesFolder, "my.lib", "1.0.0", "my.lib.1.0.0.nupkg")));
    }

    [Fact]
    public async Task Add_package_without_a_version_writes_the_latest_stable_version()
    {
        var project = _dotnet.CreateConsoleProject(packages.Folder, new Dictionary<string, string>());
        var result = await _dotnet.AddPackageAsync(project, "My.Lib");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1.1.0", DotnetNuGet.ProjectReferences(project)["My.Lib"]);
        Assert.Equal("1.1.0", DotnetNuGet.ResolvedPackages(project)["My.Lib"]);
    }

    [Fact]
    public async Task A_missing_id_fails_restore_with_NU1101_and_resolves_nothing()
    {
        var project = _dotnet.CreateConsoleProject(
            packages.Folder,
            new Dictionary<string, string> { ["No.Such"] = "1.0.0" });
        var result = await _dotnet.RestoreAsync(project);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("NU1101", result.Out, StringComparison.Ordinal);
        Assert.Empty(DotnetNuGet.ResolvedPackages(project));
    }

    [Fact]
    public void The_bad_nupkgs_differ_from_the_real_one_by_the_one_change()
    {
        var real = packages.Nupkg(PackedNuGetPackages.Lib, "1.0.0");
        var names = Nupkg.EntryNames(real);

        var noNuspec = Nupkg.WithoutNuspec(real, Path.Combine(_dotnet.Root, "My.Lib.1.0.0.nupkg"));
        Assert.Equal(names.Where(n => n != "My.Lib.nuspec"), Nupkg.EntryNames(noNuspec));
        Assert.Null(Nupkg.NuspecText(noNuspec));

        var otherId = Nupkg.WithNuspecId(real, Path.Combine(_dotnet.Root, "other-id.nupkg"), "Other.Lib");
        Assert.Equal(names, Nupkg.EntryNames(otherId));
        Assert.Contains("<id>Other.Lib</id>", Nupkg.NuspecText(otherId), StringComparison.Ordinal);

        var evil = Nupkg.WithExtraEntry(real, Path.Combine(_dotnet.Root, "evil.nupkg"), "../evil.txt");
        Assert.Equal([.. names, "../evil.txt"], Nupkg.EntryNames(evil));
    }

    /// <summary>NuGetFeedTests need the base URL before init: serve starts on the empty store folder first.</summary>
    [Fact]
    public async Task Serve_started_on_an_empty_folder_serves_what_init_writes_into_it_afterwards()
    {
        using var registry = new TestRegistry();
        Directory.CreateDirectory(registry.Store);
        await using var server = await RegistryServer.StartAsync(registry.Store, 0, cancellationToken: Ct);
        await registry.InitAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await http.GetAsync("metadata/timestamp.json", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
