using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// A package larger than the client's metadata cap installs over real HTTP (the artifact is read
/// up to its signed length); every limit refusal, at publish and at install, names what raises it;
/// publish warns when its limits let through packages that clients refuse.
/// </summary>
public sealed class LargePackageTests : IDisposable
{
    private const int MetadataCap = 1024 * 1024;
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables)
        => variables.ToDictionary(v => v.Name, v => v.Value);

    /// <summary>A package of incompressible bytes, twice the metadata cap once gzipped.</summary>
    private string LargePackage()
    {
        var content = new byte[2 * MetadataCap];
        new Random(16).NextBytes(content);
        return PackageBuilder.Create("large", "1.0.0").WithFile("lib/large.bin", content).WriteTo(_registry.Root);
    }

    [Fact]
    public async Task A_package_larger_than_the_metadata_cap_fetches_and_installs_over_http()
    {
        await _registry.InitAsync();
        var package = LargePackage();
        Assert.True(new FileInfo(package).Length > 2 * MetadataCap);
        Assert.Equal(0, (await _registry.PublishAsync(package)).ExitCode);
        await using var client = await ClientProject.StartAsync(_registry, "{\"large\":\"1.0.0\"}");
        var cap = Env(
            ("REGISTRY_MAX_METADATA_BYTES", MetadataCap.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var fetch = await client.RunAsync(cap, "fetch", "large", "-o", Path.Combine(_registry.Root, "fetched"));
        var install = await client.RunAsync(cap, "install", "--project", client.Folder);

        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        var fetched = Path.Combine(_registry.Root, "fetched", "large-1.0.0.tgz");
        Assert.Equal(
            await File.ReadAllBytesAsync(package, TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(fetched, TestContext.Current.CancellationToken));
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal("added large 1.0.0\n", install.Out);
        Assert.Equal(
            2 * MetadataCap,
            new FileInfo(Path.Combine(client.Folder, "packages", "large", "lib", "large.bin")).Length);
    }

    [Fact]
    public async Task Install_refuses_a_package_past_the_client_limit_naming_the_variable_and_installs_nothing()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(LargePackage())).ExitCode);
        await using var client = await ClientProject.StartAsync(_registry, "{\"large\":\"1.0.0\"}");

        var refused = await client.RunAsync(
            Env(("REGISTRY_MAX_PACKAGE_BYTES", "1000000")),
            "install",
            "--project",
            client.Folder);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("more than the limit of 1000000; make the package smaller, or raise the limit with "
            + "REGISTRY_MAX_PACKAGE_BYTES [rule: limit-compressed-size]", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(client.Folder, "packages", "large")));
        Assert.False(File.Exists(Path.Combine(client.Folder, "registry.lock")));
    }

    [Fact]
    public async Task Publish_refuses_a_package_past_its_limit_naming_the_option_and_writes_nothing()
    {
        await _registry.InitAsync();
        var before = StoreDigest.Of(_registry.Store);

        var refused = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, "--max-package-bytes", "1000000", LargePackage()]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("large-1.0.0.tgz: is ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 1000000; make the package smaller, or raise the limit with "
            + "--max-package-bytes [rule: limit-compressed-size]", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task Publish_warns_when_its_limits_let_through_packages_clients_refuse()
    {
        await _registry.InitAsync();

        var published = await RegistryCli.RunAsync(
        [
            "publish", .. _registry.StoreArgs, "--max-package-bytes", "100000000", "--max-entries", "20000",
            _registry.Package("alpha", "1.0.0"),
        ]);
        var within = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, "--max-package-bytes", "1000000", _registry.Package("beta", "1.0.0")]);

        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Contains(
            "registry: warning: --max-package-bytes 100000000 is above the 67108864 that clients accept: a package "
            + "past 67108864 publishes, but 'registry install' refuses it unless the client sets "
            + "REGISTRY_MAX_PACKAGE_BYTES\n"
            + "registry: warning: --max-entries 20000 is above the 10000 that clients accept: a package past 10000 "
            + "publishes, but 'registry install' refuses it unless the client sets REGISTRY_MAX_ENTRIES\n",
            published.Error, StringComparison.Ordinal);
        Assert.Equal("published alpha 1.0.0", published.Out.Split(' ').Take(3).Aggregate((a, b) => $"{a} {b}"));
        Assert.True(within.ExitCode == 0, within.ToString());
        Assert.DoesNotContain("warning", within.Error, StringComparison.Ordinal);
    }
}
