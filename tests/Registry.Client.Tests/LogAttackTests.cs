using Registry.Testing.Cli;
using Registry.Core;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Client.Tests;

/// <summary>
/// The client's transparency-log rule against a registry that keeps a log, each attack really served
/// over HTTP by a misbehaving server (its request log shows what was fetched): a forked (split) view, a
/// rolled-back log, tampered and missing tiles, a witness policy the checkpoint does not meet; and the
/// cost: no log request for a cold or a warm update, at most two after a publish.
/// </summary>
public sealed class LogAttackTests : IAsyncLifetime
{
    private static readonly HttpPolicy FastPolicy = new() {
        MaxRetries = 1,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(5) };
    private readonly TestRegistry _registry = new();
    private MisbehavingServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryHome Home => new(Path.Combine(_registry.Root, "home"));

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync("--log", "registry.test/log");
        await PublishAsync(_registry.Store, "alpha", "1.0.0");
        _server = await MisbehavingServer.StartAsync(_registry.Store);
        AddSource("main");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private SourceConfig AddSource(string name, IReadOnlyList<string>? witnesses = null, int quorum = 0) =>
        Home.AddSource(
            new SourceConfig { Name = name, Url = _server.Url, Witnesses = witnesses, WitnessQuorum = quorum },
            File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json")));

    private async Task PublishAsync(string store, string name, string version)
    {
        var result = await RegistryCli.RunAsync(
            ["publish", "--store", store, "--keys", _registry.Keys, _registry.Package(name, version)]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task<UpdateResult> UpdateAsync(string source = "main")
    {
        using var client = new RegistryClient(Home, Home.Source(source), TimeProvider.System, FastPolicy);
        return await client.UpdateAsync(offline: false, Ct);
    }

    private int LogRequests() => _server.Count(k => k.StartsWith("log/", StringComparison.Ordinal));

    private string Fork()
    {
        var fork = Path.Combine(_registry.Root, "fork-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.GetFiles(_registry.Store, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(fork, Path.GetRelativePath(_registry.Store, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return fork;
    }

    [Fact]
    public async Task A_cold_and_a_warm_update_fetch_nothing_from_the_log_and_one_after_a_publish_at_most_two_tiles()
    {
        await UpdateAsync();
        Assert.Equal(0, LogRequests());
        await UpdateAsync();
        Assert.Equal(0, LogRequests());

        await PublishAsync(_registry.Store, "beta", "1.0.0");
        await UpdateAsync();
        Assert.InRange(LogRequests(), 1, 2);
    }

    [Fact]
    public async Task A_forked_view_shown_to_a_client_that_trusted_the_public_log_is_a_security_error_with_evidence()
    {
        var fork = Fork();
        await PublishAsync(_registry.Store, "beta", "1.0.0");
        await UpdateAsync();
        // The fork is acceptable to TUF alone (every version moves forward: it publishes beta too), but its
        // log diverged from the one the client trusted after entry 2.
        await PublishAsync(fork, "beta", "1.0.0");
        await PublishAsync(fork, "evil", "1.0.0");

        _server.Folder = fork;
        var refused = await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync());

        Assert.Contains("SECURITY ERROR", refused.Message, StringComparison.Ordinal);
        Assert.Contains("trusted checkpoint:\nregistry.test/log\n3\n", refused.Message, StringComparison.Ordinal);
        Assert.Contains("new checkpoint:\nregistry.test/log\n4\n", refused.Message, StringComparison.Ordinal);
        Assert.Contains("[rule: log]", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_server.Requests, k => k.StartsWith("log/tile/", StringComparison.Ordinal));
        _server.Folder = _registry.Store;
        Assert.Equal(UpdateStatus.Unchanged, (await UpdateAsync()).Status);
    }

    [Fact]
    public async Task A_rolled_back_log_is_refused()
    {
        await UpdateAsync();
        var fork = Fork();
        Directory.Delete(Path.Combine(fork, "log"), recursive: true);
        await PublishAsync(fork, "evil", "1.0.0");

        _server.Folder = fork;
        var refused = await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync());
        Assert.Contains("went back from size 2 to 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_truncated_and_missing_tiles_are_refused()
    {
        await UpdateAsync();
        await PublishAsync(_registry.Store, "beta", "1.0.0");
        var tile = "log/tile/0/000.p/3";
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_registry.Store, tile), Ct);

        var tampered = bytes.ToArray();
        tampered[70] ^= 1; // the new leaf's hash, which the consistency proof 2 -> 3 uses
        _server.Overrides[tile] = MisbehavingServer.Body(tampered);
        Assert.Contains(
            "not consistent",
            (await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync())).Message,
            StringComparison.Ordinal);

        _server.Overrides[tile] = MisbehavingServer.Body(bytes[..64]);
        Assert.Contains(
            "truncated",
            (await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync())).Message,
            StringComparison.Ordinal);

        _server.Overrides[tile] = MisbehavingServer.Status(404);
        Assert.Contains(
            "missing",
            (await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync())).Message,
            StringComparison.Ordinal);

        _server.Overrides.Clear();
        Assert.Equal(UpdateStatus.Updated, (await UpdateAsync()).Status);
    }

    [Fact]
    public async Task A_state_whose_timestamp_drops_or_swaps_the_log_entry_is_refused()
    {
        var timestamp = await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "timestamp.json"), Ct);
        var keys = KeyRing.Load(_registry.Keys);
        var signed = SignedDocument<TimestampMetadata>.Parse(
            timestamp,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            "timestamp.json").Signed;
        var timestampKeys = keys.Keys.Where(
            k => Path.GetFileName(keys.FileOf[k.KeyId]).StartsWith("timestamp", StringComparison.Ordinal)).ToList();

        var withoutLog = SignedDocument<TimestampMetadata>.Create(
            signed with { Version = signed.Version + 1, Log = null },
            timestampKeys,
            TufJsonContext.Default.TimestampMetadata);
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(withoutLog.FileBytes);
        Assert.Contains(
            "carries no checkpoint",
            (await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync())).Message,
            StringComparison.Ordinal);

        // A genuinely signed timestamp for a state the log never recorded: it reuses the logged entry of another.
        var otherEntry = new LogEntry(
            signed.Version + 1,
            signed.Meta["snapshot.json"].Version,
            new string('0', 64),
            1,
            []);
        var notLogged = SignedDocument<TimestampMetadata>.Create(
            signed with
            {
                Version = signed.Version + 1,
                Log = signed.Log! with { Entry = Convert.ToBase64String(otherEntry.ToBytes()) },
            },
            timestampKeys,
            TufJsonContext.Default.TimestampMetadata);
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(notLogged.FileBytes);
        Assert.Contains(
            "is not this state",
            (await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync())).Message,
            StringComparison.Ordinal);
        Assert.False(
            File.Exists(Path.Combine(Home.SourcePath("main"), "metadata", "timestamp.json")),
            "a refused state was trusted");
    }

    [Fact]
    public async Task Too_few_witness_cosignatures_are_refused()
    {
        var witness = NoteSigner.Generate("witness.test/w1", NoteKeyType.Cosignature);
        AddSource("witnessed", [witness.Verifier.Encoded], quorum: 1);
        var refused = await Assert.ThrowsAsync<VerificationException>(() => UpdateAsync("witnessed"));
        Assert.Contains(
            "0 valid witness cosignature(s); the source requires 1",
            refused.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mirror_copies_the_log_incrementally_and_verifies_as_a_logged_registry()
    {
        var mirror = Path.Combine(_registry.Root, "mirror");
        var root = Path.Combine(_registry.Store, "metadata", "1.root.json");
        for (var round = 0; round < 2; round++)
        {
            var synced = await RegistryCli.RunAsync(["mirror", _server.Url.ToString(), "--to", mirror, "--root", root]);
            Assert.True(synced.ExitCode == 0, synced.ToString());
            var verify = await RegistryCli.RunAsync(["verify", "--store", mirror]);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Equal(
                Convert.FromBase64String(SignedDocument<TimestampMetadata>.Parse(
                    File.ReadAllBytes(Path.Combine(mirror, "metadata", "timestamp.json")),
                    RoleNames.Timestamp,
                    TufJsonContext.Default.TimestampMetadata,
                    "t").Signed.Log!.Checkpoint),
                File.ReadAllBytes(Path.Combine(mirror, "log", "checkpoint")));
            await PublishAsync(_registry.Store, $"beta{round}", "1.0.0");
        }

        Assert.True(File.Exists(Path.Combine(mirror, "log", "tile", "0", "000.p", "3")));
    }
}
