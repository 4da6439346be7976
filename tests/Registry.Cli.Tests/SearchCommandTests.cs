using System.Text.Json;
using Registry.Core.Settings;
using Registry.Testing.Cli;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Search;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary><c>registry search</c> reads the search shards from a folder or over HTTP; <c>settings --search</c> turns
/// the view on.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _registry.Dispose();

    /// <summary>Publishes through the CLI, then syncs the search view as the writer does after its commit.</summary>
    private async Task PublishAndIndexAsync(params (string Name, string Version)[] packages)
    {
        var result = await _registry.PublishAsync(packages.Select(p => _registry.Package(p.Name, p.Version)).ToArray());
        Assert.True(result.ExitCode == 0, result.ToString());
        using var store = new FolderStore(_registry.Store);
        await new SearchView().SyncAsync(new ViewContext
        {
            Store = store,
            BaseUrl = null,
            CachePolicy = new CachePolicy(),
            LoadState = ct => RegistryState.LoadAsync(store, ct),
            Time = TimeProvider.System,
        }, packages.Select(p => p.Name).ToList(), Ct);
    }

    [Fact]
    public async Task Settings_search_on_turns_the_view_on_and_off()
    {
        await _registry.InitAsync();
        var on = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--search", "on");
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains("\"search\": true", on.Out, StringComparison.Ordinal);
        using (var store = new FolderStore(_registry.Store))
        {
            Assert.True(new SearchView().IsEnabled(await RegistrySettings.LoadAsync(store, Ct)));
        }

        var off = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--search", "off");
        Assert.Equal(0, off.ExitCode);
        Assert.DoesNotContain("\"search\"", off.Out, StringComparison.Ordinal);

        var bad = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--search", "maybe");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task Verify_over_http_audits_the_search_and_site_views_it_finds()
    {
        await _registry.InitAsync();
        var plain = await _registry.PublishAsync(_registry.Package("beta", "1.0.0"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        await using (var bare = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct))
        {
            // No view written: over HTTP (no settings served) nothing is reported about search or the site.
            var clean = await RegistryCli.RunAsync("verify", "--store", bare.BaseUri.ToString());
            Assert.True(clean.ExitCode == 0, clean.ToString());
            Assert.DoesNotContain("search/", clean.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("site/", clean.ToString(), StringComparison.Ordinal);
        }

        var on = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--search", "on", "--site", "on");
        Assert.True(on.ExitCode == 0, on.ToString());
        var published = await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"));
        Assert.True(published.ExitCode == 0, published.ToString());
        var sync = await RegistryCli.RunAsync("sync", "--store", _registry.Store);
        Assert.True(sync.ExitCode == 0, sync.ToString());
        await using var server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
        var good = await RegistryCli.RunAsync("verify", "--store", server.BaseUri.ToString());
        Assert.True(good.ExitCode == 0, good.ToString());

        var shard = Path.Combine(_registry.Store, "search", "v1", "shards", "alp.json");
        File.WriteAllText(shard, File.ReadAllText(shard).Replace("\"1.0.0\"", "\"9.9.9\"", StringComparison.Ordinal));
        var page = Path.Combine(_registry.Store, "packages", "alpha", "index.html");
        File.WriteAllText(
            page,
            File.ReadAllText(page)
                .Replace("data-version=\"1.0.0\"", "data-version=\"6.6.6\"", StringComparison.Ordinal));

        var bad = await RegistryCli.RunAsync("verify", "--store", server.BaseUri.ToString());
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains(
            "search/v1/shards/alp.json: shows alpha 9.9.9, a version the signed index does not have",
            bad.Out,
            StringComparison.Ordinal);
        Assert.Contains(
            "packages/alpha/index.html: shows alpha 6.6.6, which the signed index does not have",
            bad.Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_prints_the_exact_name_first_from_a_folder_and_over_http()
    {
        await _registry.InitAsync();
        await PublishAndIndexAsync(("alpha-tools", "1.0.0"), ("alpha", "2.0.0"), ("beta", "1.0.0"));

        var local = await RegistryCli.RunAsync("search", "alpha", "--store", _registry.Store);
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Equal(
            ["alpha 2.0.0  alpha for tests", "alpha-tools 1.0.0  alpha-tools for tests"],
            local.Out.TrimEnd().Split('\n'));

        await using var server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
        var remote = await RegistryCli.RunAsync(
            "search",
            "alp",
            "--store",
            server.BaseUri.ToString(),
            "--json",
            "--limit",
            "1");
        Assert.True(remote.ExitCode == 0, remote.ToString());
        using var json = JsonDocument.Parse(remote.Out);
        Assert.Equal("alpha", json.RootElement.GetProperty("results")[0].GetProperty("name").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(1, json.RootElement.GetProperty("files").GetInt32());

        var none = await RegistryCli.RunAsync("search", "gamma", "--store", _registry.Store);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("", none.Out);
        Assert.Contains("no package matches 'gamma'", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_refuses_bad_usage_with_exit_2_and_a_malformed_shard_with_exit_1()
    {
        await _registry.InitAsync();
        await PublishAndIndexAsync(("alpha", "1.0.0"));

        var limit = await RegistryCli.RunAsync("search", "alpha", "--store", _registry.Store, "--limit", "0");
        Assert.Equal(2, limit.ExitCode);
        Assert.Contains("--limit 0", limit.Error, StringComparison.Ordinal);
        var empty = await RegistryCli.RunAsync("search", "--store", _registry.Store, "...");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("at least one letter or digit", empty.Error, StringComparison.Ordinal);

        File.WriteAllText(
            Path.Combine(_registry.Store, "search", "v1", "shards", "alp.json"),
            "{\"v\":1,\"key\":\"zzz\"}");
        var malformed = await RegistryCli.RunAsync("search", "alpha", "--store", _registry.Store);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("search/v1/shards/alp.json", malformed.Error, StringComparison.Ordinal);
    }
}
