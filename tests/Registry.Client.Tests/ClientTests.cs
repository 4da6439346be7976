using Registry.Testing.Cli;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Client.Tests;

public sealed class ClientTests : ClientTestBase
{
    [Fact]
    public async Task Install_resolves_the_highest_satisfying_versions_locks_and_extracts_them()
    {
        var result = await InstallAsync();
        Assert.Equal(["alpha", "beta"], result.Names);
        Assert.Equal("1.1.0", result.Installed[0].Version);
        Assert.True(File.Exists(Path.Combine(Project, "packages", "alpha", "lib", "alpha.txt")));
        Assert.Equal(
            "alpha 1.1.0\n",
            await File.ReadAllTextAsync(Path.Combine(Project, "packages", "alpha", "lib", "alpha.txt"), Ct));
        Assert.Contains(
            "\"sha256\"",
            await File.ReadAllTextAsync(Path.Combine(Project, LockFile.FileName), Ct),
            StringComparison.Ordinal);
        Assert.Equal(
            ["packages", "registry.json", "registry.lock"],
            Directory.GetFileSystemEntries(Project).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unchanged_registry_costs_one_conditional_request_and_cached_artifacts_none()
    {
        await InstallAsync();
        File.Delete(Path.Combine(Project, LockFile.FileName));
        var before = _server.Count();
        var warm = await InstallAsync();
        Assert.Equal(UpdateStatus.Unchanged, warm.Update.Status);
        Assert.True(warm.Resolved);
        Assert.Equal(["metadata/timestamp.json"], _server.Requests.Skip(before));
    }

    [Fact]
    public async Task A_satisfied_lock_with_every_artifact_cached_installs_with_zero_requests_even_from_a_dead_server()
    {
        await InstallAsync();
        Directory.Delete(Path.Combine(Project, "packages"), recursive: true);
        _server.Overrides["*"] = MisbehavingServer.Status(503);
        var before = _server.Count();

        var warm = await InstallAsync();

        Assert.Equal(UpdateStatus.NotNeeded, warm.Update.Status);
        Assert.Equal(before, _server.Count());
        Assert.Equal(
            "alpha 1.1.0\n",
            await File.ReadAllTextAsync(Path.Combine(Project, "packages", "alpha", "lib", "alpha.txt"), Ct));
    }

    [Fact]
    public async Task A_tampered_artifact_is_refused_and_nothing_is_installed_or_cached()
    {
        _server.Overrides["*.alpha-1.1.0.tgz"] = MisbehavingServer.Body(
            Tgz.Package("alpha", "1.1.0", extraFile: "evil"));
        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Contains("length or sha256 differs from the signed metadata", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Project, "packages")));
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)));
        var blobs = Directory.Exists(Path.Combine(Home.CachePath, "blobs"))
            ? Directory.GetFiles(Path.Combine(Home.CachePath, "blobs"), "*", SearchOption.AllDirectories)
            : [];
        Assert.All(blobs, blob => Assert.Equal(Path.GetFileName(blob), Hashing.Sha256Hex(File.ReadAllBytes(blob))));
    }

    [Fact]
    public async Task A_tampered_index_document_is_refused()
    {
        _server.Overrides["*.beta.json"] = MisbehavingServer.Body("{\"name\":\"beta\",\"versions\":[]}"u8.ToArray());
        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Contains("index/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_bin_is_refused()
    {
        var bins = new HashBins(4, "bin");
        var binKey = Key($"2.{bins.BinFor("index/beta.json")}.json");
        var text = await File.ReadAllTextAsync(Path.Combine(_registry.Store, binKey), Ct);
        _server.Overrides[binKey] = MisbehavingServer.Body(
            System.Text.Encoding.UTF8.GetBytes(text.Replace("\"length\":", "\"length\":9", StringComparison.Ordinal)));
        await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
    }

    [Fact]
    public async Task A_timestamp_with_a_bad_signature_is_refused()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(_registry.Store, "metadata", "timestamp.json"), Ct);
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(System.Text.Encoding.UTF8
            .GetBytes(text.Replace("\"version\":2}", "\"version\":7}", StringComparison.Ordinal)));
        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Contains("valid signature(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolled_back_timestamp_is_refused_after_a_newer_one_was_trusted()
    {
        var old = await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "timestamp.json"), Ct);
        await InstallAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("gamma", "1.0.0"))).ExitCode);
        using (var client = Client())
        {
            Assert.Equal(UpdateStatus.Updated, (await client.UpdateAsync(false, Ct)).Status);
        }

        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(old);
        using var rolledBack = Client();
        var error = await Assert.ThrowsAsync<RegistryException>(() => rolledBack.UpdateAsync(false, Ct));
        Assert.Contains("older than the trusted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validly_signed_timestamp_pointing_at_an_older_snapshot_is_refused()
    {
        await InstallAsync();
        using var keys = KeyRing.Load(_registry.Keys);
        var forged = SignedDocument<TimestampMetadata>.Create(new TimestampMetadata
        {
            Type = RoleNames.Timestamp,
            Version = 50,
            Expires = DateTimeOffset.UtcNow.AddDays(3),
            Meta = new Dictionary<string, MetaFile> { ["snapshot.json"] = SnapshotMeta(1) },
        }, keys.Keys.Where(k => File.ReadAllText(keys.FileOf[k.KeyId]).Length > 0 && keys.FileOf[k.KeyId]
            .EndsWith("timestamp.pem", StringComparison.Ordinal)), TufJsonContext.Default.TimestampMetadata);
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(forged.FileBytes);
        using var client = Client();
        var error = await Assert.ThrowsAsync<VerificationException>(() => client.UpdateAsync(false, Ct));
        Assert.Contains("rollback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_timestamp_is_refused_freeze_attack()
    {
        var later = TestClock.FromNow(TimeSpan.FromDays(8));
        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync(time: later));
        Assert.Contains("timestamp", error.Message, StringComparison.Ordinal);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_that_disagrees_with_the_timestamp_is_refused()
    {
        _server.Overrides["metadata/2.snapshot.json"] = MisbehavingServer.Body(
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "1.snapshot.json"), Ct));
        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Contains("snapshot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_response_is_cut_off_at_the_size_cap()
    {
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Endless();
        var error = await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.Contains("exceeds the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_truncated_artifact_is_refused()
    {
        _server.Overrides["*.alpha-1.1.0.tgz"] = MisbehavingServer.Status(404);
        Assert.Contains(
            "missing",
            (await Assert.ThrowsAsync<VerificationException>(() => InstallAsync())).Message,
            StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_registry.Store, Key("*.alpha-1.1.0.tgz")), Ct);
        _server.Overrides["*.alpha-1.1.0.tgz"] = MisbehavingServer.Body(bytes[..(bytes.Length / 2)]);
        await Assert.ThrowsAsync<VerificationException>(() => InstallAsync());
        Assert.False(Directory.Exists(Path.Combine(Project, "packages")));
    }

    [Fact]
    public async Task A_server_error_that_recovers_is_retried()
    {
        var failures = 2;
        _server.Overrides["metadata/timestamp.json"] = context =>
        {
            if (Interlocked.Decrement(ref failures) == 0)
            {
                _server.Overrides.TryRemove("metadata/timestamp.json", out _);
            }

            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        var result = await InstallAsync();
        Assert.Equal(2, result.Names.Count);
        Assert.Equal(3, _server.Count(k => k == "metadata/timestamp.json"));
    }

    [Fact]
    public async Task A_dead_first_mirror_is_skipped_for_the_next()
    {
        var deadUrl = ClosedPort.Url();
        AddSource("main", deadUrl, _server.Url);
        using var client = Client();
        var result = await new ProjectInstaller(client).InstallAsync(Project, locked: false, offline: false, Ct);
        Assert.Equal(2, result.Names.Count);
        Assert.Equal(_server.Url.ToString(), result.Update.Url);
        Assert.Contains(client.Warnings, w => w.Contains(deadUrl.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_root_rotation_with_a_new_timestamp_key_is_followed()
    {
        await InstallAsync();
        using var keys = KeyRing.Load(_registry.Keys);
        var store = new FolderStore(_registry.Store);
        var root = RootChain.Parse(
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "1.root.json"), Ct),
            "1.root.json");
        using var newTimestampKey = SigningKey.Generate();
        var oldTimestampId = root.Signed.Roles[RoleNames.Timestamp].KeyIds[0];
        var keysV2 = root.Signed.Keys.Where(k => k.Key != oldTimestampId).ToDictionary(k => k.Key, k => k.Value);
        keysV2[newTimestampKey.KeyId] = newTimestampKey.Public;
        var rolesV2 = root.Signed.Roles.ToDictionary(r => r.Key, r => r.Value);
        rolesV2[RoleNames.Timestamp] = new RoleKeys([newTimestampKey.KeyId], 1);
        var rootKey = keys.Keys.Single(k => k.KeyId == root.Signed.Roles[RoleNames.Root].KeyIds[0]);
        var v2 = SignedDocument<RootMetadata>.Create(
            root.Signed with
            {
                Version = 2,
                Keys = new SortedDictionary<string, TufKey>(keysV2, StringComparer.Ordinal),
                Roles = new SortedDictionary<string, RoleKeys>(rolesV2, StringComparer.Ordinal),
            },
            [rootKey],
            TufJsonContext.Default.RootMetadata);
        await store.PutIfAbsentAsync(
            "metadata/2.root.json",
            v2.FileBytes,
            new CachePolicy().For("metadata/2.root.json"),
            Ct);
        var current = (await store.GetOrNullAsync("metadata/timestamp.json", Ct))!;
        var old = SignedDocument<TimestampMetadata>.Parse(
            current.Content,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            "t");
        var rotated = SignedDocument<TimestampMetadata>.Create(
            old.Signed with { Version = old.Signed.Version + 1 },
            [newTimestampKey],
            TufJsonContext.Default.TimestampMetadata);
        Assert.Equal(SwapResult.Swapped, await store.SwapAsync(
            "metadata/timestamp.json",
            rotated.FileBytes,
            current.VersionTag,
            new CachePolicy().For("metadata/timestamp.json"),
            Ct));

        using var client = Client();
        Assert.Equal(UpdateStatus.Updated, (await client.UpdateAsync(false, Ct)).Status);
        Assert.True(File.Exists(Path.Combine(Home.SourcePath("main"), "metadata", "2.root.json")));

        // A timestamp still signed by the retired key is now refused.
        _server.Overrides["metadata/timestamp.json"] = MisbehavingServer.Body(SignedDocument<TimestampMetadata>.Create(
            old.Signed with { Version = old.Signed.Version + 5 },
            keys.Keys.Where(k => k.KeyId == oldTimestampId),
            TufJsonContext.Default.TimestampMetadata).FileBytes);
        using var again = Client();
        await Assert.ThrowsAsync<VerificationException>(() => again.UpdateAsync(false, Ct));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("..%2Fsecrets")]
    [InlineData("a/b")]
    [InlineData("Al/pha")]
    public async Task Names_with_path_tricks_are_refused_before_any_request(string name)
    {
        using var client = Client();
        await client.UpdateAsync(false, Ct);
        var before = _server.Count();
        Assert.Equal(
            "name-invalid",
            (await Assert.ThrowsAsync<ValidationException>(() => client.GetIndexAsync(name, Ct))).Rule);
        Assert.Equal(before, _server.Count());
    }

    [Fact]
    public async Task A_name_typed_with_capitals_is_looked_up_lowercased_as_NuGet_ids_are()
    {
        using var client = Client();
        await client.UpdateAsync(false, Ct);

        var index = await client.GetIndexAsync("Alpha", Ct);

        Assert.Equal("alpha", index!.Name);
    }

    [Fact]
    public async Task Offline_installs_from_the_cache_and_says_what_it_used()
    {
        await InstallAsync();
        Directory.Delete(Path.Combine(Project, "packages"), recursive: true);
        File.Delete(Path.Combine(Project, LockFile.FileName)); // resolve again: metadata is needed
        await _server.DisposeAsync();
        _server = await MisbehavingServer.StartAsync(_registry.Store);
        var before = _server.Count();
        var offline = await InstallAsync(offline: true);
        Assert.Equal(UpdateStatus.Cached, offline.Update.Status);
        Assert.Contains(
            offline.Update.Warnings,
            w => w.StartsWith("offline (--offline): using the trusted metadata cached", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Project, "packages", "beta", "lib", "beta.txt")));
        Assert.Equal(before, _server.Count());
    }

    [Fact]
    public async Task Offline_without_a_cache_names_what_is_missing()
    {
        var error = await Assert.ThrowsAsync<RegistryException>(() => InstallAsync(offline: true));
        Assert.Contains("no trusted metadata is cached yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Locked_fails_when_the_lock_does_not_match_the_manifest()
    {
        await InstallAsync();
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"alpha\":\"[2.0.0, )\"}}",
            Ct);
        Assert.Equal(
            "lock-outdated",
            (await Assert.ThrowsAsync<ValidationException>(() => InstallAsync(locked: true))).Rule);
        var relocked = await InstallAsync();
        Assert.True(relocked.Resolved);
        Assert.Equal("2.0.0", relocked.Installed.Single().Version);
    }

    [Fact]
    public async Task A_conflict_is_explained_by_who_requires_what()
    {
        Assert.Equal(
            0,
            (await _registry.PublishAsync(_registry.Package("gamma", "1.0.0", "{\"alpha\":\"[2.0.0, )\"}"))).ExitCode);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"beta\":\"2.0.0\",\"gamma\":\"1.0.0\"}}",
            Ct);
        var error = await Assert.ThrowsAsync<ResolutionException>(() => InstallAsync());
        Assert.Contains("beta 2.0.0 requires alpha", error.Message, StringComparison.Ordinal);
        Assert.Contains("gamma 1.0.0 requires alpha", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_under_another_spelling_is_found_in_one_lookup_and_named_by_its_published_spelling()
    {
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("str_util", "1.0.0"))).ExitCode);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"str-util\":\"1.0.0\"}}",
            Ct);
        var before = _server.Count();

        var error = await Assert.ThrowsAsync<ResolutionException>(() => InstallAsync());

        Assert.Contains("'str-util' is published as 'str_util'", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests.Skip(before), r => r.Contains(".str-util.json", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)));
    }

    [Fact]
    public async Task Cold_and_warm_installs_of_thirty_transitive_dependencies_cost_what_they_should()
    {
        // dep-00 .. dep-29: each depends on the next; the project needs dep-00 only.
        var files = Enumerable.Range(0, 30).Select(i => _registry.Package(
            $"dep-{i:00}",
            "1.0.0",
            i == 29 ? "{}" : $"{{\"dep-{i + 1:00}\":\"[1.0.0, 2.0.0)\"}}")).ToArray();
        Assert.Equal(0, (await _registry.PublishAsync(files)).ExitCode);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"dep-00\":\"1.0.0\"}}",
            Ct);

        var (coldRequests, coldBytes) = (_server.Count(), Interlocked.Read(ref _server.BytesServed));
        var cold = await InstallAsync();
        (coldRequests, coldBytes) = (_server.Count() - coldRequests, Interlocked.Read(ref _server.BytesServed)
            - coldBytes);
        Directory.Delete(Path.Combine(Project, "packages"), recursive: true);
        var (warmRequests, warmBytes) = (_server.Count(), Interlocked.Read(ref _server.BytesServed));
        var warm = await InstallAsync();
        (warmRequests, warmBytes) = (_server.Count() - warmRequests, Interlocked.Read(ref _server.BytesServed)
            - warmBytes);

        TestContext.Current.TestOutputHelper?.WriteLine($"cold install of 30 packages: {coldRequests} requests, "
            + $"{coldBytes} bytes; warm (lock + cache): {warmRequests} request(s), {warmBytes} bytes");
        Console.WriteLine($"MEASURE cold install of 30 packages: {coldRequests} requests, {coldBytes} bytes; warm "
            + $"(lock + cache): {warmRequests} request(s), {warmBytes} bytes");
        Assert.Equal(30, cold.Names.Count);
        Assert.Equal(30, warm.Names.Count);
        Assert.True(warmRequests == 0, $"cold install of 30 packages: {coldRequests} requests, {coldBytes} bytes; warm "
            + $"(lock + cache): {warmRequests} request(s), {warmBytes} bytes");
        Assert.Equal(0, warmBytes);
        // timestamp, root probe, snapshot, targets, <= 16 bins, 30 index documents, 30 artifacts.
        Assert.True(coldRequests is >= 62 and <= 80, $"cold install: {coldRequests} requests, {coldBytes} bytes");
    }

    private static MetaFile SnapshotMeta(long version) => new() { Version = version };

}
