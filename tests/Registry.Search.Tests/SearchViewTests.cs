using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Testing;

namespace Registry.Search.Tests;

/// <summary>The search view: what a query finds and in what order, which files a publish rewrites, and what verify says
/// about the shards.</summary>
public sealed class SearchViewTests
{
    private static CancellationToken Ct => SearchRegistry.Ct;

    [Fact]
    public async Task Search_finds_by_exact_name_first_then_name_prefix_then_description_word()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(
            SearchRegistry.Package("plug_cowboy", "2.0.0", "A Plug adapter for Cowboy"),
            SearchRegistry.Package("plug", "1.14.0", "Compose web applications with functions"),
            SearchRegistry.Package("plugin-host", "0.1.0", "Hosts plugins"),
            SearchRegistry.Package("cowboy", "2.10.0", "Small, fast, modern HTTP server"),
            SearchRegistry.Package("phoenix", "1.7.0", "Productive web framework that uses plug"));

        Assert.Equal(["plug", "plug_cowboy", "plugin-host", "phoenix"], await registry.NamesAsync("plug"));
        Assert.Equal(["plug", "plug_cowboy", "plugin-host", "phoenix"], await registry.NamesAsync("plu"));
        Assert.Equal(["plug_cowboy"], await registry.NamesAsync("plug_c"));
        Assert.Equal(["cowboy", "plug_cowboy"], await registry.NamesAsync("cowboy"));
        Assert.Equal(["cowboy"], await registry.NamesAsync("HTTP server"));
        Assert.Equal(["plug", "phoenix"], await registry.NamesAsync("web"));
        Assert.Empty(await registry.NamesAsync("nothing-like-it"));

        var answer = await registry.SearchAsync("plug web");
        Assert.Equal(["plug", "phoenix"], answer.Results.Select(r => r.Name));
        Assert.Equal("1.14.0", answer.Results[0].Version);
        Assert.Equal("Compose web applications with functions", answer.Results[0].Description);
        Assert.Equal(2, answer.Files);
    }

    [Fact]
    public async Task A_publish_rewrites_only_the_shards_its_words_fall_in_and_its_record()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(
            SearchRegistry.Package("alpha", "1.0.0", "zebra yak"),
            SearchRegistry.Package("beta", "1.0.0", "xylophone quartz"));
        registry.Store.Written.Clear();

        var stats = await registry.PublishAsync(SearchRegistry.Package("gamma", "1.0.0", "zebra quilt"));

        var search = registry.Store.Written.Where(k => k.StartsWith("search/", StringComparison.Ordinal)).Order()
            .ToList();
        Assert.Equal(
            [
                "search/v1/packages/gamma.json", "search/v1/shards/gam.json", "search/v1/shards/qui.json",
                "search/v1/shards/zeb.json",
            ],
            search);
        Assert.Equal(search.Count, stats.FilesWritten);
        Assert.Equal(1, stats.Attempts);

        // Nothing changed: a second sync writes nothing.
        registry.Store.Written.Clear();
        var again = await registry.View.SyncAsync(registry.Context(), ["gamma"], Ct);
        Assert.Equal(0, again.FilesWritten);
        Assert.Empty(registry.Store.Written);
    }

    [Fact]
    public async Task A_changed_description_leaves_no_stale_word()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(SearchRegistry.Package("parser", "1.0.0", "Parses obsolete markup"));
        Assert.Equal(["parser"], await registry.NamesAsync("obsolete"));

        registry.Store.Written.Clear();
        await registry.PublishAsync(SearchRegistry.Package("parser", "1.1.0", "Parses modern markup"));

        Assert.Empty(await registry.NamesAsync("obsolete"));
        Assert.Equal(["parser"], await registry.NamesAsync("modern"));
        Assert.Contains("search/v1/shards/obs.json", registry.Store.Written);
        var shard = SearchShard.Parse(
            (await registry.Store.GetOrNullAsync("search/v1/shards/obs.json", Ct))!.Content,
            "obs");
        Assert.Empty(shard.Packages);
        Assert.Empty(shard.Words);
        Assert.Equal("1.1.0", (await registry.SearchAsync("parser")).Results.Single().Version);
        await AssertAuditCleanAsync(registry);
    }

    [Fact]
    public async Task A_yanked_newest_version_shows_the_previous_one_and_one_with_every_version_yanked_is_not_found()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(SearchRegistry.Package("lib", "1.0.0", "first words"));
        await registry.PublishAsync(SearchRegistry.Package("lib", "2.0.0", "second words"));
        await registry.PublishAsync(SearchRegistry.Package("lib", "3.0.0-beta.1", "preview words"));
        Assert.Equal("2.0.0", (await registry.SearchAsync("lib")).Results.Single().Version);

        await registry.YankAsync("lib", "2.0.0");
        var result = (await registry.SearchAsync("lib")).Results.Single();
        Assert.Equal(("1.0.0", "first words"), (result.Version, result.Description));
        Assert.Empty(await registry.NamesAsync("second"));

        await registry.YankAsync("lib", "1.0.0");
        Assert.Equal("3.0.0-beta.1", (await registry.SearchAsync("lib")).Results.Single().Version);
        await registry.YankAsync("lib", "3.0.0-beta.1");
        Assert.Empty(await registry.NamesAsync("lib"));
        Assert.Empty(await registry.NamesAsync("first"));
        await AssertAuditCleanAsync(registry);
    }

    [Fact]
    public async Task Hostile_text_is_escaped_in_shards_and_read_back_unchanged()
    {
        using var registry = await SearchRegistry.CreateAsync();
        const string hostile
            = "<script>alert(1)</script><img src=x onerror=alert(2)> \"quoted\" 'single' &amp; \u2028 break";
        await registry.PublishAsync(SearchRegistry.Package("evil", "1.0.0", hostile));

        foreach (var file in Directory.EnumerateFiles(
            Path.Combine(registry.SiteFolder, "search"),
            "*.json",
            SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("<", text, StringComparison.Ordinal);
            Assert.DoesNotContain(">", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\u2028", text, StringComparison.Ordinal);
        }

        var result = (await registry.SearchAsync("evil")).Results.Single();
        Assert.Equal(SearchText.Shorten(hostile), result.Description);
        Assert.Equal(["evil"], await registry.NamesAsync("onerror"));
    }

    /// <summary>Packages whose descriptions are not ASCII, and queries that must find them (the browser test runs the
    /// same).</summary>
    internal static readonly (string Name, string Description)[] UnicodePackages =
    [
        ("privet", "Привет МИР, библиотека"),
        ("strasse", "Straße und Größe"),
        ("cafe", "Café crème"),
        ("tokyo-db", "東京 データベース"),
        ("hindi", "हिन्दी भाषा"),
        ("greek", "ΟΔΟΣ λόγος"),
        ("fullwidth", "ＦＵＬＬ width"),
        ("turkish", "İstanbul"),
    ];

    internal static readonly (string Query, string[] Names)[] UnicodeQueries =
    [
        ("привет", ["privet"]),
        ("ПРИВ", ["privet"]),
        ("мир", ["privet"]),
        ("библ", ["privet"]),
        ("straße", ["strasse"]),
        ("GRÖSSE", []),
        ("größe", ["strasse"]),
        ("café", ["cafe"]),
        ("CAFE\u0301", []),
        ("東京", ["tokyo-db"]),
        ("データ", ["tokyo-db"]),
        ("हिन्दी", ["hindi"]),
        ("οδος", ["greek"]),
        ("ΛΌΓΟΣ", ["greek"]),
        ("full", ["fullwidth"]),
        ("ＦＵＬＬ", ["fullwidth"]),
        ("istanbul", ["turkish"]),
        ("İSTANBUL", ["turkish"]),
    ];

    [Fact]
    public async Task Non_ascii_words_are_indexed_and_case_folded()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(
            UnicodePackages.Select(p => SearchRegistry.Package(p.Name, "1.0.0", p.Description)).ToArray());

        foreach (var (query, names) in UnicodeQueries)
        {
            Assert.True(names.SequenceEqual(
                await registry.NamesAsync(query)), $"{query}: expected [{string.Join(", ", names)}], got "
                    + $"[{string.Join(", ", await registry.NamesAsync(query))}]");
        }

        Assert.True(File.Exists(Path.Combine(registry.SiteFolder, "search/v1/shards/при.json")));
        Assert.Equal(["при", "мир", "биб"], new[] { "Привет", "МИР", "библиотека" }.Select(SearchText.KeyOf));
        Assert.Equal(["café", "crème"], SearchText.Tokens("CAFÉ — crème!"));
        // no NFKC (InvariantGlobalization): the mark stays, in the word
        Assert.Equal(["cafe\u0301"], SearchText.Tokens("CAFE\u0301"));
        Assert.Equal(["full", "ｶﾀｶﾅ"], SearchText.Tokens("ＦＵＬＬ ｶﾀｶﾅ"));
        Assert.Equal(["οδοσ"], SearchText.Tokens("ΟΔΟΣ"));
        Assert.Empty(SearchText.Tokens("😀 ☃ → ★")); // symbols are not words
        Assert.Equal("𝒜bc", SearchText.KeyOf("𝒜bcd")); // keys count code points, not UTF-16 units
        Assert.Equal(["42"], SearchText.Tokens("① ４２"));
    }

    [Fact]
    public void A_word_keeps_every_name_match_and_at_most_twenty_description_matches()
    {
        var shard = new SearchShard("tok");
        var entries = Enumerable.Range(0, 30).Select(i => Entry($"tokio-{i:D2}", "an async runtime"))
            .Concat(Enumerable.Range(0, 60).Select(i => Entry($"lib{i:D2}", "works with tokio")));
        foreach (var entry in entries)
        {
            shard.Add(entry, sort: false);
        }

        shard.Sort();
        var stored = SearchShard.Parse(shard.ToBoundedJson(), "tok");

        var tokio = stored.Words["tokio"];
        Assert.Equal(30 + SearchShard.MaxDescribedPerWord, tokio.Count);
        Assert.All(tokio.Take(30), n => Assert.StartsWith("tokio-", n, StringComparison.Ordinal));
        Assert.Equal(30 + SearchShard.MaxDescribedPerWord, stored.Packages.Count);
        Assert.Equal(30, stored.Words.Count(w => w.Key.StartsWith("tokio-", StringComparison.Ordinal)));
    }

    private static SearchEntry Entry(string name, string description) =>
        SearchText.EntryOf(new Core.Index.PackageIndex
        {
            Name = name,
            Versions = [new Core.Index.IndexEntry {
                Version = "1.0.0",
                Dependencies = new Dictionary<string, string>(),
                Artifact = $"packages/{name}/1.0.0/{name}-1.0.0.tgz",
                Length = 1,
                Sha256 = new string('0', 64),
                Published = DateTimeOffset.UnixEpoch,
                Description = description }],
        })!;

    [Fact]
    public async Task A_shard_stays_within_its_byte_bound_when_many_packages_share_a_word()
    {
        using var registry = await SearchRegistry.CreateAsync();
        var packages = Enumerable.Range(0, 400).Select(i => SearchRegistry.Package(
            $"common-{i:D3}",
            "1.0.0",
            $"common words for package {i} " + new string('x', 100))).ToArray();
        await registry.PublishAsync(packages);

        var bytes = (await registry.Store.GetOrNullAsync("search/v1/shards/com.json", Ct))!.Content;
        Assert.InRange(bytes.Length, 1, SearchShard.MaxBytes);
        var shard = SearchShard.Parse(bytes, "com");
        Assert.InRange(shard.Words["common"].Count, 1, SearchShard.MaxPerWord);
        Assert.Equal(
            ["common-000", "common-001"],
            (await registry.SearchAsync("common", 2)).Results.Select(r => r.Name));
    }

    [Fact]
    public async Task Verify_reports_a_tampered_shard_as_an_error_and_a_stale_one_as_a_warning()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(SearchRegistry.Package("tool", "1.0.0", "Formats source"));
        await AssertAuditCleanAsync(registry);

        // Stale: the shards of 1.0.0 put back after 1.1.0 changed the description (a killed publish leaves this).
        var old = (await registry.Store.GetOrNullAsync("search/v1/shards/for.json", Ct))!.Content;
        await registry.PublishAsync(SearchRegistry.Package("tool", "1.1.0", "Lints source"));
        await Overwrite(registry, "search/v1/shards/for.json", old);
        var (errors, warnings) = await AuditAsync(registry);
        Assert.Empty(errors);
        Assert.Contains(warnings, w => w.Contains("search/v1/shards/for.json", StringComparison.Ordinal)
            && w.Contains("older version", StringComparison.Ordinal));

        // Tampered: a package and words the signed index never had.
        var forged = Encoding.UTF8.GetBytes(
            """{"v":1,"key":"too","packages":"""
            + """[["tool","9.9.9","Download me"],["toolz","1.0.0","x"]],"words":"""
            + """[["tool",[0,1]],["toolkit",[0]]]}""");
        await Overwrite(registry, "search/v1/shards/too.json", forged);
        (errors, warnings) = await AuditAsync(registry);
        Assert.Contains(
            errors,
            e => e.Contains("toolz", StringComparison.Ordinal)
                && e.Contains("does not have", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("9.9.9", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'toolkit'", StringComparison.Ordinal));

        await Overwrite(registry, "search/v1/shards/lin.json", Encoding.UTF8.GetBytes("{not json"));
        (errors, _) = await AuditAsync(registry);
        Assert.Contains(errors, e => e.Contains("search/v1/shards/lin.json", StringComparison.Ordinal)
            && e.Contains("not a search shard", StringComparison.Ordinal));

        // A full sync repairs all of it.
        await registry.View.SyncAsync(registry.Context(), null, Ct);
        await AssertAuditCleanAsync(registry);
        Assert.Equal(["tool"], await registry.NamesAsync("lints"));
        Assert.Empty(await registry.NamesAsync("formats"));
    }

    [Fact]
    public async Task A_failed_sync_writes_nothing()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(SearchRegistry.Package("one", "1.0.0", "first"));
        await new Registry.Core.Publishing.RegistryWriter(registry.Store, registry.Keys, registry.Clock)
            .PublishAsync(
                [SearchRegistry.Package("two", "1.0.0", "second")],
                new Registry.Core.Publishing.PublishOptions(),
                Ct);
        var before = StoreDigest.Of(registry.SiteFolder);

        var context = registry.Context(
            _ => throw new VerificationException("metadata/3.snapshot.json: signature does not verify"));
        await Assert.ThrowsAsync<VerificationException>(() => registry.View.SyncAsync(context, ["two"], Ct));
        await Assert.ThrowsAsync<VerificationException>(() => registry.View.SyncAsync(context, null, Ct));

        Assert.Equal(before, StoreDigest.Of(registry.SiteFolder));
    }

    [Fact]
    public async Task A_full_sync_builds_the_index_of_an_existing_registry_and_then_writes_nothing()
    {
        using var registry = await SearchRegistry.CreateAsync();
        await new Registry.Core.Publishing.RegistryWriter(registry.Store, registry.Keys, registry.Clock).PublishAsync(
            [SearchRegistry.Package("ecto", "3.0.0", "Database wrapper"), SearchRegistry.Package(
                "jason",
                "1.4.0",
                "JSON parser")], new Registry.Core.Publishing.PublishOptions(), Ct);
        Assert.Empty(await registry.NamesAsync("ecto"));

        var stats = await registry.View.SyncAsync(registry.Context(), null, Ct);
        Assert.Equal(2, stats.Packages);
        Assert.Equal(["ecto"], await registry.NamesAsync("database"));
        Assert.Equal(["jason"], await registry.NamesAsync("json"));
        Assert.Equal(0, (await registry.View.SyncAsync(registry.Context(), null, Ct)).FilesWritten);
        await AssertAuditCleanAsync(registry);
    }

    [Fact]
    public async Task Concurrent_syncs_of_packages_sharing_a_shard_both_land()
    {
        using var registry = await SearchRegistry.CreateAsync();
        var writer = new Registry.Core.Publishing.RegistryWriter(registry.Store, registry.Keys, registry.Clock);
        var names = Enumerable.Range(0, 6).Select(i => $"shared-{i}").ToList();
        await writer.PublishAsync(
            names.Select(n => SearchRegistry.Package(n, "1.0.0", "shared words")).ToList(),
            new Registry.Core.Publishing.PublishOptions(),
            Ct);

        await Task.WhenAll(names.Select(n => Task.Run(() => registry.View.SyncAsync(registry.Context(), [n], Ct), Ct)));

        Assert.Equal(names, await registry.NamesAsync("shared"));
    }

    [Fact]
    public async Task NuGet_search_answers_list_nuget_packages_per_key_and_the_most_recent_at_the_bare_url()
    {
        using var registry = await SearchRegistry.CreateAsync(SearchRegistry.Url);
        await registry.PublishAsync(NuGetPackages.Nupkg("My.Lib", "1.2.0"));
        await registry.PublishAsync(SearchRegistry.Package("my-tool", "1.0.0", "not a nuget package"));

        using var query = JsonDocument.Parse(
            (await registry.Store.GetOrNullAsync(NuGetSearch.QueryKey("myl"), Ct))!.Content);
        var item = query.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.Equal("My.Lib", item.GetProperty("id").GetString());
        Assert.Equal("1.2.0", item.GetProperty("version").GetString());
        Assert.Equal(
            SearchRegistry.Url + "nuget/v3/registration/my.lib/index.json",
            item.GetProperty("registration").GetString());
        Assert.Equal("1.2.0", item.GetProperty("versions")[0].GetProperty("version").GetString());

        using var recent = JsonDocument.Parse(
            (await registry.Store.GetOrNullAsync(NuGetSearch.QueryDefaultKey, Ct))!.Content);
        Assert.Equal(1, recent.RootElement.GetProperty("totalHits").GetInt32());
        using var autocomplete = JsonDocument.Parse(
            (await registry.Store.GetOrNullAsync(NuGetSearch.AutocompleteKey("myl"), Ct))!.Content);
        Assert.Equal(
            ["My.Lib"],
            autocomplete.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Null(await registry.Store.GetOrNullAsync(NuGetSearch.QueryKey("myt"), Ct));
        Assert.Equal("public, max-age=60", new CachePolicy(60).CacheControlOf(NuGetSearch.QueryKey("myl")));
        Assert.Equal("public, max-age=60", new CachePolicy(60).CacheControlOf(SearchLayout.ShardKey("myl")));

        var resources = NuGetSearch.ServiceIndexResources(SearchRegistry.Url);
        Assert.Contains(
            resources,
            r => r.Type == "SearchQueryService/3.5.0" && r.Id == SearchRegistry.Url + "nuget/v3/search/query.json");
        Assert.Contains(resources, r => r.Type == "SearchAutocompleteService"
            && r.Id == SearchRegistry.Url + "nuget/v3/search/autocomplete.json");
        Assert.Equal("myl", NuGetSearch.KeyOfQuery("  My.Lib  other"));
    }

    [Fact]
    public void The_page_script_is_embedded_and_uses_no_html_sinks()
    {
        var script = Encoding.UTF8.GetString(SearchAssets.Script);
        Assert.Contains("search-results", script, StringComparison.Ordinal);
        Assert.Contains("textContent", script, StringComparison.Ordinal);
        foreach (var sink in new[] {
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function" })
        {
            Assert.DoesNotContain(sink, script, StringComparison.Ordinal);
        }
    }

    private static async Task Overwrite(SearchRegistry registry, string key, byte[] content)
    {
        var current = await registry.Store.GetOrNullAsync(key, Ct);
        Assert.Equal(
            SwapResult.Swapped,
            await registry.Store.SwapAsync(key, content, current?.VersionTag, new CachePolicy().For(key), Ct));
    }

    private static async Task AssertAuditCleanAsync(SearchRegistry registry)
    {
        var (errors, warnings) = await AuditAsync(registry);
        Assert.Empty(errors);
        Assert.Empty(warnings);
    }

    private static async Task<(List<string> Errors, List<string> Warnings)> AuditAsync(SearchRegistry registry)
    {
        var errors = new ConcurrentBag<string>();
        var warnings = new ConcurrentBag<string>();
        var findings = new ViewFindings(errors, warnings);
        var audit = await registry.View
            .OpenAuditAsync(registry.Store, await RegistrySettings.LoadAsync(registry.Store, Ct), findings, Ct);
        var state = await RegistryState.LoadAsync(registry.Store, Ct);
        foreach (var bin in state.Bins.AllNames())
        {
            foreach (var path in (await state.GetBinAsync(bin, Ct)).Signed.Targets.Keys)
            {
                await audit.CheckAsync(
                    IndexJson.ParseIndex((await state.ReadTargetOrNullAsync(path, Ct))!, path),
                    findings,
                    Ct);
            }
        }

        await audit.FinishAsync(findings, Ct);
        return ([.. errors], [.. warnings]);
    }
}
