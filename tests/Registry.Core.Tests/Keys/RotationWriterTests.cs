using Microsoft.Extensions.Time.Testing;
using Registry.Core.Keys;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tests.Publishing;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Core.Tests.Keys;

/// <summary>After a root rotation, the next write moves every role whose keys changed to the new keys.</summary>
public sealed class RotationWriterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-rotation-tests",
        Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = TestClock.Fixed(Now);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string name) => Path.Combine(_root, name);

    private KeyRing NewKeys(string folder, params string[] roles)
    {
        foreach (var role in roles)
        {
            using var key = SigningKey.Generate();
            KeyFile.Write(Path.Combine(Folder(folder), role + ".pem"), key, null);
        }

        return KeyRing.Load(Folder(folder));
    }

    private async Task<(FolderStore Store, KeyRing Keys)> InitAsync()
    {
        var store = new FolderStore(Folder("site"));
        var keys = KeyRing.Load(Folder("keys"));
        await new RegistryInitializer(store, keys, _time).InitAsync(new InitOptions { Bins = 4 }, Ct);
        await new RegistryWriter(store, keys, _time).PublishAsync(
            [WriterTests.Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);
        return (store, keys);
    }

    private async Task RotateAsync(FolderStore store, KeyRing oldKeys, KeyRing newKeys, params string[] roles)
    {
        var current = (await RootChain.LoadChainAsync(store, Ct))[^1];
        var edits = new RootEdits
        {
            Expires = TimeSpan.FromDays(365),
            AddKeys = [.. roles.Select(r => (r, newKeys.Keys
                .Single(k => newKeys.FileOf[k.KeyId].EndsWith(r + ".pem", StringComparison.Ordinal))
                .Public))],
            RemoveKeys = [.. roles.Select(r => (r, current.Signed.Roles[r].KeyIds[0]))],
        };
        var proposal = RootProposal.Propose(current.Signed, edits, Now);
        proposal = RootRotation.Sign(
            proposal,
            oldKeys.KeysFor(RoleNames.Root, current.Signed.Roles[RoleNames.Root])[0]);
        await RootRotation.PublishAsync(store, proposal, _time, Ct);
    }

    [Fact]
    public async Task A_publish_after_rotating_every_online_key_signs_all_with_the_new_keys_and_moves_the_bins()
    {
        var (store, oldKeys) = await InitAsync();
        using var _ = oldKeys;
        using var newKeys = NewKeys("new", RoleNames.Targets, RoleNames.Snapshot, RoleNames.Timestamp);
        await RotateAsync(store, oldKeys, newKeys, RoleNames.Targets, RoleNames.Snapshot, RoleNames.Timestamp);
        await Assert.ThrowsAsync<VerificationException>(() => RegistryState.LoadAsync(store, Ct));

        await new RegistryWriter(store, newKeys, _time).PublishAsync(
            [WriterTests.Package("beta", "1.0.0")],
            new PublishOptions(),
            Ct);

        var state = await RegistryState.LoadAsync(store, Ct);
        Assert.Equal(2, state.Root.Signed.Version);
        var targetsId = state.Root.Signed.Roles[RoleNames.Targets].KeyIds.Single();
        Assert.Equal([targetsId], state.Targets.Signed.Delegations!.SuccinctRoles.KeyIds);
        Assert.Equal(newKeys.FileOf[targetsId], Path.Combine(Folder("new"), "targets.pem"));
        foreach (var bin in state.Bins.AllNames())
        {
            Assert.Equal([targetsId], (await state.GetBinAsync(bin, Ct)).Signatures.Select(s => s.KeyId));
        }

        Assert.NotNull(await state.ReadTargetOrNullAsync("index/alpha.json", Ct));
        Assert.NotNull(await state.ReadTargetOrNullAsync("index/beta.json", Ct));
        var audit = await new RegistryAuditor(store, _time).AuditAsync(Ct);
        Assert.True(audit.Ok, string.Join("\n", audit.Errors));

        // The retired keys no longer sign anything.
        var error = await Assert.ThrowsAsync<EnvironmentException>(
            () => new RegistryWriter(store, oldKeys, _time).RefreshAsync(Ct));
        Assert.Contains("holds 0 of the timestamp role's keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_after_a_rotation_needs_the_new_keys_of_every_changed_role_or_writes_nothing()
    {
        var (store, oldKeys) = await InitAsync();
        using var _ = oldKeys;
        using var newKeys = NewKeys("new", RoleNames.Snapshot, RoleNames.Timestamp);
        await RotateAsync(store, oldKeys, newKeys, RoleNames.Snapshot, RoleNames.Timestamp);
        var before = File.ReadAllBytes(Path.Combine(Folder("site"), "metadata", "timestamp.json"));

        File.Delete(Path.Combine(Folder("new"), "snapshot.pem"));
        using var timestampOnly = KeyRing.Load(Folder("new"));
        await Assert.ThrowsAsync<EnvironmentException>(
            () => new RegistryWriter(store, timestampOnly, _time).RefreshAsync(Ct));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Folder("site"), "metadata", "timestamp.json")));

        var refreshed = await new RegistryWriter(store, newKeys, _time).RefreshAsync(Ct);
        Assert.Equal(["timestamp", "snapshot (new keys in root 2)"], refreshed.Resigned);
        var state = await RegistryState.LoadAsync(store, Ct);
        Assert.Equal(3, state.Snapshot.Signed.Version);
    }

    [Fact]
    public async Task A_rotation_of_the_timestamp_key_alone_is_completed_by_a_refresh_with_that_key_alone()
    {
        var (store, oldKeys) = await InitAsync();
        using var _ = oldKeys;
        using var newKeys = NewKeys("new", RoleNames.Timestamp);
        await RotateAsync(store, oldKeys, newKeys, RoleNames.Timestamp);
        var refreshed = await new RegistryWriter(store, newKeys, _time).RefreshAsync(Ct);
        Assert.Equal(["timestamp"], refreshed.Resigned);
        var state = await RegistryState.LoadAsync(store, Ct);
        Assert.Equal(newKeys.Keys.Single().KeyId, state.Timestamp.Signatures.Single().KeyId);
    }
}
