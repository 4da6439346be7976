using Registry.Core;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// What a client accepts: an artifact up to the length its signed entry pins (not the metadata cap),
/// metadata up to <see cref="ClientLimits.MaxMetadataBytes"/>, packages within the install limits;
/// each refusal names the environment variable that raises its limit.
/// </summary>
public sealed class ClientLimitsTests : ClientTestBase
{
    private RegistryClient Client(ClientLimits limits)
        => new(Home, Home.Source("main"), TimeProvider.System, FastPolicy, limits: limits);

    [Fact]
    public async Task An_artifact_larger_than_the_metadata_cap_is_read_up_to_its_signed_length()
    {
        var content = new byte[256 * 1024];
        new Random(16).NextBytes(content);
        var path = PackageBuilder.Create("large", "1.0.0").WithFile("lib/large.bin", content).WriteTo(_registry.Root);
        var published = await _registry.PublishAsync(path);
        Assert.True(published.ExitCode == 0, published.ToString());
        using var client = Client(new ClientLimits { MaxMetadataBytes = 64 * 1024 });

        await client.UpdateAsync(offline: false, Ct);
        var entry = Assert.Single((await client.GetIndexAsync("large", Ct))!.Versions);
        var artifact = await client.GetArtifactAsync(entry, Ct);

        Assert.True(entry.Length > 64 * 1024, $"the artifact ({entry.Length} bytes) is larger than the metadata cap");
        Assert.Equal(await File.ReadAllBytesAsync(path, Ct), artifact);
    }

    [Fact]
    public async Task Metadata_past_the_cap_is_refused_naming_the_variable_that_raises_it()
    {
        using var client = Client(new ClientLimits { MaxMetadataBytes = 256 });

        var error = await Assert.ThrowsAsync<VerificationException>(() => client.UpdateAsync(offline: false, Ct));

        Assert.Contains(
            "exceeds the limit of 256 bytes; raise it with REGISTRY_MAX_METADATA_BYTES",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_artifact_body_longer_than_its_signed_length_is_cut_at_that_length()
    {
        _server.Overrides["*.alpha-1.1.0.tgz"] = MisbehavingServer.Endless();

        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());

        Assert.Contains("bytes the signed metadata gives it", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Project, "packages")));
    }

    [Fact]
    public async Task Install_extracts_within_the_client_limits_and_names_the_variable_that_raises_them()
    {
        var limits = new ClientLimits { Packages = ClientLimits.Default.Packages with { MaxEntries = 1 } };
        using var client = Client(limits);

        var error = await Assert.ThrowsAsync<ValidationException>(
            () => new ProjectInstaller(client).InstallAsync(Project, locked: false, offline: false, Ct));

        Assert.Equal(Rules.LimitEntries, error.Rule);
        Assert.Contains("or raise the limit with REGISTRY_MAX_ENTRIES", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Project, "packages", "alpha")));
    }

    [Fact]
    public void The_limits_are_read_from_the_environment_and_a_bad_value_is_refused()
    {
        var environment = new Dictionary<string, string>
        {
            ["REGISTRY_MAX_METADATA_BYTES"] = "2048",
            ["REGISTRY_MAX_PACKAGE_BYTES"] = "100000000",
            ["REGISTRY_MAX_UNPACKED_BYTES"] = "1000000000",
            ["REGISTRY_MAX_ENTRIES"] = "20000",
            ["REGISTRY_MAX_COMPRESSION_RATIO"] = "500",
        };
        var limits = ClientLimits.FromEnvironment(environment.GetValueOrDefault);
        Assert.Equal(2048, limits.MaxMetadataBytes);
        Assert.Equal((100_000_000L, 1_000_000_000L, 20_000, 500), (limits.Packages.MaxCompressedBytes, limits.Packages
            .MaxUnpackedBytes, limits.Packages.MaxEntries, limits.Packages.MaxCompressionRatio));
        Assert.Equal(ClientLimits.Default, ClientLimits.FromEnvironment(_ => null));

        var error = Assert.Throws<EnvironmentException>(
            () => ClientLimits.FromEnvironment(name => name == "REGISTRY_MAX_METADATA_BYTES" ? "32MiB" : null));
        Assert.Equal(2, error.ExitCode);
        Assert.StartsWith(
            "REGISTRY_MAX_METADATA_BYTES=32MiB is not a whole number from 1024 to ",
            error.Message,
            StringComparison.Ordinal);
    }
}
