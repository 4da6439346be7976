using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Testing.Cli;
using Registry.Core.NuGet;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Search;
using Registry.Store.S3;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>
/// NuGet search as deployed: the search view's static answers in the real S3 server, the query
/// string routed to them by the project's Varnish configuration, read by the real NuGet client
/// (<c>dotnet package search</c>); and the same rule in the CloudFront Function and the Cloudflare Worker.
/// </summary>
[Collection(EdgeNuGetCollection.Name)]
public sealed class NuGetSearchThroughEdgeTests(ServersFixture servers, PackedNuGetPackages packages)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dotnet_package_search_finds_a_package_by_prefix_through_varnish()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync("--nuget-url", registry.EdgeBase.ToString());
        var publish = await registry.PublishAsync([.. packages.All]);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        using (var store = await StoreLocation.OpenAsync(
            registry.Location,
            servers.S3Endpoint.ToString(),
            publicRead: true,
            Ct))
        {
            await new SearchView().SyncAsync(new ViewContext
            {
                Store = store,
                BaseUrl = registry.EdgeBase.ToString(),
                CachePolicy = new CachePolicy(60),
                LoadState = ct => RegistryState.LoadAsync(store, ct),
                Time = TimeProvider.System,
            }, null, Ct);
            await ListSearchInServiceIndexAsync(store, registry.EdgeBase.ToString());
        }

        using var dotnet = new DotnetNuGet();
        var folder = Directory.CreateDirectory(Path.Combine(dotnet.Root, "search")).FullName;
        DotnetNuGet.WriteNuGetConfig(folder, new Uri(registry.EdgeBase, "nuget/v3/index.json").ToString());

        var found = await dotnet.RunAsync(
            folder,
            DotnetNuGet.DefaultTimeout,
            "package",
            "search",
            "my.l",
            "--format",
            "json");
        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Contains("My.Lib", Ids(found.Out));
        Assert.DoesNotContain("My.Dep", Ids(found.Out));

        var none = await dotnet.RunAsync(
            folder,
            DotnetNuGet.DefaultTimeout,
            "package",
            "search",
            "zzzz",
            "--format",
            "json");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Empty(Ids(none.Out));

        // Without the edge's rewrite (the origin ignores the query string) the bare URL's default answer: the recent
        // packages.
        using var http = new HttpClient();
        var bare = await http.GetStringAsync(new Uri(registry.OriginBase, "nuget/v3/search/query.json?q=zzzz"), Ct);
        using var recent = JsonDocument.Parse(bare);
        Assert.Contains(
            "My.Lib",
            recent.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        var autocomplete = await http.GetStringAsync(
            new Uri(registry.EdgeBase, "nuget/v3/search/autocomplete.json?q=My.D&take=5"),
            Ct);
        Assert.Contains("\"My.Dep\"", autocomplete, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/r/nuget/v3/search/query.json", "q=My.Lib%20other&take=20", "/r/nuget/v3/search/query/myl.json")]
    [InlineData("/r/nuget/v3/search/query.json", "q=+%20++Plug_cowboy&skip=0", "/r/nuget/v3/search/query/plu.json")]
    [InlineData("/r/nuget/v3/search/autocomplete.json", "q=a&take=5", "/r/nuget/v3/search/autocomplete/a.json")]
    [InlineData("/r/nuget/v3/search/query.json", "q=---&take=5", "/r/nuget/v3/search/query.json")]
    [InlineData("/r/nuget/v3/search/query.json", "q=%C3%BCber.Lib&take=5", "/r/nuget/v3/search/query/ber.json")]
    [InlineData("/r/nuget/v3/search/query.json", "", "/r/nuget/v3/search/query.json")]
    [InlineData("/r/nuget/v3/index.json", "", "/r/nuget/v3/index.json")]
    public async Task CloudFront_function_and_Cloudflare_worker_route_a_query_to_the_key_the_writer_uses(
        string path,
        string query,
        string expected)
    {
        var q = Uri.UnescapeDataString(System.Web.HttpUtility.ParseQueryString(query)["q"] ?? "");
        if (path.EndsWith("/query.json", StringComparison.Ordinal) && NuGetSearch.KeyOfQuery(q) is { } key)
        {
            Assert.Equal($"/r/nuget/v3/search/query/{key}.json", expected);
        }

        var edge = Path.Combine(InfraScript.RepositoryRoot, "infra", "edge");
        var cloudflare = JsonSerializer.Serialize(Path.Combine(edge, "cloudflare-nuget-search.js"));
        var cloudfront = JsonSerializer.Serialize(Path.Combine(edge, "cloudfront-nuget-search.js"));
        var script = $$"""
            import fs from "node:fs";
            import { pathToFileURL } from "node:url";
            const { rewrite } = await import(pathToFileURL({{cloudflare}}).href);
            const handler = new Function(fs.readFileSync({{cloudfront}}, "utf8") + "; return handler;")();
            const params = new URLSearchParams({{JsonSerializer.Serialize(query)}});
            const querystring = {};
            for (const [k, v] of params) { querystring[k] = { value: encodeURIComponent(v) }; }
            console.log(handler({ request: { uri: {{JsonSerializer.Serialize(path)}}, querystring } }).uri);
            console.log(rewrite("https://cdn.example" + {{JsonSerializer.Serialize(path)}} + ({{JsonSerializer.Serialize(query)}} ? "?" + {{JsonSerializer.Serialize(query)}} : "")).pathname);
            """;
        var file = Path.Combine(Path.GetTempPath(), $"edge-search-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(file, script, Ct);
        try
        {
            var info = new ProcessStartInfo("node", [file]) {
                RedirectStandardOutput = true,
                RedirectStandardError = true };
            using var node = Process.Start(info)!;
            var output = await node.StandardOutput.ReadToEndAsync(Ct);
            var error = await node.StandardError.ReadToEndAsync(Ct);
            await node.WaitForExitAsync(Ct);
            Assert.True(node.ExitCode == 0, error);
            Assert.Equal([expected, expected], output.TrimEnd().Split('\n'));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The service index with the search resources added, as the NuGet view writes it once the search view is
    /// on (skipped when it already lists them).</summary>
    private static async Task ListSearchInServiceIndexAsync(IObjectStore store, string baseUrl)
    {
        var stored = (await store.GetOrNullAsync(NuGetFeed.ServiceIndexKey, Ct))!;
        var index = JsonNode.Parse(stored.Content)!.AsObject();
        var resources = index["resources"]!.AsArray();
        if (resources.Any(
            r => r!["@type"]!.GetValue<string>().StartsWith("SearchQueryService", StringComparison.Ordinal)))
        {
            return;
        }

        foreach (var resource in NuGetSearch.ServiceIndexResources(baseUrl))
        {
            resources.Add(
                new JsonObject { ["@id"] = resource.Id, ["@type"] = resource.Type, ["comment"] = resource.Comment });
        }

        var swapped = await store.SwapAsync(
            NuGetFeed.ServiceIndexKey,
            System.Text.Encoding.UTF8.GetBytes(index.ToJsonString()),
            stored.VersionTag,
            new CachePolicy(60).For(NuGetFeed.ServiceIndexKey),
            Ct);
        Assert.Equal(SwapResult.Swapped, swapped);
    }

    /// <summary>The package ids in <c>dotnet package search --format json</c> output.</summary>
    private static List<string> Ids(string output)
    {
        using var document = JsonDocument.Parse(output);
        return document.RootElement.GetProperty("searchResult").EnumerateArray()
            .SelectMany(source => source.TryGetProperty("packages", out var list)
                ? list.EnumerateArray()
                : Enumerable.Empty<JsonElement>())
            .Select(p => p.GetProperty("id").GetString()!)
            .ToList();
    }
}
