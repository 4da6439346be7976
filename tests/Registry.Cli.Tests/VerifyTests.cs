using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

public sealed class VerifyTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private async Task PublishSampleAsync()
    {
        await _registry.InitAsync();
        var result = await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "2.0.0", "{\"alpha\":\"1.0.0\"}"));
        Assert.Equal(0, result.ExitCode);
    }

    private string OneFile(string folder, string pattern) =>
        Directory.GetFiles(Path.Combine(_registry.Store, folder), pattern, SearchOption.AllDirectories).Single();

    [Fact]
    public async Task Verify_reports_a_tampered_artifact()
    {
        await PublishSampleAsync();
        var artifact = OneFile("targets/packages", "*.beta-2.0.0.tgz");
        var bytes = File.ReadAllBytes(artifact);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(artifact, bytes);
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains(
            "beta-2.0.0.tgz: length or sha256 differs from the signed metadata",
            verify.Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_a_missing_artifact()
    {
        await PublishSampleAsync();
        File.Delete(OneFile("targets/packages", "*.alpha-1.0.0.tgz"));
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("artifact is pinned by the signed index but missing", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_a_bin_whose_signature_no_longer_matches()
    {
        await PublishSampleAsync();
        var bin = Directory.GetFiles(Path.Combine(_registry.Store, "metadata"), "2.bin-*.json").First();
        var text = File.ReadAllText(bin);
        File.WriteAllText(bin, text.Replace("\"length\":", "\"length\":1", StringComparison.Ordinal));
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("FAIL", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_a_timestamp_signed_by_an_unknown_key()
    {
        await PublishSampleAsync();
        var stranger = Path.Combine(_registry.Root, "stranger");
        Directory.CreateDirectory(stranger);
        using (var key = Core.Tuf.SigningKey.Generate())
        {
            File.WriteAllText(Path.Combine(stranger, "timestamp.pem"), key.ExportPrivatePem());
        }

        File.Copy(Path.Combine(_registry.Keys, "targets.pem"), Path.Combine(stranger, "targets.pem"));
        File.Copy(Path.Combine(_registry.Keys, "snapshot.pem"), Path.Combine(stranger, "snapshot.pem"));
        var forged = await RegistryCli.RunAsync("refresh", "--store", _registry.Store, "--keys", stranger);
        Assert.Equal(2, forged.ExitCode);

        var timestamp = Path.Combine(_registry.Store, "metadata", "timestamp.json");
        File.WriteAllText(
            timestamp,
            File.ReadAllText(timestamp).Replace("\"version\":2}", "\"version\":3}", StringComparison.Ordinal));
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("timestamp.json: 0 valid signature(s), the role needs 1", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reads_a_registry_over_http()
    {
        await PublishSampleAsync();
        await using var server = await Serve.RegistryServer
            .StartAsync(_registry.Store, 0, cancellationToken: TestContext.Current.CancellationToken);
        var verify = await RegistryCli.RunAsync("verify", "--store", server.BaseUri.ToString());
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("2 packages, 2 versions", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_expired_metadata()
    {
        await _registry.InitAsync();
        await _registry.ExpireTimestampAsync();
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("timestamp: version 2 expired", verify.Out, StringComparison.Ordinal);
    }
}
