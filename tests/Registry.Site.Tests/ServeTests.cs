using System.Net;
using Registry.Serve;
using Registry.Site.Internal;
using Registry.Site.Tests.Support;
using Registry.Testing;

namespace Registry.Site.Tests;

/// <summary><c>registry serve</c> serves the site at <c>/</c>: directory URLs, content types, CSP on HTML, nosniff
/// everywhere.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_maps_directories_to_index_html_with_the_site_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var registry = await SiteRegistry.CreateAsync();
        await registry.PublishAsync(registry.Package(PackageBuilder.Create("alpha", "1.0.0")));
        await using var server = await RegistryServer.StartAsync(registry.Folder, 0, cancellationToken: ct);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) {
            BaseAddress = server.BaseUri };

        foreach (var path in new[] { "", "packages/alpha/", "packages/alpha/1.0.0/", "search/" })
        {
            using var page = await http.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
            Assert.Equal(
                SiteHeaders.ContentSecurityPolicy,
                string.Join(",", page.Headers.GetValues("Content-Security-Policy")));
            Assert.Contains("script-src 'self'", SiteHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", SiteHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("public, max-age=60", page.Headers.CacheControl!.ToString());
        }

        using var bare = await http.GetAsync("packages/alpha", ct);
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal("/packages/alpha/", bare.Headers.Location!.ToString());

        using var css = await http.GetAsync(SiteAssets.Css.Key, ct);
        Assert.Equal("text/css; charset=utf-8", css.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=31536000, immutable", css.Headers.CacheControl!.ToString());
        Assert.False(css.Headers.Contains("Content-Security-Policy"));
        Assert.Equal("nosniff", string.Join(",", css.Headers.GetValues("X-Content-Type-Options")));

        using var badge = await http.GetAsync("packages/alpha/badge.svg", ct);
        Assert.Equal("image/svg+xml", badge.Content.Headers.ContentType!.ToString());

        using var settings = await http.GetAsync("registry-config.json", ct);
        Assert.Equal(HttpStatusCode.NotFound, settings.StatusCode);
        using var state = await http.GetAsync("site/", ct);
        Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
    }
}
