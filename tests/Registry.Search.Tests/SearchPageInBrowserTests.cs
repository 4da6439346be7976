using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Registry.Testing;

namespace Registry.Search.Tests;

/// <summary>
/// The search page's script in a real headless Chromium, served over HTTP with a
/// Content-Security-Policy that forbids inline script: it finds packages by prefix and by a
/// description word, links them to their pages, and shows hostile package text as text (the
/// payload's beacon to a local server receives nothing).
/// </summary>
// A browser reads no clock of ours, and Chromium does not run under libfaketime's preload:
// left out of test.sh's date-shifted run.
[Trait("Category", "browser")]
public sealed partial class SearchPageInBrowserTests
{
    private const string Page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Search</title>
        <script src="../assets/search.js" defer></script></head>
        <body><form id="search-form" action="./" method="get"><input id="search-input" name="q"></form>
        <div id="search-results" aria-live="polite"></div></body></html>
        """;

    [Fact]
    public async Task The_page_finds_by_prefix_and_description_word_and_renders_hostile_text_inert()
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            Assert.Fail("chromium is missing: run infra/install-test-deps.sh");
        }

        await using var beacon = await Listener.StartAsync(_ => "ok"u8.ToArray());
        using var registry = await SearchRegistry.CreateAsync();
        var payload = $"<img src=x onerror=\"fetch('{beacon.Url}img')\"><script>fetch('{beacon.Url}script')</script> "
            + "plugs evil";
        await registry.PublishAsync(
            SearchRegistry.Package("plug", "1.14.0", "Compose web applications"),
            SearchRegistry.Package("plug_cowboy", "2.0.0", "A Plug adapter for Cowboy"),
            SearchRegistry.Package("cowboy", "2.10.0", "Small fast HTTP server"),
            SearchRegistry.Package("evil", "6.6.6", payload));
        Directory.CreateDirectory(Path.Combine(registry.SiteFolder, "search"));
        Directory.CreateDirectory(Path.Combine(registry.SiteFolder, "assets"));
        await File.WriteAllTextAsync(
            Path.Combine(registry.SiteFolder, "search", "index.html"),
            Page,
            SearchRegistry.Ct);
        await File.WriteAllBytesAsync(
            Path.Combine(registry.SiteFolder, "assets", "search.js"),
            SearchAssets.Script,
            SearchRegistry.Ct);
        await using var site = await Listener.StartAsync(path =>
        {
            var file = Path.Combine(registry.SiteFolder, path.TrimStart('/'));
            return File.Exists(file) ? File.ReadAllBytes(file) : null;
        });

        var byPrefix = await DumpDomAsync($"{site.Url}search/index.html?q=plu");
        Assert.Equal(["plug", "plug_cowboy", "evil"], Links(byPrefix).Select(l => l.Text));
        Assert.Equal($"{site.Url}packages/plug/", Links(byPrefix)[0].Href);
        Assert.Contains("1.14.0", byPrefix, StringComparison.Ordinal);
        Assert.Contains("Compose web applications", byPrefix, StringComparison.Ordinal);

        var byWord = await DumpDomAsync($"{site.Url}search/index.html?q=http+server");
        Assert.Equal(["cowboy"], Links(byWord).Select(l => l.Text));

        var hostile = await DumpDomAsync($"{site.Url}search/index.html?q=evil");
        Assert.Equal(["evil"], Links(hostile).Select(l => l.Text));
        Assert.Contains("&lt;img src=x onerror=", hostile, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", hostile, StringComparison.Ordinal);
        Assert.Equal(0, beacon.Requests);
    }

    [Fact]
    public async Task The_page_folds_non_ascii_queries_as_the_writer_did_and_agrees_with_the_cli()
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            Assert.Fail("chromium is missing: run infra/install-test-deps.sh");
        }

        using var registry = await SearchRegistry.CreateAsync();
        await registry.PublishAsync(SearchViewTests.UnicodePackages
            .Select(p => SearchRegistry.Package(p.Name, "1.0.0", p.Description))
            .ToArray());
        Directory.CreateDirectory(Path.Combine(registry.SiteFolder, "search"));
        Directory.CreateDirectory(Path.Combine(registry.SiteFolder, "assets"));
        await File.WriteAllTextAsync(
            Path.Combine(registry.SiteFolder, "search", "index.html"),
            Page,
            SearchRegistry.Ct);
        await File.WriteAllBytesAsync(
            Path.Combine(registry.SiteFolder, "assets", "search.js"),
            SearchAssets.Script,
            SearchRegistry.Ct);
        // The shard of a non-ASCII key is fetched percent-encoded (search/v1/shards/%D0%BF%D1%80%D0%B8.json).
        await using var site = await Listener.StartAsync(path =>
        {
            var file = Path.Combine(registry.SiteFolder, Uri.UnescapeDataString(path).TrimStart('/'));
            return File.Exists(file) ? File.ReadAllBytes(file) : null;
        });

        foreach (var (query, names) in SearchViewTests.UnicodeQueries)
        {
            var dom = await DumpDomAsync($"{site.Url}search/index.html?q={Uri.EscapeDataString(query)}");
            var shown = Links(dom).Select(l => l.Text).ToList();
            Assert.True(
                names.SequenceEqual(shown),
                $"{query}: the page shows [{string.Join(", ", shown)}], expected [{string.Join(", ", names)}]");
            Assert.Equal(await registry.NamesAsync(query), shown);
        }
    }

    private static List<(string Href, string Text)> Links(string dom) =>
        LinkPattern().Matches(dom)
            .Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))
            .ToList();

    [GeneratedRegex("<a href=\"([^\"]*)\">([^<]*)</a>")]
    private static partial Regex LinkPattern();

    private static async Task<string> DumpDomAsync(string url)
    {
        var profile = Directory.CreateTempSubdirectory("search-chromium-");
        try
        {
            var info = new ProcessStartInfo("/usr/bin/chromium")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    $"--user-data-dir={profile.FullName}", "--virtual-time-budget=5000", "--dump-dom", url,
                },
            };
            using var chromium = Process.Start(info)!;
            var output = chromium.StandardOutput.ReadToEndAsync(SearchRegistry.Ct);
            _ = chromium.StandardError.ReadToEndAsync(SearchRegistry.Ct);
            await chromium.WaitForExitAsync(SearchRegistry.Ct).WaitAsync(TimeSpan.FromMinutes(1), SearchRegistry.Ct);
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    /// <summary>A static HTTP server on a free loopback port, sending a CSP that forbids inline script, counting
    /// requests.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private LoopbackServer _server = null!;
        private int _requests;

        public string Url => _server.Url.ToString();

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<Listener> StartAsync(Func<string, byte[]?> content)
        {
            var listener = new Listener();
            listener._server = await LoopbackServer.StartAsync(async context =>
            {
                Interlocked.Increment(ref listener._requests);
                var path = context.Request.Path.ToUriComponent();
                var body = content(path);
                context.Response.Headers.ContentSecurityPolicy
                    = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";
                context.Response.StatusCode = body is null ? 404 : 200;
                context.Response.ContentType = path.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript"
                    : path.EndsWith(".json", StringComparison.Ordinal)
                        ? "application/json"
                        : "text/html; charset=utf-8";
                if (body is not null)
                {
                    await context.Response.Body.WriteAsync(body);
                }
            });
            return listener;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
