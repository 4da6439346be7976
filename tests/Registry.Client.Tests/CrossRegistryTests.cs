using System.Text;
using Registry.Testing.Cli;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// Dependencies across registries, over real HTTP: a private registry P (acme-app, acme-core) whose
/// acme-app depends on the public registry Q's left-pad through a pin P's operator configured
/// (<c>--known-registry public=URL#SHA256</c>). Each name resolves from the registry its dependent
/// names and nowhere else; the lock records each package's registry; the pin is never trust on first use.
/// </summary>
public sealed class CrossRegistryTests : IAsyncLifetime
{
    private static readonly HttpPolicy FastPolicy = new() {
        MaxRetries = 1,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(5) };
    private const string AppDependencies
        = "{\"acme-core\":\"[1.0.0, )\",\"left-pad\":{\"range\":\"[1.0.0, )\",\"registry\":\"public\"}}";
    private readonly TestRegistry _private = new();
    private readonly TestRegistry _public = new();
    private MisbehavingServer _p = null!;
    private MisbehavingServer _q = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryHome Home => new(Path.Combine(_private.Root, "home"));

    private string Project => Path.Combine(_private.Root, "project");

    private string PublicRootSha256
        => Hashing.Sha256Hex(File.ReadAllBytes(Path.Combine(_public.Store, "metadata", "1.root.json")));

    public async ValueTask InitializeAsync()
    {
        await _private.InitAsync();
        await _public.InitAsync();
        _p = await MisbehavingServer.StartAsync(_private.Store);
        _q = await MisbehavingServer.StartAsync(_public.Store);
        await PublishAsync(_public, ("left-pad", "1.0.0", "{}"));
        Directory.CreateDirectory(Project);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"acme-app\":\"[1.0.0, )\"}}",
            Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _p.DisposeAsync();
        await _q.DisposeAsync();
        _private.Dispose();
        _public.Dispose();
    }

    private static async Task PublishAsync(
        TestRegistry registry,
        params (string Name, string Version, string Dependencies)[] packages)
    {
        var result = await registry.PublishAsync(
            [.. packages.Select(p => registry.Package(p.Name, p.Version, p.Dependencies))]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>P's operator pins Q (or <paramref name="sha256"/> at Q's URL), then P publishes acme-core and
    /// acme-app.</summary>
    private async Task PublishPrivateAsync(string? sha256 = null)
    {
        var settings = await RegistryCli.RunAsync(
        [
            "settings", "--store", _private.Store,
            "--known-registry", $"public={_q.Url}#{sha256 ?? PublicRootSha256}",
        ]);
        Assert.True(settings.ExitCode == 0, settings.ToString());
        await PublishAsync(_private, ("acme-core", "1.0.0", "{}"), ("acme-app", "1.0.0", AppDependencies));
    }

    private void AddSource(string name, Uri url, TestRegistry rootOf) =>
        Home.AddSource(
            new SourceConfig { Name = name, Url = url },
            File.ReadAllBytes(Path.Combine(rootOf.Store, "metadata", "1.root.json")));

    private async Task<InstallResult> InstallAsync(bool offline = false, bool update = false)
    {
        using var client = new RegistryClient(Home, Home.Source("p"), TimeProvider.System, FastPolicy);
        var installer = new ProjectInstaller(client);
        return update
            ? await installer.UpdateAsync(Project, [], offline, Ct)
            : await installer.InstallAsync(Project, locked: false, offline, Ct);
    }

    private LockFile Lock => LockFile.ReadOrNull(Project)!;

    [Fact]
    public async Task A_name_published_to_the_public_registry_does_not_replace_the_private_dependency_of_that_name()
    {
        await PublishPrivateAsync();
        AddSource("q", _q.Url, _public); // the user reads both registries; q is even the default
        AddSource("p", _p.Url, _private);

        await InstallAsync();
        AssertLockedFrom("acme-core", "1.0.0", _p.Url);
        AssertLockedFrom("left-pad", "1.0.0", _q.Url);

        await PublishAsync(_public, ("acme-core", "99.0.0", "{}"));
        await InstallAsync();
        AssertLockedFrom("acme-core", "1.0.0", _p.Url);
        await InstallAsync(update: true); // a fresh resolution, every pin free
        AssertLockedFrom("acme-core", "1.0.0", _p.Url);
        Assert.Equal("1.0.0", ManifestVersion("acme-core"));
        Assert.Equal(0, _q.Count(r => r.Contains("acme-core", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_private_package_depending_on_a_public_one_installs_both_locks_both_registries_and_runs_offline()
    {
        await PublishPrivateAsync();
        AddSource("p", _p.Url, _private); // no source for Q: its trust comes from the signed pin alone

        var result = await InstallAsync();
        Assert.Equal(["acme-app", "acme-core", "left-pad"], result.Names.Order(StringComparer.Ordinal));
        AssertLockedFrom("acme-app", "1.0.0", _p.Url);
        AssertLockedFrom("left-pad", "1.0.0", _q.Url);
        Assert.Equal(PublicRootSha256, Lock.Packages["left-pad"].Registry!.RootSha256);
        Assert.Equal(_q.Url.AbsoluteUri, Lock.Packages["acme-app"].DependencyRegistries!["left-pad"].Url);
        Assert.Equal(["p"], Home.Sources().Select(s => s.Name)); // the implicit source is not the user's list
        TestContext.Current.TestOutputHelper?
            .WriteLine($"cold install: {_p.Count()} request(s) to P, {_q.Count()} to Q");
        var (p, q) = (_p.Count(), _q.Count());
        await InstallAsync();
        TestContext.Current.TestOutputHelper?
            .WriteLine($"warm install: {_p.Count() - p} request(s) to P, {_q.Count() - q} to Q");
        Assert.Equal(0, _q.Count() - q); // locked and cached: no request at all

        await _p.DisposeAsync();
        await _q.DisposeAsync();
        Directory.Delete(Path.Combine(Project, ProjectInstaller.PackagesFolder), recursive: true);
        await InstallAsync(offline: true);
        Assert.Equal("1.0.0", ManifestVersion("left-pad"));

        // Without the lock: resolved again from both registries' trusted metadata and the cache.
        File.Delete(Path.Combine(Project, LockFile.FileName));
        await InstallAsync(offline: true);
        AssertLockedFrom("left-pad", "1.0.0", _q.Url);
        AssertLockedFrom("acme-core", "1.0.0", _p.Url);
    }

    [Fact]
    public async Task A_pin_whose_root_is_not_the_one_at_that_url_is_refused_and_nothing_is_installed()
    {
        await PublishPrivateAsync(
            sha256: Hashing.Sha256Hex(File.ReadAllBytes(Path.Combine(_private.Store, "metadata", "1.root.json"))));
        AddSource("p", _p.Url, _private);

        var refusal = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Equal(RegistryPin.Rule, refusal.Rule);
        Assert.StartsWith("SECURITY", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(_q.Url.AbsoluteUri, refusal.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)));
        Assert.False(Directory.Exists(Path.Combine(Project, ProjectInstaller.PackagesFolder)));
    }

    [Fact]
    public async Task A_user_source_at_the_pinned_url_that_trusts_another_root_is_refused()
    {
        await PublishPrivateAsync();
        AddSource("p", _p.Url, _private);
        AddSource("q", _q.Url, _private); // Q's URL, but the root of another registry

        var refusal = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Equal(RegistryPin.Rule, refusal.Rule);
        Assert.Contains("source 'q'", refusal.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)));
    }

    [Fact]
    public async Task A_dependency_naming_an_unknown_registry_is_refused_at_publish_and_nothing_is_written()
    {
        await PublishPrivateAsync();
        var before = StoreDigest.Of(_private.Store);
        foreach (var registry in new[] { "nowhere", "https://unknown.example/" })
        {
            var file = _private.Package(
                "acme-tool",
                "1.0.0",
                $"{{\"left-pad\":{{\"range\":\"[1.0.0, )\",\"registry\":\"{registry}\"}}}}");
            var result = await _private.PublishAsync(file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("[rule: dependency-registry-unknown]", result.Error, StringComparison.Ordinal);
            Assert.Contains($"names the registry '{registry}'", result.Error, StringComparison.Ordinal);
            Assert.Contains("known: public", result.Error, StringComparison.Ordinal);
        }

        var settings = await RegistryCli.RunAsync(["settings", "--store", _private
            .Store, "--known-registry", "bad=http://registry.example/#" + new string('0', 64)]);
        Assert.Equal(2, settings.ExitCode);
        Assert.Contains("[rule: registry-pin]", settings.Error, StringComparison.Ordinal);
        Assert.Equal(before, StoreDigest.Of(_private.Store));
    }

    [Fact]
    public async Task A_mirror_keeps_the_pins_to_the_other_registry_and_still_verifies()
    {
        await PublishPrivateAsync();
        var mirror = Path.Combine(_private.Root, "mirror");
        var copied = await RegistryCli.RunAsync(["mirror", _p.Url.AbsoluteUri, "--to", mirror, "--root", Path.Combine(
            _private.Store,
            "metadata",
            "1.root.json")]);
        Assert.True(copied.ExitCode == 0, copied.ToString());
        var verified = await RegistryCli.RunAsync(["verify", "--store", mirror]);
        Assert.True(verified.ExitCode == 0, verified.ToString());

        var index = Directory.GetFiles(Path.Combine(mirror, "targets", "index"), "*.acme-app.json").Single();
        var entry = IndexJson.ParseIndex(File.ReadAllBytes(index), RegistryLayout.IndexPath("acme-app")).Versions
            .Single();
        Assert.Equal(_q.Url.AbsoluteUri, entry.DependencyRegistries!["left-pad"].Url);
    }

    [Fact]
    public async Task One_name_required_from_two_registries_is_a_conflict_not_a_silent_pick()
    {
        await PublishAsync(_public, ("acme-core", "99.0.0", "{}"), ("q-lib", "1.0.0", "{\"acme-core\":\"[1.0.0, )\"}"));
        var settings = await RegistryCli.RunAsync(
            ["settings", "--store", _private.Store, "--known-registry", $"public={_q.Url}#{PublicRootSha256}"]);
        Assert.True(settings.ExitCode == 0, settings.ToString());
        await PublishAsync(_private, ("acme-core", "1.0.0", "{}"), ("acme-app", "1.0.0", "{\"acme-core\":\"[1.0.0, "
            + ")\",\"q-lib\":{\"range\":\"[1.0.0, )\",\"registry\":\"public\"}}"));
        AddSource("p", _p.Url, _private);

        var conflict = await Assert.ThrowsAsync<ResolutionException>(() => InstallAsync());
        TestContext.Current.TestOutputHelper?.WriteLine(conflict.Message);
        Assert.Contains("dependency-registry-conflict", conflict.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"q-lib 1.0.0 requires acme-core (>= 1.0.0) from {_q.Url.AbsoluteUri}",
            conflict.Message,
            StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)));
    }

    [Fact]
    public async Task A_lock_edited_to_take_a_package_from_another_registry_is_not_used()
    {
        await PublishPrivateAsync();
        AddSource("p", _p.Url, _private);
        await InstallAsync();
        var edited = Lock;
        edited.Packages["left-pad"] = edited.Packages["left-pad"] with { Registry = edited.Packages["acme-app"]
            .Registry };
        edited.Write(Project);
        Assert.Equal(_p.Url.AbsoluteUri, Lock.Packages["left-pad"].Registry!.Url);

        using (var client = new RegistryClient(Home, Home.Source("p"), TimeProvider.System, FastPolicy))
        {
            var refused = await Assert.ThrowsAsync<ValidationException>(
                () => new ProjectInstaller(client).InstallAsync(Project, locked: true, offline: false, Ct));
            Assert.Equal("lock-outdated", refused.Rule);
        }

        await InstallAsync();
        AssertLockedFrom("left-pad", "1.0.0", _q.Url);
    }

    private void AssertLockedFrom(string name, string version, Uri registry)
    {
        Assert.Equal(version, Lock.Packages[name].Version);
        Assert.Equal(registry.AbsoluteUri, Lock.Packages[name].Registry!.Url);
    }

    private string ManifestVersion(string name)
    {
        var json = Encoding.UTF8.GetString(
            File.ReadAllBytes(Path.Combine(Project, ProjectInstaller.PackagesFolder, name, "registry.json")));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("version").GetString()!;
    }
}
