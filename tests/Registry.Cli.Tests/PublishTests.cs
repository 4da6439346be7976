using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

public sealed class PublishTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Init_creates_a_registry_that_verifies()
    {
        await _registry.InitAsync();
        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("OK", verify.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_registry.Keys, "root.pem")));
        Assert.True(File.Exists(Path.Combine(_registry.Store, "metadata", "1.bin-f.json")));
    }

    [Fact]
    public async Task Init_refuses_a_store_that_holds_a_registry_and_changes_nothing()
    {
        await _registry.InitAsync();
        var before = _registry.StoreSnapshot();
        var again = await RegistryCli.RunAsync(["init", .. _registry.StoreArgs]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds a registry", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Publish_adds_versions_that_verify_and_the_same_bytes_again_is_a_no_op()
    {
        await _registry.InitAsync();
        var alpha = _registry.Package("alpha", "1.0.0");
        var first = await _registry.PublishAsync(alpha);
        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("published alpha 1.0.0 sha256:", first.Out, StringComparison.Ordinal);

        var before = _registry.StoreSnapshot();
        var again = await _registry.PublishAsync(alpha);
        Assert.Equal(0, again.ExitCode);
        Assert.StartsWith("unchanged alpha 1.0.0", again.Out, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    [Fact]
    public async Task Publish_rejects_a_version_that_exists_with_other_bytes()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();
        var changed = await _registry.PublishAsync(_registry.Package("alpha", "1.0.0", extraFile: "other contents"));
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains(
            "alpha 1.0.0 is already published with different contents",
            changed.Error,
            StringComparison.Ordinal);
        Assert.Contains("[rule: version-immutable]", changed.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Theory]
    [InlineData("{\"ghost\":\"1.0.0\"}", "dependency-unknown")]
    [InlineData("{\"alpha\":\"[2.0.0, )\"}", "dependency-unsatisfiable")]
    public async Task Publish_rejects_dependencies_the_registry_cannot_satisfy_and_writes_nothing(
        string dependencies,
        string rule)
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();
        var result = await _registry.PublishAsync(_registry.Package("beta", "1.0.0", dependencies));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"[rule: {rule}]", result.Error, StringComparison.Ordinal);
        Assert.Contains("beta-1.0.0.tgz", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Publish_refuses_a_tgz_named_for_another_version_and_writes_nothing()
    {
        await _registry.InitAsync();
        var renamed = Path.Combine(_registry.Root, "alpha-2.0.0.tgz");
        File.Move(_registry.Package("alpha", "1.0.0"), renamed);
        var before = StoreDigest.Of(_registry.Store);

        var result = await _registry.PublishAsync(renamed);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("registry: error: alpha-2.0.0.tgz: does not carry the name and version of its registry.json "
            + "('alpha' '1.0.0'); name the file alpha-1.0.0.tgz (or with no version, e.g. alpha.tgz) [rule: "
            + "tgz-file-name]\n", result.Error);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task A_batch_may_satisfy_its_own_dependencies()
    {
        await _registry.InitAsync();
        var result = await _registry.PublishAsync(
            _registry.Package("beta", "1.0.0", "{\"alpha\":\"[1.0.0, 2.0.0)\"}"),
            _registry.Package("alpha", "1.2.0"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    [Theory]
    [InlineData("foo-bar", "foo_bar")]
    [InlineData("foo.bar", "foo-bar")]
    [InlineData("foo--bar", "foo_bar")]
    public async Task Publish_refuses_a_name_that_collides_after_normalisation(string first, string second)
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package(first, "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();
        var result = await _registry.PublishAsync(_registry.Package(second, "1.0.0"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            $"the name '{second}' collides with the existing package '{first}'",
            result.Error,
            StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Yank_marks_a_version_and_undo_reverses_it()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var yank = await RegistryCli.RunAsync(
            ["yank", .. _registry.StoreArgs, "alpha", "1.0.0", "--reason", "broken build"]);
        Assert.Equal(0, yank.ExitCode);
        Assert.Equal("yanked alpha 1.0.0\n", yank.Out);
        var index = File.ReadAllText(Directory.GetFiles(Path.Combine(_registry.Store, "targets", "index"))
            .OrderBy(File.GetLastWriteTimeUtc)
            .Last());
        Assert.Contains("\"yanked\":true,\"yanked_reason\":\"broken build\"", index, StringComparison.Ordinal);

        var dependent = await _registry.PublishAsync(_registry.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}"));
        Assert.Equal(1, dependent.ExitCode);

        var undo = await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "1.0.0", "--undo"]);
        Assert.Equal("un-yanked alpha 1.0.0\n", undo.Out);
        Assert.Equal(
            0,
            (await _registry.PublishAsync(_registry.Package("beta", "1.0.0", "{\"alpha\":\"1.0.0\"}"))).ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    [Fact]
    public async Task Yank_of_an_unknown_version_fails_and_writes_nothing()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();
        var result = await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "9.9.9"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("alpha has no version 9.9.9", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Refresh_needs_only_the_timestamp_key()
    {
        await _registry.InitAsync();
        var timestampOnly = Path.Combine(_registry.Root, "timestamp-keys");
        Directory.CreateDirectory(timestampOnly);
        File.Copy(Path.Combine(_registry.Keys, "timestamp.pem"), Path.Combine(timestampOnly, "timestamp.pem"));
        var refresh = await RegistryCli.RunAsync("refresh", "--store", _registry.Store, "--keys", timestampOnly);
        Assert.Equal(0, refresh.ExitCode);
        Assert.Contains("re-signed timestamp; timestamp 2", refresh.Out, StringComparison.Ordinal);

        var publish = await RegistryCli.RunAsync(
            "publish",
            "--store",
            _registry.Store,
            "--keys",
            timestampOnly,
            _registry.Package("alpha", "1.0.0"));
        Assert.Equal(2, publish.ExitCode);
        Assert.Contains("holds 0 of the", publish.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        Assert.Equal(2, (await RegistryCli.RunAsync("publish")).ExitCode);
        Assert.Equal(2, (await RegistryCli.RunAsync("frobnicate")).ExitCode);
        var noStore = await RegistryCli.RunAsync("publish", "x.tgz");
        Assert.Equal(2, noStore.ExitCode);
        Assert.Contains("no store given", noStore.Error, StringComparison.Ordinal);
        await _registry.InitAsync();
        var missingFile = await _registry.PublishAsync(Path.Combine(_registry.Root, "missing.tgz"));
        Assert.Equal(2, missingFile.ExitCode);
    }

    [Theory]
    [InlineData("0", 2)]
    [InlineData("10000", 256)]
    [InlineData("100000", 512)]
    [InlineData("1000000", 2048)]
    public async Task Init_picks_the_bin_count_that_keeps_a_publish_smallest_for_the_expected_packages(
        string packages,
        int bins)
    {
        var result = await RegistryCli.RunProcessAsync(
            ["init", "--store", _registry.Store, "--keys", _registry.Keys, "--expected-packages", packages],
            new Dictionary<string, string> { ["REGISTRY_KEY_PASSPHRASE"] = "" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"with {bins} bins", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{bins} bins suit {packages} packages", result.Error, StringComparison.Ordinal);
        var targets = await File.ReadAllTextAsync(
            Path.Combine(_registry.Store, "metadata", "1.targets.json"),
            TestContext.Current.CancellationToken);
        Assert.Contains(
            $"\"bit_length\":{int.Log2(bins)}",
            targets.Replace(" ", "", StringComparison.Ordinal),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_refuses_both_bins_and_expected_packages_and_writes_nothing()
    {
        Directory.CreateDirectory(_registry.Store);
        var before = _registry.StoreSnapshot();
        var result = await RegistryCli.RunProcessAsync(
            [
                "init", "--store", _registry.Store, "--keys", _registry.Keys,
                "--bins", "256", "--expected-packages", "1000",
            ],
            new Dictionary<string, string> { ["REGISTRY_KEY_PASSPHRASE"] = "" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(
            "--bins and --expected-packages both choose the bin count; give one of them",
            result.Error,
            StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
        Assert.False(Directory.Exists(_registry.Keys) && Directory.EnumerateFiles(_registry.Keys).Any());
    }

    [Fact]
    public async Task Store_and_keys_come_from_the_environment_too()
    {
        var result = await RegistryCli.RunProcessAsync(
            ["init", "--bins", "4"],
            new Dictionary<string, string>
            {
                ["REGISTRY_STORE"] = _registry.Store,
                ["REGISTRY_KEYS"] = _registry.Keys,
            });
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(_registry.Store, "metadata", "timestamp.json")));
    }
}
