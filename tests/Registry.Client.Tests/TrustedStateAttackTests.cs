using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// Attacks on what the client keeps and when it trusts it, each performed by a misbehaving
/// server: poisoning the trusted store through parallel lookups, freezing by withholding,
/// a 304 to an unconditional request, bodies longer than their signed length, expired bins,
/// and a corrupted cache.
/// </summary>
public sealed class TrustedStateAttackTests : ClientTestBase
{
    private static readonly HashBins Bins = new(4, "bin");

    [Fact]
    public async Task A_bin_that_fails_verification_in_a_parallel_lookup_never_enters_the_trusted_store()
    {
        // Two more packages whose index documents live in different bins from each other.
        var names = Enumerable.Range(0, 40).Select(i => $"p{i}").ToList();
        var good = names.First();
        var bad = names.First(n => Bins.BinFor($"index/{n}.json") != Bins.BinFor($"index/{good}.json"));
        Assert.Equal(
            0,
            (await _registry.PublishAsync(_registry.Package(good, "1.0.0"), _registry.Package(bad, "1.0.0"))).ExitCode);
        var badBin = Directory.GetFiles(
            Path.Combine(_registry.Store, "metadata"),
            $"*.{Bins.BinFor($"index/{bad}.json")}.json")
            .Select(f => "metadata/" + Path.GetFileName(f)).OrderByDescending(
                k => long.Parse(k.Split('/', '.')[1], System.Globalization.CultureInfo.InvariantCulture)).First();
        var text = await File.ReadAllTextAsync(Path.Combine(_registry.Store, badBin), Ct);
        _server.Overrides[badBin] = MisbehavingServer.Body(
            System.Text.Encoding.UTF8.GetBytes(text.Replace("\"length\":", "\"length\":9", StringComparison.Ordinal)));

        using (var client = Client())
        {
            await client.UpdateAsync(offline: false, Ct);
            var lookups = Task.WhenAll(client.GetIndexAsync(good, Ct), client.GetIndexAsync(bad, Ct));
            await Assert.ThrowsAsync<VerificationException>(() => lookups);
        }

        Assert.False(
            File.Exists(Path.Combine(Home.SourcePath("main"), badBin)),
            "the tampered bin was kept as trusted");
        _server.Overrides.Clear();
        using var again = Client();
        await again.UpdateAsync(offline: false, Ct);
        Assert.NotNull(await again.GetIndexAsync(bad, Ct));
    }

    [Fact]
    public async Task Expired_trusted_metadata_and_a_withholding_server_is_an_error_unless_offline_is_asked()
    {
        await InstallAsync();
        File.Delete(Path.Combine(Project, LockFile.FileName));
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Status(503);
        var later = TestClock.FromNow(TimeSpan.FromDays(8));

        var refused = await Assert.ThrowsAsync<RegistryException>(() => InstallAsync(time: later));

        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--offline", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)));

        var offline = await InstallAsync(offline: true, time: later);
        Assert.Equal(UpdateStatus.Cached, offline.Update.Status);
        Assert.Contains(
            offline.Update.Warnings,
            w => w.Contains("EXPIRED", StringComparison.Ordinal) && w.Contains("--offline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fresh_trusted_metadata_is_used_when_every_url_fails_and_says_so()
    {
        await InstallAsync();
        File.Delete(Path.Combine(Project, LockFile.FileName));
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Status(503);

        var result = await InstallAsync();

        Assert.Equal(UpdateStatus.Cached, result.Update.Status);
        Assert.Contains(
            result.Update.Warnings,
            w => w.Contains("every URL of the source failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_304_to_an_unconditional_request_is_refused_without_a_crash()
    {
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Status(304);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => InstallAsync());

        Assert.Contains("304", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_body_longer_than_its_signed_length_is_not_read_past_that_length()
    {
        _server.Overrides["metadata/2.snapshot.json"] = MisbehavingServer.Endless();

        var refused = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());

        Assert.Contains("exceeds the limit", refused.Message, StringComparison.Ordinal);
        var snapshotLength = new FileInfo(Path.Combine(_registry.Store, "metadata", "2.snapshot.json")).Length;
        Assert.Contains($"{snapshotLength}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validly_signed_but_expired_bin_is_refused()
    {
        await SignNewStateWithBinAsync("index/beta.json", DateTimeOffset.UtcNow.AddDays(-1));

        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Assert.Contains(Bins.BinFor("index/beta.json"), error.Message, StringComparison.Ordinal);
    }

    /// <summary>Publishes, with the registry's own keys, a new state in which one bin has the given expiry.</summary>
    private async Task SignNewStateWithBinAsync(string targetPath, DateTimeOffset binExpires)
    {
        using var store = new Registry.Core.Storage.FolderStore(_registry.Store);
        using var keys = KeyRing.Load(_registry.Keys);
        var state = await RegistryState.LoadAsync(store, Ct);
        var binName = state.Bins.BinFor(targetPath);
        var bin = await state.GetBinAsync(binName, Ct);
        var roles = state.Root.Signed.Roles;
        var delegation = state.Targets.Signed.Delegations!.SuccinctRoles;
        var newBin = SignedDocument<TargetsMetadata>.Create(
            bin.Signed with { Version = bin.Signed.Version + 1, Expires = binExpires },
            keys.KeysFor("bins", new RoleKeys(delegation.KeyIds, delegation.Threshold)),
            TufJsonContext.Default
                .TargetsMetadata);
        await File.WriteAllBytesAsync(
            Path.Combine(_registry.Store, "metadata", $"{newBin.Signed.Version}.{binName}.json"),
            newBin.FileBytes,
            Ct);
        var meta = new SortedDictionary<string, MetaFile>(
            state.Snapshot.Signed.Meta.ToDictionary(),
            StringComparer.Ordinal) { [binName + ".json"] = new() { Version = newBin.Signed.Version } };
        var snapshot = SignedDocument<SnapshotMetadata>.Create(
            state.Snapshot.Signed with { Version = state.Snapshot.Signed.Version + 1, Meta = meta },
            keys.KeysFor("snapshot", roles["snapshot"]),
            TufJsonContext.Default.SnapshotMetadata);
        await File.WriteAllBytesAsync(
            Path.Combine(_registry.Store, "metadata", $"{snapshot.Signed.Version}.snapshot.json"),
            snapshot.FileBytes,
            Ct);
        var timestamp = SignedDocument<TimestampMetadata>.Create(state.Timestamp.Signed with
        {
            Version = state.Timestamp.Signed.Version + 1,
            Meta = new Dictionary<string, MetaFile>
            {
                ["snapshot.json"] = new() {
                    Version = snapshot.Signed.Version,
                    Length = snapshot.FileBytes.LongLength,
                    Hashes = new Dictionary<string, string> { ["sha256"] = Hashing.Sha256Hex(snapshot.FileBytes) } },
            },
        }, keys.KeysFor("timestamp", roles["timestamp"]), TufJsonContext.Default.TimestampMetadata);
        await File.WriteAllBytesAsync(
            Path.Combine(_registry.Store, "metadata", "timestamp.json"),
            timestamp.FileBytes,
            Ct);
    }

    [Fact]
    public async Task A_cached_artifact_that_fails_its_hash_is_replaced_by_a_verified_download()
    {
        await InstallAsync();
        var blob = Directory.GetFiles(Path.Combine(Home.CachePath, "blobs"), "*", SearchOption.AllDirectories).First();
        await File.WriteAllTextAsync(blob, "corrupted", Ct);
        File.Delete(Path.Combine(Project, LockFile.FileName));
        Directory.Delete(Path.Combine(Project, "packages"), recursive: true);

        await InstallAsync();

        Assert.Equal(Path.GetFileName(blob), Hashing.Sha256Hex(await File.ReadAllBytesAsync(blob, Ct)));
    }
}
