using System.Collections.Concurrent;
using System.Globalization;
using Registry.Testing.Cli;
using Registry.Core;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// Attacks through root metadata, each served by a real server to a real client: one key passed
/// off as two to meet a threshold of two, and validly signed roots without end.
/// </summary>
public sealed class RootAttackTests : ClientTestBase
{
    private const string NextRoot = "metadata/2.root.json";

    [Fact]
    public async Task A_new_root_that_lists_the_timestamp_key_twice_to_fake_a_threshold_of_two_is_refused()
    {
        using var keys = KeyRing.Load(_registry.Keys);
        var root1 = await ReadRootAsync(1);
        var rootKey = keys.KeysFor(RoleNames.Root, root1.Signed.Roles[RoleNames.Root])[0];
        var timestampKey = keys.KeysFor(RoleNames.Timestamp, root1.Signed.Roles[RoleNames.Timestamp])[0];
        var (aliasId, alias) = KeyAliases.AliasOf(timestampKey);
        var root2 = SignedDocument<RootMetadata>.Create(root1.Signed with
        {
            Version = 2,
            Keys = new Dictionary<string, TufKey>(root1.Signed.Keys) { [aliasId] = alias },
            Roles = new Dictionary<string, RoleKeys>(root1.Signed.Roles) {
                [RoleNames.Timestamp] = new([timestampKey.KeyId, aliasId], 2) },
        }, [rootKey], TufJsonContext.Default.RootMetadata);
        var timestamp = SignedDocument<TimestampMetadata>.Parse(
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "timestamp.json"), Ct), RoleNames
                .Timestamp, TufJsonContext.Default.TimestampMetadata, "timestamp.json");
        _server.Overrides[NextRoot] = MisbehavingServer.Body(root2.FileBytes);
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(
            KeyAliases.SignedAgainUnder(timestamp, timestampKey, aliasId).FileBytes);

        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());

        Assert.Equal("root-duplicate-key", error.Rule);
        Assert.Contains(
            $"{NextRoot}: root lists one public key under two key ids",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal(1, _server.Count(k => k == NextRoot));
        AssertNothingInstalled();
    }

    [Fact]
    public async Task A_server_serving_new_roots_without_end_is_followed_for_32_rotations_then_refused()
    {
        using var keys = KeyRing.Load(_registry.Keys);
        await ServeRootsWithoutEndAsync(keys);

        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());

        Assert.Equal("root-rotations", error.Rule);
        Assert.Contains(
            "metadata/34.root.json exists, more than 32 root rotations past root version 1",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(2, 33), RootsRequested());
        AssertNothingInstalled(rootsKept: true);

        // As python-tuf does, the roots verified so far are kept: the next update goes on from root 33, not from 1.
        var trustedRoots = Path.Combine(Home.SourcePath("main"), "metadata");
        Assert.True(File.Exists(Path.Combine(trustedRoots, "33.root.json")), error.Message);
        Assert.False(File.Exists(Path.Combine(trustedRoots, "34.root.json")));
        Assert.Contains("kept the 32 root(s) verified so far", error.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Contains(
            "metadata/66.root.json exists, more than 32 root rotations past root version 33",
            again.Message,
            StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(trustedRoots, "65.root.json")));
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("root propose")]
    public async Task Reading_a_registry_over_http_from_its_first_root_stops_after_1000_versions(string command)
    {
        using var keys = KeyRing.Load(_registry.Keys);
        await ServeRootsWithoutEndAsync(keys);
        var proposal = Path.Combine(_registry.Root, "proposal.json");

        var result = await RegistryCli.RunAsync([.. command.Split(' '), "--store", _server.Url
            .ToString(), .. command == "verify" ? Array.Empty<string>() : ["-o", proposal]]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "metadata/1002.root.json exists, more than 1000 root rotations past root version 1",
            result.Out + result.Error,
            StringComparison.Ordinal);
        Assert.Contains("[rule: root-rotations]", result.Out + result.Error, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 1002), RootsRequested());
        Assert.False(File.Exists(proposal));
    }

    private async Task<SignedDocument<RootMetadata>> ReadRootAsync(long version) =>
        RootChain.Parse(
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", $"{version}.root.json"), Ct),
            $"{version}.root.json");

    /// <summary>Serves <c>1.root.json</c> as stored and, for every N above it, a root N signed by the root key: each a
    /// valid successor.</summary>
    private async Task ServeRootsWithoutEndAsync(KeyRing keys)
    {
        var root1 = await ReadRootAsync(1);
        var rootKey = keys.KeysFor(RoleNames.Root, root1.Signed.Roles[RoleNames.Root])[0];
        var made = new ConcurrentDictionary<long, byte[]>();
        _server.Overrides["*.root.json"] = context =>
        {
            var version = VersionOf(context.Request.Path.Value!);
            var bytes = version == 1 ? root1.FileBytes : made.GetOrAdd(version, v =>
                SignedDocument<RootMetadata>.Create(
                    root1.Signed with { Version = v },
                    [rootKey],
                    TufJsonContext.Default.RootMetadata).FileBytes);
            return context.Response.Body.WriteAsync(bytes).AsTask();
        };
    }

    /// <summary>The root versions the server was asked for, in order.</summary>
    private List<int> RootsRequested() => [.. _server.Requests
        .Where(k => k.EndsWith(".root.json", StringComparison.Ordinal))
        .Select(k => (int)VersionOf(k))];

    private static long VersionOf(string rootPath)
        => long.Parse(rootPath.Split('/')[^1].Split('.')[0], CultureInfo.InvariantCulture);
}
