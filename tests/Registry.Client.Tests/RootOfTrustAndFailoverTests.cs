using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Client.Tests;

/// <summary>Where trust starts (a root file, a pinned hash, or both) and artifacts fetched from another URL when one
/// copy is bad.</summary>
public sealed class RootOfTrustAndFailoverTests : ClientTestBase
{
    private string RootFile => Path.Combine(_registry.Store, "metadata", "1.root.json");

    [Fact]
    public async Task A_root_file_and_a_pinned_hash_that_disagree_are_refused()
    {
        var refused = await Assert.ThrowsAsync<VerificationException>(
            () => RootOfTrust.ObtainAsync(_server.Url, RootFile, new string('0', 64), FastPolicy, Ct));

        Assert.Contains("[rule: root-pin]", refused.Message, StringComparison.Ordinal);
        var agreed = await RootOfTrust.ObtainAsync(
            _server.Url,
            RootFile,
            Hashing.Sha256Hex(await File.ReadAllBytesAsync(RootFile, Ct)),
            FastPolicy,
            Ct);
        Assert.Equal(await File.ReadAllBytesAsync(RootFile, Ct), agreed);
    }

    [Fact]
    public async Task Trust_on_first_use_reads_no_more_than_a_root_can_be()
    {
        _server.Overrides["metadata/1.root.json"] = MisbehavingServer.Endless();

        var refused = await Assert.ThrowsAsync<VerificationException>(
            () => RootOfTrust.ObtainAsync(_server.Url, null, new string('0', 64), FastPolicy, Ct));

        Assert.Contains("exceeds the limit of 524288", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_artifact_on_the_primary_is_fetched_from_the_mirror_instead()
    {
        await using var mirror = await MisbehavingServer.StartAsync(_registry.Store);
        AddSource("main", _server.Url, mirror.Url);
        _server.Overrides["*.alpha-1.1.0.tgz"] = MisbehavingServer.Body(
            Registry.Testing.Cli.Tgz.Package("alpha", "1.1.0", extraFile: "evil"));

        var result = await InstallAsync();

        Assert.Equal(["alpha", "beta"], result.Names);
        Assert.Equal(1, mirror.Count(k => k.EndsWith(".alpha-1.1.0.tgz", StringComparison.Ordinal)));
        Assert.Equal(
            "alpha 1.1.0\n",
            await File.ReadAllTextAsync(Path.Combine(Project, "packages", "alpha", "lib", "alpha.txt"), Ct));
    }
}
