using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>
/// <c>registry rebin</c> on a live registry: our client, tuf-js and the mirror, each holding trust
/// in the old bins, follow the re-sharded registry like any publish, and gc leaves it whole.
/// </summary>
public sealed class RebinTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private string Root => Path.Combine(_registry.Store, "metadata", "1.root.json");

    private string Mirror => Path.Combine(_registry.Root, "mirror");

    [Fact]
    public async Task Our_client_tuf_js_and_the_mirror_follow_a_rebin_and_gc_leaves_the_registry_whole()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "1.0.0"))).ExitCode);
        await using var client = await ClientProject.StartAsync(_registry);
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var tufjs = Path.Combine(_registry.Root, "tufjs");

        // Each reader trusts the 16-bin state first.
        Assert.Equal(
            0,
            (await client.RunAsync("fetch", "alpha", "-o", Path.Combine(_registry.Root, "before"))).ExitCode);
        Assert.Equal(
            0,
            (await TufJs.RefreshAndDownloadAsync(server.BaseUri, Root, tufjs, "index/alpha.json")).ExitCode);
        Assert.Equal(
            0,
            (await RegistryCli.RunAsync("mirror", server.BaseUri.ToString(), "--to", Mirror, "--root", Root)).ExitCode);

        var rebin = await RegistryCli.RunAsync(["rebin", .. _registry.StoreArgs, "--bins", "64"]);
        Assert.True(rebin.ExitCode == 0, rebin.ToString());
        Assert.StartsWith(
            "re-sharded 2 index documents from 16 into 64 bins; snapshot 3, timestamp 3",
            rebin.Out,
            StringComparison.Ordinal);
        Assert.Contains("16 retired bins the snapshot keeps listing", rebin.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"))).ExitCode);
        var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "0d");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        foreach (var (role, version) in ListedRoles())
        {
            Assert.True(File.Exists(
                Path.Combine(_registry.Store, "metadata", $"{version}.{role}")), "gc keeps every role the snapshot "
                    + $"lists, the 16 retired bins too (a generic TUF mirror copies them): {version}.{role}");
        }


        var fetch = await client.RunAsync("fetch", "alpha@[1.1.0, )", "-o", Path.Combine(_registry.Root, "after"));
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.True(File.Exists(Path.Combine(_registry.Root, "after", "alpha-1.1.0.tgz")), fetch.ToString());

        var again = await TufJs.DownloadIndexAndArtifactsAsync(server.BaseUri, Root, tufjs, "index/alpha.json");
        Assert.True(again.ExitCode == 0, again.ToString());
        var index = File.ReadAllText(
            JsonDocument.Parse(again.Out.Split('\n')[0]).RootElement.GetProperty("file").GetString()!);
        Assert.Contains("\"version\":\"1.1.0\"", index, StringComparison.Ordinal);

        var mirror = await RegistryCli.RunAsync("mirror", server.BaseUri.ToString(), "--to", Mirror, "--root", Root);
        Assert.True(mirror.ExitCode == 0, mirror.ToString());
        var verify = await RegistryCli.RunAsync("verify", "--store", Mirror);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("2 packages, 3 versions", verify.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    /// <summary>Every role the current snapshot lists, with its version (read as stored).</summary>
    private IEnumerable<(string Role, long Version)> ListedRoles()
    {
        var metadata = Path.Combine(_registry.Store, "metadata");
        using var timestamp = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(metadata, "timestamp.json")));
        var snapshotVersion = timestamp.RootElement.GetProperty("signed").GetProperty("meta")
            .GetProperty("snapshot.json")
            .GetProperty("version")
            .GetInt64();
        using var snapshot = JsonDocument.Parse(
            File.ReadAllBytes(Path.Combine(metadata, $"{snapshotVersion}.snapshot.json")));
        var roles = snapshot.RootElement.GetProperty("signed").GetProperty("meta").EnumerateObject()
            .Select(p => (p.Name, p.Value.GetProperty("version").GetInt64()))
            .ToList();
        Assert.Equal(1 + 16 + 64, roles.Count);
        return roles;
    }

    [Fact]
    public async Task A_rebin_that_changes_nothing_or_is_refused_writes_nothing()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();

        var same = await RegistryCli.RunAsync(["rebin", .. _registry.StoreArgs, "--bins", "16"]);
        var odd = await RegistryCli.RunAsync(["rebin", .. _registry.StoreArgs, "--bins", "48"]);
        var both = await RegistryCli.RunAsync(
            ["rebin", .. _registry.StoreArgs, "--bins", "64", "--expected-packages", "100"]);
        var json = await RegistryCli.RunAsync(["rebin", .. _registry.StoreArgs, "--bins", "16", "--json"]);

        Assert.Equal(0, same.ExitCode);
        Assert.Equal($"{_registry.Store} already has 16 bins; nothing was changed\n", same.Out);
        Assert.Equal(1, odd.ExitCode);
        Assert.Contains(
            "--bins 48: the bin count must be a power of two from 2 to 1048576 (e.g. 256, 4096) [rule: bins]",
            odd.Error,
            StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains(
            "--bins and --expected-packages both choose the bin count; give one of them",
            both.Error,
            StringComparison.Ordinal);
        using var output = JsonDocument.Parse(json.Out);
        Assert.Equal(16, output.RootElement.GetProperty("new_bins").GetInt64());
        Assert.Equal(JsonValueKind.Null, output.RootElement.GetProperty("commit").ValueKind);
        Assert.Equal(before, _registry.StoreSnapshot());
    }
}
