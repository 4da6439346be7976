using Registry.Client.Resolution;
using Registry.Core;

namespace Registry.Client.Tests;

/// <summary>
/// The lock holds exactly the resolved graph of registry.json's dependencies; packages/ holds
/// exactly the lock; <c>update</c> moves named packages forward; pre-releases do not leak.
/// </summary>
public sealed class LockLifecycleTests : ClientTestBase
{
    private string Packages => Path.Combine(Project, ProjectInstaller.PackagesFolder);

    private async Task DependOnAsync(string dependenciesJson) =>
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            $"{{\"dependencies\":{dependenciesJson}}}",
            Ct);

    private async Task PublishAsync(params (string Name, string Version, string Dependencies)[] packages)
    {
        var result = await _registry.PublishAsync(
            [.. packages.Select(p => _registry.Package(p.Name, p.Version, p.Dependencies))]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task<InstallResult> UpdateAsync(params string[] names)
    {
        using var client = Client();
        return await new ProjectInstaller(client).UpdateAsync(Project, names, offline: false, Ct);
    }

    private LockFile Lock => LockFile.ReadOrNull(Project)!;

    [Fact]
    public async Task Removing_a_dependency_removes_it_and_what_only_it_needed_from_the_lock_and_packages()
    {
        await PublishAsync(("gamma", "1.0.0", "{}"));
        await DependOnAsync("{\"beta\":\"[2.0.0, 3.0.0)\",\"gamma\":\"1.0.0\"}");
        await InstallAsync();
        Assert.Equal(["alpha", "beta", "gamma"], Lock.Packages.Keys);

        await DependOnAsync("{\"beta\":\"[2.0.0, 3.0.0)\"}");
        var result = await InstallAsync();
        Assert.Equal(["alpha", "beta"], Lock.Packages.Keys);
        Assert.DoesNotContain(
            "gamma",
            await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct),
            StringComparison.Ordinal);
        Assert.Equal(["gamma"], result.Removed);
        Assert.Equal(
            ["alpha", "beta"],
            Directory.GetDirectories(Packages).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("1.1.0", Lock.Packages["alpha"].Version);

        await DependOnAsync("{\"gamma\":\"1.0.0\"}");
        await InstallAsync();
        Assert.Equal(["gamma"], Lock.Packages.Keys);
        Assert.Equal(["gamma"], Directory.GetDirectories(Packages).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Install_removes_only_real_folders_with_package_names_and_never_follows_links()
    {
        await InstallAsync();
        var outside = Path.Combine(_registry.Root, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "keep.txt"), "mine", Ct);
        Directory.CreateSymbolicLink(Path.Combine(Packages, "linked"), outside);
        Directory.CreateDirectory(Path.Combine(Packages, ".hidden"));
        Directory.CreateDirectory(Path.Combine(Packages, "Not A Name"));
        Directory.CreateDirectory(Path.Combine(Packages, "stale"));
        await File.WriteAllTextAsync(Path.Combine(Packages, "notes.txt"), "mine", Ct);

        var result = await InstallAsync();
        Assert.Equal(["stale"], result.Removed);
        Assert.True(File.Exists(Path.Combine(outside, "keep.txt")));
        Assert.True(Directory.Exists(Path.Combine(Packages, "linked")));
        Assert.True(Directory.Exists(Path.Combine(Packages, ".hidden")));
        Assert.True(Directory.Exists(Path.Combine(Packages, "Not A Name")));
        Assert.True(File.Exists(Path.Combine(Packages, "notes.txt")));
        Assert.False(Directory.Exists(Path.Combine(Packages, "stale")));
    }

    [Fact]
    public async Task Locked_install_refuses_a_lock_that_names_a_removed_dependency()
    {
        await PublishAsync(("gamma", "1.0.0", "{}"));
        await DependOnAsync("{\"beta\":\"[2.0.0, 3.0.0)\",\"gamma\":\"1.0.0\"}");
        await InstallAsync();
        await DependOnAsync("{\"beta\":\"[2.0.0, 3.0.0)\"}");
        var error = await Assert.ThrowsAsync<ValidationException>(() => InstallAsync(locked: true));
        Assert.Equal("lock-outdated", error.Rule);
        Assert.Contains("gamma", Lock.Packages.Keys);
    }

    [Fact]
    public async Task Update_of_one_name_moves_only_that_package_and_update_of_all_moves_the_rest()
    {
        await PublishAsync(("gamma", "1.0.0", "{}"));
        await DependOnAsync("{\"alpha\":\"[1.0.0, 2.0.0)\",\"gamma\":\"[1.0.0, 2.0.0)\"}");
        await InstallAsync();
        await PublishAsync(("alpha", "1.2.0", "{}"), ("gamma", "1.1.0", "{}"));

        var installed = await InstallAsync();
        Assert.False(installed.Resolved);
        Assert.Equal("1.1.0", Lock.Packages["alpha"].Version);

        var one = await UpdateAsync("gamma");
        Assert.Equal([("gamma", (string?)"1.0.0", (string?)"1.1.0")], one.Changed);
        Assert.Equal("1.1.0", Lock.Packages["alpha"].Version);
        Assert.Equal("1.1.0", Lock.Packages["gamma"].Version);

        var all = await UpdateAsync();
        Assert.Equal([("alpha", (string?)"1.1.0", (string?)"1.2.0")], all.Changed);
        Assert.Equal(
            "alpha 1.2.0\n",
            await File.ReadAllTextAsync(Path.Combine(Packages, "alpha", "lib", "alpha.txt"), Ct));
    }

    [Fact]
    public async Task Update_refuses_a_name_the_project_does_not_use_and_changes_nothing()
    {
        await InstallAsync();
        var before = await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct);
        var error = await Assert.ThrowsAsync<ValidationException>(() => UpdateAsync("ghost"));
        Assert.Equal("update-unknown", error.Rule);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct));
    }

    [Fact]
    public async Task A_prerelease_asked_for_by_one_package_does_not_satisfy_another_packages_release_range()
    {
        // beta 2.0.0 asks alpha [1.0.0, 2.0.0); delta asks alpha [2.0.0-beta.1, 3.0.0). The only
        // version in both by NuGet's comparison is 2.0.0-beta.1, which beta's range does not name.
        await PublishAsync(
            ("alpha", "2.0.0-beta.1", "{}"),
            ("delta", "1.0.0", "{\"alpha\":\"[2.0.0-beta.1, 3.0.0)\"}"));
        await DependOnAsync("{\"beta\":\"[2.0.0, 3.0.0)\",\"delta\":\"1.0.0\"}");
        var error = await Assert.ThrowsAsync<ResolutionException>(() => InstallAsync());
        Assert.Contains("cannot satisfy alpha", error.Message, StringComparison.Ordinal);

        // Alone, each gets what its own range names: beta a release, delta may take the pre-release's release.
        await DependOnAsync("{\"beta\":\"[2.0.0, 3.0.0)\"}");
        await InstallAsync();
        Assert.Equal("1.1.0", Lock.Packages["alpha"].Version);
        await DependOnAsync("{\"alpha\":\"[2.0.0-beta.1, 2.0.0-beta.1]\"}");
        await InstallAsync();
        Assert.Equal("2.0.0-beta.1", Lock.Packages["alpha"].Version);
    }

    [Fact]
    public void The_prerelease_rule_is_cargos()
    {
        var range = NuGet.Versioning.VersionRange.Parse("[2.0.0-beta.1, 3.0.0)");
        Assert.True(Resolver.Allows(range, NuGet.Versioning.NuGetVersion.Parse("2.0.0-beta.2")));
        Assert.True(Resolver.Allows(range, NuGet.Versioning.NuGetVersion.Parse("2.5.0")));
        Assert.False(Resolver.Allows(range, NuGet.Versioning.NuGetVersion.Parse("2.1.0-rc.1")));
        Assert.False(Resolver.Allows(
            NuGet.Versioning.VersionRange.Parse("[1.0.0, 2.0.0)"),
            NuGet.Versioning.NuGetVersion.Parse("2.0.0-beta.1")));
    }
}
