using AngleSharp.Html.Parser;
using Registry.Core.Packages;
using Registry.Core.Storage;
using Registry.Site.Internal;
using Registry.Site.Tests.Support;
using Registry.Testing;

namespace Registry.Site.Tests;

/// <summary>The site written after a publish: which files, what they say, that it follows yanks, writes nothing twice,
/// converges under races, and that its audit tells "behind" from "wrong".</summary>
public sealed class SiteViewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PackageBuilder Alpha(string version) => PackageBuilder.Create("alpha", version)
        .WithField("description", "Alpha does the first thing")
        .WithField("license", "MIT")
        .WithField("homepage", "https://example.com/alpha")
        .WithFile("README.md", $"# Alpha\n\nVersion {version} of **alpha**.\n");

    [Fact]
    public async Task Publish_writes_the_home_search_package_version_pages_badge_feed_and_assets()
    {
        using var registry = await SiteRegistry.CreateAsync("https://cdn.example/registry/");
        var stats = await registry.PublishAsync(registry.Package(Alpha("1.0.0")));

        Assert.Equal(1, stats.Packages);
        foreach (var key in new[] {
            "index.html",
            "search/index.html",
            "feed.xml",
            "packages/alpha/index.html",
            "packages/alpha/1.0.0/index.html",
            "packages/alpha/badge.svg",
            SiteAssets.Css.Key,
            SiteAssets.Search.Key })
        {
            Assert.True(registry.Exists(key), key);
        }

        var home = registry.Read("index.html");
        Assert.Contains(
            "<form id=\"search-form\" role=\"search\" action=\"search/\" method=\"get\">",
            home,
            StringComparison.Ordinal);
        Assert.Contains("<input id=\"search-input\" name=\"q\" type=\"search\"", home, StringComparison.Ordinal);
        Assert.Contains("href=\"packages/alpha/\"", home, StringComparison.Ordinal);
        Assert.Contains("data-packages=\"1\"", home, StringComparison.Ordinal);
        Assert.Contains("data-versions=\"1\"", home, StringComparison.Ordinal);
        Assert.Contains(
            "registry source add NAME https://cdn.example/registry/ --root-sha256 ",
            home,
            StringComparison.Ordinal);
        Assert.Contains(
            "dotnet nuget add source https://cdn.example/registry/nuget/v3/index.json",
            home,
            StringComparison.Ordinal);
        Assert.DoesNotContain("<script", home, StringComparison.Ordinal);

        var search = registry.Read("search/index.html");
        Assert.Contains("<div id=\"search-results\" aria-live=\"polite\"></div>", search, StringComparison.Ordinal);
        Assert.Contains(
            $"<script src=\"../{SiteAssets.Search.Key}\" defer></script>",
            search,
            StringComparison.Ordinal);

        var page = registry.Read("packages/alpha/index.html");
        Assert.Contains("Alpha does the first thing", page, StringComparison.Ordinal);
        Assert.Contains("<strong>alpha</strong>", page, StringComparison.Ordinal); // the README rendered
        Assert.Contains("href=\"https://example.com/alpha\"", page, StringComparison.Ordinal);
        Assert.Matches("href=\"../../targets/packages/alpha/1.0.0/[0-9a-f]{64}.alpha-1.0.0.tgz\"", page);
        Assert.Contains("&quot;alpha&quot;: &quot;1.0.0&quot;", page, StringComparison.Ordinal);
        Assert.Contains(
            "<title>registry: 1.0.0</title>".Replace("registry", "alpha", StringComparison.Ordinal),
            registry.Read("packages/alpha/badge.svg"),
            StringComparison.Ordinal);
        Assert.Contains("<title>alpha 1.0.0</title>", registry.Read("feed.xml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_sync_with_nothing_changed_writes_nothing()
    {
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(
            registry.Package(Alpha("1.0.0")),
            registry.Package(PackageBuilder.Create("beta", "2.0.0").DependsOn("alpha", "1.0.0")));
        var before = registry.Snapshot();

        var again = await registry.SyncAsync(["alpha", "beta"]);
        var full = await registry.SyncAsync();

        Assert.Equal((0, 0L), (again.FilesWritten, again.BytesWritten));
        Assert.Equal((0, 0L, 2), (full.FilesWritten, full.BytesWritten, full.Packages));
        Assert.Equal(before, registry.Snapshot());
    }

    [Fact]
    public async Task Pages_follow_new_versions_and_yanks_with_their_reason()
    {
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(registry.Package(Alpha("1.0.0")));
        await registry.PublishAsync(
            registry.Package(Alpha("1.1.0")),
            registry.Package(PackageBuilder.Create("beta", "2.0.0").DependsOn("alpha", "1.0.0")));
        await registry.YankAsync("alpha", "1.1.0", "broke the <build>");

        var page = new HtmlParser().ParseDocument(registry.Read("packages/alpha/index.html"));
        var rows = page.QuerySelectorAll("tr[data-version]")
            .Select(r => (r.GetAttribute("data-version"), r.GetAttribute("data-yanked")))
            .ToList();
        Assert.Equal([("1.1.0", "true"), ("1.0.0", "false")], rows);
        Assert.Equal("broke the <build>", page.QuerySelector(".reason")!.TextContent);
        // the yanked 1.1.0 is not offered
        Assert.Contains("Latest version <strong>1.0.0</strong>", page.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.Contains("Version 1.0.0 of", page.QuerySelector(".readme")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(
            "broke the &lt;build&gt;",
            registry.Read("packages/alpha/1.1.0/index.html"),
            StringComparison.Ordinal);
        // dependency as a link
        Assert.Contains(
            "href=\"../../../packages/alpha/\"",
            registry.Read("packages/beta/2.0.0/index.html"),
            StringComparison.Ordinal);

        var home = new HtmlParser().ParseDocument(registry.Read("index.html"));
        Assert.Equal("2", home.QuerySelector("[data-packages]")!.GetAttribute("data-packages"));
        Assert.Equal("3", home.QuerySelector("[data-versions]")!.GetAttribute("data-versions"));
        Assert.Equal(
            ["alpha", "beta", "alpha"],
            home.QuerySelectorAll("ul.recent li a").Select(a => a.TextContent).ToList());
    }

    [Fact]
    public async Task Syncs_racing_on_different_packages_converge_to_the_committed_counts()
    {
        using var registry = await SiteRegistry.CreateAsync();
        var names = Enumerable.Range(0, 8).Select(i => $"pkg{i}").ToList();
        foreach (var name in names)
        {
            await new Core.Publishing.RegistryWriter(
                registry.Store,
                Core.Tuf.KeyRing.Load(Path.Combine(registry.Root, "keys")),
                registry.Clock)
                .PublishAsync(
                    [registry.Package(PackageBuilder.Create(name, "1.0.0"))],
                    new Core.Publishing.PublishOptions(),
                    Ct);
        }

        await Task.WhenAll(
            names.Select(name => Task.Run(() => new SiteView().SyncAsync(registry.Context(), [name], Ct), Ct)));

        var state = SiteState.Parse(File.ReadAllBytes(Path.Combine(registry.Folder, "site/state.json")));
        Assert.Equal((8, 8L), (state.Packages, state.Versions));
        Assert.Equal(8, HomePage.ParseRecent(File.ReadAllBytes(Path.Combine(registry.Folder, "index.html"))).Count);
        var (errors, warnings) = await registry.AuditAsync();
        Assert.Empty(errors);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task The_recent_list_is_kept_only_on_the_home_page_and_read_back_from_it()
    {
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(registry.Package(Alpha("1.0.0")));
        await registry.PublishAsync(registry.Package(PackageBuilder.Create("beta", "2.0.0-rc.1")));
        await registry.YankAsync("alpha", "1.0.0", "bad");

        var state = registry.Read("site/state.json");
        Assert.DoesNotContain("recent", state, StringComparison.Ordinal);
        Assert.DoesNotContain("alpha", state, StringComparison.Ordinal);
        var recent = HomePage.ParseRecent(File.ReadAllBytes(Path.Combine(registry.Folder, "index.html")));
        Assert.Equal(
            [("beta", "2.0.0-rc.1", false), ("alpha", "1.0.0", true)],
            recent.Select(r => (r.Name, r.Version, r.Yanked)).ToList());

        // The list survives a sync of another package (read back, merged, written again).
        await registry.PublishAsync(registry.Package(PackageBuilder.Create("gamma", "0.1.0")));
        Assert.Equal(["gamma", "beta", "alpha"], HomePage.ParseRecent(
            File.ReadAllBytes(Path.Combine(registry.Folder, "index.html"))).Select(r => r.Name).ToList());
        Assert.Equal(3, System.Xml.Linq.XDocument.Parse(registry.Read("feed.xml")).Descendants()
            .Count(e => e.Name.LocalName == "entry"));
    }

    [Fact]
    public void Shard_totals_are_stored_as_pairs_and_the_first_format_still_reads()
    {
        var state = new SiteState { Shards = new(StringComparer.Ordinal) { ["0a"] = new ShardTotal(3, 7) } };
        Assert.Equal("{\"shards\":{\"0a\":[3,7]}}", System.Text.Encoding.UTF8.GetString(state.ToJson()));
        var first = SiteState.TryParse(
            "{\"shards\":{\"0a\":{\"packages\":3,\"versions\":7}},\"recent\":[]}"u8.ToArray());
        Assert.Equal((3, 7L), (first!.Packages, first.Versions));
        Assert.Null(SiteState.TryParse("{\"shards\":{\"0a\":[3]}}"u8.ToArray()));
        Assert.Null(SiteState.TryParse("{\"shards\":{\"0a\":[-1,2]}}"u8.ToArray()));
    }

    [Fact]
    public async Task Audit_passes_a_site_in_step_and_warns_when_it_is_only_behind()
    {
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(registry.Package(Alpha("1.0.0")));
        await registry.PublishAsync(registry.Package(Alpha("1.1.0")));
        Assert.Equal((0, 0), Counts(await registry.AuditAsync()));

        var before = File.ReadAllBytes(Path.Combine(registry.Folder, "packages/alpha/index.html"));
        File.Delete(Path.Combine(registry.Folder, "packages/alpha/1.0.0/index.html"));
        await new Core.Publishing.RegistryWriter(
            registry.Store,
            Core.Tuf.KeyRing.Load(Path.Combine(registry.Root, "keys")),
            registry.Clock).YankAsync("alpha", "1.1.0", "bad", undo: false, Ct);

        var (errors, warnings) = await registry.AuditAsync();
        Assert.Empty(errors);
        Assert.Contains(
            warnings,
            w => w.Contains("packages/alpha/1.0.0/index.html: alpha 1.0.0 has no page yet", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains(
            "shows alpha 1.1.0 as available, the signed index says yanked (behind)",
            StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.EndsWith("run 'registry sync'", w, StringComparison.Ordinal));

        await registry.SyncAsync();
        Assert.Equal((0, 0), Counts(await registry.AuditAsync()));
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(registry.Folder, "packages/alpha/index.html")));
    }

    [Fact]
    public async Task Audit_reports_an_error_when_a_page_is_wrong()
    {
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(registry.Package(Alpha("1.0.0")));
        var page = registry.Read("packages/alpha/index.html");
        var sha = new HtmlParser().ParseDocument(page).QuerySelector("tr[data-version]")!.GetAttribute("data-sha256")!;
        registry.Write("packages/alpha/index.html", page.Replace(sha, new string('0', 64), StringComparison.Ordinal)
            .Replace(
                "<tbody>\n",
                "<tbody>\n<tr data-version=\"9.9.9\" data-yanked=\"false\" data-sha256=\"x\">",
                StringComparison.Ordinal));
        var state = registry.Read("site/state.json");
        registry.Write("site/state.json", state.Replace("[1,1]", "[1,5]", StringComparison.Ordinal));

        var (errors, _) = await registry.AuditAsync();

        Assert.Contains(
            errors,
            e => e.Contains("shows alpha 9.9.9, which the signed index does not have", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(
            $"shows sha256 {new string('0', 64)} for alpha 1.0.0, the signed index pins {sha}",
            StringComparison.Ordinal));
        Assert.Contains(
            errors,
            e => e.Contains("index.html: counts 5 versions, the signed index has 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Site_pages_get_the_short_max_age_and_assets_are_immutable()
    {
        var policy = new CachePolicy(60);
        foreach (var key in new[] {
            "index.html",
            "feed.xml",
            "search/index.html",
            "packages/alpha/index.html",
            "packages/alpha/1.0.0/index.html",
            "packages/alpha/badge.svg",
            "site/state.json",
            "site/counts/0a.json" })
        {
            Assert.True(CachePolicy.IsMutable(key), key);
            Assert.Equal("public, max-age=60", policy.CacheControlOf(key));
        }

        Assert.Equal(CachePolicy.Immutable, policy.CacheControlOf(SiteAssets.Css.Key));
        Assert.Equal(CachePolicy.Immutable, policy.CacheControlOf("targets/packages/alpha/1.0.0/abc.alpha-1.0.0.tgz"));
        Assert.Equal("text/html; charset=utf-8", CachePolicy.ContentTypeOf("packages/alpha/index.html"));
        Assert.Equal("text/css; charset=utf-8", CachePolicy.ContentTypeOf(SiteAssets.Css.Key));
        Assert.Equal("text/javascript; charset=utf-8", CachePolicy.ContentTypeOf(SiteAssets.Search.Key));
        Assert.Equal("image/svg+xml", CachePolicy.ContentTypeOf("packages/alpha/badge.svg"));
        Assert.Equal("application/atom+xml; charset=utf-8", CachePolicy.ContentTypeOf("feed.xml"));
    }

    [Fact]
    public async Task A_hostile_package_page_holds_no_script_event_attribute_or_unsafe_link()
    {
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(registry.Package(Hostile.Package("evil", "1.0.0", "http://127.0.0.1:9")));

        foreach (var key in new[] { "index.html", "packages/evil/index.html", "packages/evil/1.0.0/index.html" })
        {
            RenderingTests.AssertInert(new HtmlParser().ParseDocument(registry.Read(key)));
        }

        RenderingTests.AssertInert(
            new HtmlParser().ParseDocument(registry.Read("search/index.html")),
            allowSiteScript: true);
        var feed = System.Xml.Linq.XDocument.Parse(registry.Read("feed.xml")); // well-formed: nothing broke out
        Assert.Equal("evil 1.0.0", feed.Descendants().Single(e => e.Name.LocalName == "entry").Elements()
            .First(e => e.Name.LocalName == "title")
            .Value);
    }

    [Fact]
    public async Task An_empty_registry_gets_a_home_page_and_audits_clean()
    {
        using var registry = await SiteRegistry.CreateAsync();
        var stats = await registry.SyncAsync();

        Assert.Equal(0, stats.Packages);
        Assert.Contains("Nothing published yet.", registry.Read("index.html"), StringComparison.Ordinal);
        Assert.Equal((0, 0), Counts(await registry.AuditAsync()));

        registry.Write("site/state.json", "not json");
        var (errors, _) = await registry.AuditAsync();
        Assert.Contains(errors, e => e.StartsWith("site/state.json: not the site's state", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_nupkg_page_shows_dotnet_add_package_and_the_readme_the_nuspec_names()
    {
        using var registry = await SiteRegistry.CreateAsync("https://cdn.example/registry/");
        var builder = NupkgBuilder.Create("My.Lib", "1.2.0")
            .WithMetadata("<authors>Ada</authors><description>My library</description><readme>docs\\README.md</readme>")
            .WithFile("docs/README.md", "# My.Lib\n\nUse **My.Lib** <script>alert(1)</script>.\n")
            .WithFile("README.md", "the wrong readme");
        var content = builder.Build();
        var package = new PackageFile(
            new NupkgPackageFormat().Read(content, builder.FileName, PackageLimits.Default),
            builder.FileName,
            ".nupkg",
            content);

        await registry.PublishAsync(package);

        var page = registry.Read("packages/my.lib/index.html");
        Assert.Contains("dotnet add package My.Lib --version 1.2.0", page, StringComparison.Ordinal);
        Assert.Contains(
            "Use <strong>My.Lib</strong> &lt;script&gt;alert(1)&lt;/script&gt;.",
            page,
            StringComparison.Ordinal);
        Assert.DoesNotContain("the wrong readme", page, StringComparison.Ordinal);
    }

    private static (int, int) Counts((List<string> Errors, List<string> Warnings) findings)
        => (findings.Errors.Count, findings.Warnings.Count);
}
