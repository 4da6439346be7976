using OpenQA.Selenium;
using Registry.Serve;
using Registry.Site.Internal;
using Registry.Site.Tests.Support;
using Registry.Testing;

namespace Registry.Site.Tests;

/// <summary>The site through the project's tested edges (Varnish, nginx) in front of <c>registry serve</c>: the same
/// directory mapping and headers as serve, and the browser sees the same site.</summary>
[Trait("Category", "Browser")]
public sealed class EdgeSiteTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Theory]
    [InlineData("varnish")]
    [InlineData("nginx")]
    public async Task The_edge_maps_directories_and_sends_the_site_headers(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var edge = await EdgeServer.StartAsync(kind, site.BaseUri);
        using var http = new HttpClient { BaseAddress = edge.Url };

        foreach (var path in new[] { "", "packages/alpha/", "packages/alpha/1.0.0/", "search/?q=alpha" })
        {
            for (var read = 0; read < 2; read++)
            {
                using var page = await http.GetAsync(path, ct);
                Assert.True(page.IsSuccessStatusCode, $"{kind} /{path}: {(int)page.StatusCode}");
                Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
                Assert.Equal(
                    SiteHeaders.ContentSecurityPolicy,
                    string.Join(",", page.Headers.GetValues("Content-Security-Policy")));
                Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
                Assert.Equal("public, max-age=60", page.Headers.CacheControl!.ToString());
                if (read == 1)
                {
                    Assert.Equal("HIT", string.Join(",", page.Headers.GetValues("X-Cache")));
                }
            }
        }

        using var css = await http.GetAsync(SiteAssets.Css.Key, ct);
        Assert.Equal("public, max-age=31536000, immutable", css.Headers.CacheControl!.ToString());
        Assert.False(css.Headers.Contains("Content-Security-Policy"));
        Assert.Equal("nosniff", string.Join(",", css.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Through_varnish_the_browser_sees_the_site_and_the_hostile_package_reaches_nothing()
    {
        await using var edge = await EdgeServer.StartAsync("varnish", site.BaseUri);
        site.Driver.Navigate().GoToUrl(edge.Url);
        Assert.Equal("beta", site.Driver.FindElements(By.CssSelector("ul.recent li a"))[0].Text);
        site.Driver.Navigate().GoToUrl(new Uri(edge.Url, "packages/evil/"));
        Assert.StartsWith("evil", site.Driver.FindElement(By.TagName("h1")).Text, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Equal(0L, (long)((IJavaScriptExecutor)site.Driver).ExecuteScript("return document.scripts.length;")!);
        Assert.True(site.Beacon.Requests.IsEmpty, "the beacon received: " + string.Join(", ", site.Beacon.Requests));
    }
}
