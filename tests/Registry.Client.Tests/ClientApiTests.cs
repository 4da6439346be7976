using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Client.Tests;

/// <summary>
/// What a .NET program does in place of <c>registry source add</c> and <c>registry install</c>,
/// through the documented client API (README, "Using the client from .NET"), with no CLI.
/// </summary>
public sealed class ClientApiTests : ClientTestBase
{
    private string RootFile => Path.Combine(_registry.Store, "metadata", "1.root.json");

    [Fact]
    public async Task A_program_trusts_a_registry_by_its_root_hash_and_installs_a_project()
    {
        var home = new RegistryHome(Path.Combine(_registry.Root, "program-home"));
        var hash = Hashing.Sha256Hex(await File.ReadAllBytesAsync(RootFile, Ct));

        var added = await home.AddSourceAsync(
            new SourceRequest { Name = "main", Url = _server.Url.ToString(), RootSha256 = hash },
            FastPolicy,
            Ct);
        using var client = new RegistryClient(home, home.Source(null), TimeProvider.System, FastPolicy);
        var result = await new ProjectInstaller(client).InstallAsync(Project, locked: false, offline: false, Ct);

        Assert.True(added.IsDefault);
        Assert.Equal(hash, added.RootSha256);
        Assert.Equal(
            await File.ReadAllBytesAsync(RootFile, Ct),
            await File.ReadAllBytesAsync(Path.Combine(home.SourcePath("main"), "root.json"), Ct));
        Assert.Equal(["alpha", "beta"], result.Names);
        Assert.Equal(["1.1.0", "2.0.0"], result.Installed.Select(p => p.Version));
        Assert.True(File.Exists(Path.Combine(Project, "packages", "alpha", "registry.json")));
        Assert.True(File.Exists(Path.Combine(Project, "packages", "beta", "registry.json")));
        Assert.Contains(
            "\"alpha\"",
            await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_whose_hash_is_not_the_pinned_one_adds_no_source()
    {
        var home = new RegistryHome(Path.Combine(_registry.Root, "program-home"));

        var refused = await Assert.ThrowsAsync<VerificationException>(() =>
            home.AddSourceAsync(
                new SourceRequest { Name = "main", Url = _server.Url.ToString(), RootSha256 = new string('a', 64) },
                FastPolicy,
                Ct));

        Assert.Contains("[rule: root-pin]", refused.Message, StringComparison.Ordinal);
        Assert.Empty(home.Sources());
        Assert.False(Directory.Exists(Path.Combine(home.Path, "sources")));
    }

    [Fact]
    public async Task A_url_that_is_not_http_is_refused_before_any_request()
    {
        var home = new RegistryHome(Path.Combine(_registry.Root, "program-home"));
        var before = _server.Count();

        var refused = await Assert.ThrowsAsync<EnvironmentException>(() =>
            home.AddSourceAsync(new SourceRequest {
                Name = "main",
                Url = "ftp://example.org/registry",
                RootSha256 = new string('a', 64) }, FastPolicy, Ct));

        Assert.Contains(
            "'ftp://example.org/registry' is not an http(s) URL",
            refused.Message,
            StringComparison.Ordinal);
        Assert.Equal(before, _server.Count());
        Assert.Empty(home.Sources());
    }

    [Fact]
    public void Sources_keep_the_order_they_were_added_and_the_first_is_the_default()
    {
        AddSource("second", _server.Url);
        AddSource("third", _server.Url);
        Assert.Equal(["main", "second", "third"], Home.Sources().Select(s => s.Name));
        Assert.Equal("main", Home.Source(null).Name);

        Assert.Equal("third", Home.SetDefault("third").Name);
        Assert.Equal(["third", "main", "second"], Home.Sources().Select(s => s.Name));
        Assert.Equal("third", Home.Source(null).Name);

        AddSource("main", _server.Url); // replaced in place: the order stays
        Assert.Equal(["third", "main", "second"], Home.Sources().Select(s => s.Name));
        var missing = Assert.Throws<EnvironmentException>(() => Home.SetDefault("nope"));
        Assert.Contains(
            "no source named 'nope' (configured: third, main, second)",
            missing.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_several_sources_an_install_reads_the_default_one_without_naming_it()
    {
        await using var other = await MisbehavingServer.StartAsync(_registry.Store);
        AddSource("other", other.Url);

        using var client = new RegistryClient(Home, Home.Source(null), TimeProvider.System, FastPolicy);
        var result = await new ProjectInstaller(client).InstallAsync(Project, locked: false, offline: false, Ct);

        Assert.Equal(["alpha", "beta"], result.Names);
        Assert.Equal(0, other.Count());
    }
}
