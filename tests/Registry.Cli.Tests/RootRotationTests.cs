using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Client;
using Registry.Core;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>
/// Root rotation with the CLI (<c>root propose/sign/publish</c>, <c>refresh</c>), followed by our
/// client and by tuf-js, a TUF client nobody here wrote, both holding trust from before.
/// </summary>
public sealed class RootRotationTests : IAsyncLifetime
{
    private static readonly HttpPolicy FastPolicy = new() {
        MaxRetries = 1,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(10) };
    private readonly TestRegistry _registry = new();
    private readonly string _variable = "REGISTRY_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");
    private RegistryServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Work(string name) => Path.Combine(_registry.Root, name);

    private RegistryHome Home => new(Work("home"));

    private string RootV1 => Path.Combine(_registry.Store, "metadata", "1.root.json");

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, "correct horse battery staple");
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        _server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
        Home.AddSource(new SourceConfig { Name = "main", Url = _server.BaseUri }, File.ReadAllBytes(RootV1));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Environment.SetEnvironmentVariable(_variable, null);
        _registry.Dispose();
    }

    private async Task<UpdateResult> ClientUpdateAsync()
    {
        using var client = new RegistryClient(Home, Home.Source("main"), TimeProvider.System, FastPolicy);
        return await client.UpdateAsync(false, Ct);
    }

    private async Task<IReadOnlyList<string>> ClientVersionsAsync(string name)
    {
        using var client = new RegistryClient(Home, Home.Source("main"), TimeProvider.System, FastPolicy);
        await client.UpdateAsync(false, Ct);
        return [.. (await client.GetIndexAsync(name, Ct))!.Versions.Select(v => v.Version)];
    }

    private Task<CliResult> TufJsAsync(params string[] targets)
        => TufJs.RefreshAndDownloadAsync(_server.BaseUri, RootV1, Work("tufjs"), targets);

    /// <summary>Generates a key into <paramref name="folder"/> (encrypted) and returns its .pub path.</summary>
    private async Task<string> GenerateAsync(string role, string folder)
    {
        var result = await RegistryCli.RunAsync(
            "keys",
            "generate",
            "--role",
            role,
            "--out",
            Work(folder),
            "--passphrase-env",
            _variable);
        Assert.True(result.ExitCode == 0, result.ToString());
        var keyId = result.Out.Split('\n')[0]["key id: ".Length..];
        return Path.Combine(Work(folder), $"{role}-{keyId[..8]}.pub");
    }

    /// <summary>A new timestamp signed with the current timestamp key, written around the CLI (whose writes refuse a
    /// broken root chain).</summary>
    private async Task ResignTimestampAsync()
    {
        using var keys = Core.Tuf.KeyRing.Load(_registry.Keys);
        using var store = new Core.Storage.FolderStore(_registry.Store);
        var current = (await store.GetOrNullAsync(RegistryLayout.TimestampKey, Ct))!;
        var old = Core.Tuf.SignedDocument<Core.Tuf.TimestampMetadata>
            .Parse(current.Content, "timestamp", Core.Tuf.TufJsonContext.Default.TimestampMetadata, "timestamp.json");
        var next = Core.Tuf.SignedDocument<Core.Tuf.TimestampMetadata>.Create(
            old.Signed with { Version = old.Signed.Version + 1 }, keys.Keys
                .Where(k => k.KeyId == old.Signatures[0].KeyId), Core.Tuf.TufJsonContext.Default.TimestampMetadata);
        Assert.Equal(Core.Storage.SwapResult.Swapped, await store.SwapAsync(
            RegistryLayout.TimestampKey,
            next.FileBytes,
            current.VersionTag,
            new Core.Storage.CachePolicy().For(RegistryLayout.TimestampKey),
            Ct));
    }

    private static string Private(string pub) => Path.ChangeExtension(pub, ".pem");

    private async Task<CliResult> CliAsync(params string[] args)
    {
        var result = await RegistryCli.RunAsync([.. args, "--passphrase-env", _variable]);
        return result;
    }

    private async Task ProposeAsync(string output, params string[] edits)
    {
        var result = await RegistryCli.RunAsync(
        [
            "root", "propose", "--store", _registry.Store, "-o", Work(output), "--passphrase-env", _variable,
            .. edits,
        ]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task SignAsync(string proposal, params string[] keyFiles)
    {
        foreach (var key in keyFiles)
        {
            var result = await CliAsync("root", "sign", Work(proposal), "--key", key);
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }

    /// <summary>
    /// The first step of a timestamp key rotation (docs/protocol.md): root 2 adds a key; for one
    /// timestamp max-age after it was published an edge may still answer 2.root.json with a cached
    /// miss, so a timestamp signed only by the new key is refused until then (measured on the
    /// root file's time in the store, hence the real clock).
    /// </summary>
    [Fact]
    [Trait("Clock", Registry.Testing.TestClock.FileTimes)]
    public async Task A_timestamp_signed_only_by_a_key_the_new_root_adds_waits_one_max_age_after_the_root()
    {
        var newKey = await GenerateAsync("timestamp", "new");
        await ProposeAsync("root-2.json", "--add-key", $"timestamp={newKey}");
        await SignAsync("root-2.json", Path.Combine(_registry.Keys, "root.pem"));
        Assert.Equal(0, (await CliAsync("root", "publish", "--store", _registry.Store, Work("root-2.json"))).ExitCode);
        var before = _registry.StoreSnapshot();

        var early = await CliAsync("refresh", "--store", _registry.Store, "--keys", Work("new"));

        Assert.Equal(1, early.ExitCode);
        Assert.Contains("root 2 was published less than the timestamp max-age (60 s) ago and timestamp would be signed "
            + "only by keys it adds", early.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was written [rule: rotation-wait]", early.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());

        // The old key, which both roots accept, signs at once.
        var old = await CliAsync("refresh", "--store", _registry.Store, "--keys", _registry.Keys);
        Assert.True(old.ExitCode == 0, old.ToString());

        File.SetLastWriteTimeUtc(
            Path.Combine(_registry.Store, "metadata", "2.root.json"),
            DateTime.UtcNow.AddSeconds(-61));
        var late = await CliAsync("refresh", "--store", _registry.Store, "--keys", Work("new"));
        Assert.True(late.ExitCode == 0, late.ToString());
        Assert.Equal(UpdateStatus.Updated, (await ClientUpdateAsync()).Status);
        Assert.Equal(0, (await TufJsAsync("index/alpha.json")).ExitCode);
    }

    [Fact]
    public async Task Our_client_and_tuf_js_follow_a_rotation_chain_1_2_3_that_changes_every_key_and_thresholds()
    {
        Assert.Equal(UpdateStatus.Updated, (await ClientUpdateAsync()).Status);
        Assert.Equal(0, (await TufJsAsync("index/alpha.json")).ExitCode);

        // Root 2: every key replaced; root becomes 2 of 3.
        string[] rootKeys = [await GenerateAsync("root", "k2"), await GenerateAsync("root", "k2"), await GenerateAsync(
            "root",
            "k2")];
        var targets2 = await GenerateAsync("targets", "k2");
        var snapshot2 = await GenerateAsync("snapshot", "k2");
        var timestamp2 = await GenerateAsync("timestamp", "k2");
        await ProposeAsync("root-2.json",
            "--add-key", $"root={rootKeys[0]}", "--add-key", $"root={rootKeys[1]}", "--add-key", $"root={rootKeys[2]}",
            "--remove-key", $"root={Path.Combine(_registry.Keys, "root.pub")}", "--threshold", "root=2",
            "--add-key", $"targets={targets2}",
            "--remove-key", $"targets={Path.Combine(_registry.Keys, "targets.pem")}",
            "--add-key", $"snapshot={snapshot2}",
            "--remove-key", $"snapshot={Path.Combine(_registry.Keys, "snapshot.pem")}",
            "--add-key", $"timestamp={timestamp2}",
            "--remove-key", $"timestamp={Path.Combine(_registry.Keys, "timestamp.pem")}");
        await SignAsync("root-2.json", Path.Combine(_registry.Keys, "root.pem"), Private(rootKeys[0]));

        var tooFew = await CliAsync("root", "publish", "--store", _registry.Store, Work("root-2.json"));
        Assert.Equal(1, tooFew.ExitCode);
        Assert.Contains("1 of the 2 signatures its own root keys require", tooFew.Error, StringComparison.Ordinal);
        Assert.Contains("[rule: root-threshold]", tooFew.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_registry.Store, "metadata", "2.root.json")));

        await SignAsync("root-2.json", Private(rootKeys[1]));
        var published = await CliAsync(
            "root",
            "publish",
            "--store",
            _registry.Store,
            Work("root-2.json"),
            "--keys",
            Work("k2"));
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Contains("published metadata/2.root.json", published.Out, StringComparison.Ordinal);
        Assert.Contains("re-signed timestamp, snapshot (new keys in root 2), targets (new keys in root 2), 16 bins "
            + "(new targets keys in root 2)", published.Out, StringComparison.Ordinal);

        var beta = await CliAsync(
            ["publish", "--store", _registry.Store, "--keys", Work("k2"), _registry.Package("beta", "1.0.0")]);
        Assert.Equal(0, beta.ExitCode);
        var oldKeys = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, _registry.Package("gamma", "0.1.0")]);
        Assert.Equal(2, oldKeys.ExitCode);
        Assert.Contains("holds 0 of the", oldKeys.Error, StringComparison.Ordinal);

        // Root 3: one root key out (2 of the 2 left), a second timestamp key and threshold 2, a new snapshot key.
        var timestamp3 = await GenerateAsync("timestamp", "k3");
        var snapshot3 = await GenerateAsync("snapshot", "k3");
        File.Copy(Private(targets2), Path.Combine(Work("k3"), Path.GetFileName(Private(targets2))));
        File.Copy(Private(timestamp2), Path.Combine(Work("k3"), Path.GetFileName(Private(timestamp2))));
        await ProposeAsync("root-3.json",
            "--remove-key", $"root={rootKeys[2]}",
            "--add-key", $"timestamp={timestamp3}", "--threshold", "timestamp=2",
            "--add-key", $"snapshot={snapshot3}", "--remove-key", $"snapshot={snapshot2}");
        await SignAsync("root-3.json", Private(rootKeys[0]), Private(rootKeys[1]));
        var published3 = await CliAsync("root", "publish", "--store", _registry.Store, Work("root-3.json"));
        Assert.True(published3.ExitCode == 0, published3.ToString());
        Assert.Contains("the keys of snapshot, timestamp changed", published3.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await RegistryCli.RunAsync("status", "--store", _registry.Store)).ExitCode);

        var oneTimestampKey = Work("k3-one");
        Directory.CreateDirectory(oneTimestampKey);
        foreach (var file in new[] { Private(targets2), Private(snapshot3), Private(timestamp3) })
        {
            File.Copy(file, Path.Combine(oneTimestampKey, Path.GetFileName(file)));
        }

        var short1 = await CliAsync("refresh", "--store", _registry.Store, "--keys", oneTimestampKey);
        Assert.Equal(2, short1.ExitCode);
        Assert.Contains("holds 1 of the timestamp role's keys, it needs 2", short1.Error, StringComparison.Ordinal);
        var refreshed = await CliAsync("refresh", "--store", _registry.Store, "--keys", Work("k3"));
        Assert.True(refreshed.ExitCode == 0, refreshed.ToString());
        var gamma = await CliAsync(
            ["publish", "--store", _registry.Store, "--keys", Work("k3"), _registry.Package("gamma", "1.0.0")]);
        Assert.Equal(0, gamma.ExitCode);

        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(0, (await RegistryCli.RunAsync("status", "--store", _registry.Store)).ExitCode);
        var timestamp = JsonDocument.Parse(
            File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "timestamp.json"))).RootElement;
        Assert.Equal(2, timestamp.GetProperty("signatures").GetArrayLength());

        // Both clients walk 1 -> 2 -> 3 from the trust they already had.
        Assert.Equal(["1.0.0"], await ClientVersionsAsync("gamma"));
        Assert.True(File.Exists(Path.Combine(Home.SourcePath("main"), "metadata", "3.root.json")));
        var tufjs = await TufJs.DownloadIndexAndArtifactsAsync(
            _server.BaseUri,
            RootV1,
            Work("tufjs"),
            "index/gamma.json",
            "index/beta.json");
        Assert.True(tufjs.ExitCode == 0, tufjs.ToString());
        Assert.Equal(3, JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Work("tufjs"), "metadata", "root.json")))
            .RootElement
            .GetProperty("signed")
            .GetProperty("version")
            .GetInt32());

        // A fresh tuf-js that trusts only root 1 gets there too.
        var fresh = await TufJs.RefreshAndDownloadAsync(
            _server.BaseUri,
            RootV1,
            Work("tufjs-fresh"),
            "index/alpha.json");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
    }

    [Fact]
    public async Task A_root_signed_by_too_few_keys_is_refused_by_root_publish_and_by_both_clients()
    {
        await ClientUpdateAsync();
        Assert.Equal(0, (await TufJsAsync()).ExitCode);
        var newRoot = await GenerateAsync("root", "k2");
        await ProposeAsync(
            "root-2.json",
            "--add-key",
            $"root={newRoot}",
            "--remove-key",
            $"root={Path.Combine(_registry.Keys, "root.pub")}");
        await SignAsync("root-2.json", Private(newRoot));

        var refused = await CliAsync("root", "publish", "--store", _registry.Store, Work("root-2.json"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(
            "registry: error: the proposed root has 0 of the 1 signatures the current root (version 1) requires "
            + "(unsigned: ",
            refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_registry.Store, "metadata", "2.root.json")));

        // Put there by someone with write access to the store, but without the old root key.
        File.Copy(Work("root-2.json"), Path.Combine(_registry.Store, "metadata", "2.root.json"));
        Assert.Equal(1, (await RegistryCli.RunAsync(["refresh", .. _registry.StoreArgs])).ExitCode);
        await ResignTimestampAsync();
        await Assert.ThrowsAsync<VerificationException>(ClientUpdateAsync);
        var tufjs = await TufJsAsync();
        Assert.Equal(1, tufjs.ExitCode);
        Assert.Equal(1, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    [Fact]
    public async Task An_expired_timestamp_is_refused_by_both_clients_and_accepted_after_a_refresh_with_only_its_key()
    {
        Assert.Equal(0, (await TufJsAsync("index/alpha.json")).ExitCode);
        await ClientUpdateAsync();
        await _registry.ExpireTimestampAsync(TimeSpan.FromDays(8));

        var ours = await Assert.ThrowsAsync<VerificationException>(ClientUpdateAsync);
        Assert.Contains("expired", ours.Message, StringComparison.Ordinal);
        var tufjs = await TufJsAsync("index/alpha.json");
        Assert.Equal(1, tufjs.ExitCode);
        Assert.Contains("expired", tufjs.Error, StringComparison.OrdinalIgnoreCase);

        var wrongKey = Work("wrong");
        Directory.CreateDirectory(wrongKey);
        File.Copy(Path.Combine(_registry.Keys, "snapshot.pem"), Path.Combine(wrongKey, "snapshot.pem"));
        var before = _registry.StoreSnapshot();
        var refused = await RegistryCli.RunAsync("refresh", "--store", _registry.Store, "--keys", wrongKey);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("holds 0 of the timestamp role's keys, it needs 1", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());

        var timestampOnly = Work("timestamp-only");
        Directory.CreateDirectory(timestampOnly);
        File.Copy(Path.Combine(_registry.Keys, "timestamp.pem"), Path.Combine(timestampOnly, "timestamp.pem"));
        var refreshed = await RegistryCli.RunAsync("refresh", "--store", _registry.Store, "--keys", timestampOnly);
        Assert.True(refreshed.ExitCode == 0, refreshed.ToString());
        Assert.Equal(UpdateStatus.Updated, (await ClientUpdateAsync()).Status);
        var again = await TufJsAsync("index/alpha.json");
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task A_two_of_three_timestamp_role_is_signed_by_two_held_keys_and_a_single_signature_is_refused()
    {
        string[] keys = [await GenerateAsync("timestamp", "ts"), await GenerateAsync(
            "timestamp",
            "ts"), await GenerateAsync("timestamp", "ts")];
        await ProposeAsync("root-2.json",
            "--add-key", $"timestamp={keys[0]}",
            "--add-key", $"timestamp={keys[1]}",
            "--add-key", $"timestamp={keys[2]}",
            "--remove-key", $"timestamp={Path.Combine(_registry.Keys, "timestamp.pub")}", "--threshold", "timestamp=2");
        await SignAsync("root-2.json", Path.Combine(_registry.Keys, "root.pem"));
        Assert.Equal(0, (await CliAsync("root", "publish", "--store", _registry.Store, Work("root-2.json"))).ExitCode);

        File.Delete(Private(keys[1]));
        var refreshed = await CliAsync("refresh", "--store", _registry.Store, "--keys", Work("ts"));
        Assert.True(refreshed.ExitCode == 0, refreshed.ToString());
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
        Assert.Equal(UpdateStatus.Updated, (await ClientUpdateAsync()).Status);
        Assert.Equal(0, (await TufJsAsync("index/alpha.json")).ExitCode);

        // The same timestamp with one of its two signatures dropped is refused.
        var path = Path.Combine(_registry.Store, "metadata", "timestamp.json");
        var document = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;
        var signature = document.GetProperty("signatures")[0].GetRawText();
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace(signature + ",", "", StringComparison.Ordinal)
            .Replace("," + signature, "", StringComparison.Ordinal));
        Assert.Equal(
            1,
            JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.GetProperty("signatures").GetArrayLength());
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("1 valid signature(s), the role needs 2", verify.Out, StringComparison.Ordinal);
    }
}
