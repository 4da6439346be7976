using System.Text.Json;
using Deque.AxeCore.Commons;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using Registry.Site.Tests.Support;

namespace Registry.Site.Tests;

/// <summary>
/// The site in a real headless Chromium, served by <c>registry serve</c>: what a person sees,
/// with the keyboard only, through axe-core, and with a hostile package on the registry.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BrowserTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private static readonly string[] PageTypes
        = ["", "search/?q=alpha", "packages/alpha/", "packages/alpha/1.1.0/", "packages/evil/"];

    [Fact]
    public void Home_page_lists_a_fresh_publish_and_the_counts()
    {
        site.Open("");
        var recent = site.Driver.FindElements(By.CssSelector("ul.recent li a")).Select(a => a.Text).ToList();
        Assert.Equal("beta", recent[0]);
        Assert.Contains("alpha", recent);
        Assert.Contains(
            "3 packages, 4 versions.",
            site.Driver.FindElement(By.CssSelector("p.counts")).Text,
            StringComparison.Ordinal);
        Assert.Contains(
            "--root-sha256",
            site.Driver.FindElement(By.Id("use")).FindElement(By.XPath("..")).Text,
            StringComparison.Ordinal);
        Assert.Contains(
            "Timestamp",
            site.Driver.FindElement(By.Id("status")).FindElement(By.XPath("..")).Text,
            StringComparison.Ordinal);
        site.Screenshot("home");

        site.Driver.FindElement(By.LinkText("beta")).Click();
        Assert.EndsWith("/packages/beta/", site.Driver.Url, StringComparison.Ordinal);
        site.Driver.FindElement(By.LinkText("alpha")).Click(); // the dependency is a link
        Assert.EndsWith("/packages/alpha/", site.Driver.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Package_page_shows_versions_the_yank_reason_and_the_readme()
    {
        site.Open("packages/alpha/");
        var rows = site.Driver.FindElements(By.CssSelector("tr[data-version]"));
        Assert.Equal(["1.1.0", "1.0.0"], rows.Select(r => r.GetAttribute("data-version")).ToList());
        Assert.Contains("yanked: corrupts files larger than 2 GB", rows[0].Text, StringComparison.Ordinal);
        Assert.Equal("Alpha reads alpha files.", site.Driver.FindElement(By.CssSelector(".readme p")).Text);
        Assert.Equal("Usage", site.Driver.FindElement(By.CssSelector(".readme h4")).Text);
        Assert.Contains(
            "Latest version 1.0.0",
            site.Driver.FindElement(By.TagName("main")).Text,
            StringComparison.Ordinal);
        site.Screenshot("package");

        rows[0].FindElement(By.TagName("a")).Click();
        Assert.Contains(
            "corrupts files larger than 2 GB",
            site.Driver.FindElement(By.CssSelector("p.yanked")).Text,
            StringComparison.Ordinal);
        site.Screenshot("version");

        var download = site.Driver.FindElement(By.XPath("//dt[.='Download']/following-sibling::dd/a"))
            .GetAttribute("href")!;
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(download, TestContext.Current.CancellationToken);
        var sha = site.Driver.FindElement(By.CssSelector(".sha")).Text;
        Assert.Equal(sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    [Fact]
    public void Search_page_has_the_form_and_a_live_region()
    {
        site.Open("search/?q=alpha");
        Assert.Equal("alpha", site.Driver.FindElement(By.Id("search-input")).GetAttribute("value"));
        Assert.Equal("polite", site.Driver.FindElement(By.Id("search-results")).GetAttribute("aria-live"));
        site.Screenshot("search");
    }

    [Fact]
    public void Keyboard_alone_reaches_the_search_box_and_a_package_link()
    {
        site.Open("");
        var tab = new Actions(site.Driver);
        tab.SendKeys(Keys.Tab).Perform();
        Assert.Equal("Skip to content", Active().Text);

        var reachedSearch = false;
        IWebElement? package = null;
        for (var i = 0; i < 40 && package is null; i++)
        {
            new Actions(site.Driver).SendKeys(Keys.Tab).Perform();
            var active = Active();
            reachedSearch |= active.GetAttribute("id") == "search-input";
            if (active.TagName == "a"
                && active.GetAttribute("href")?.EndsWith("/packages/alpha/", StringComparison.Ordinal) == true)
            {
                package = active;
            }
        }

        Assert.True(reachedSearch, "Tab never reached the search box");
        Assert.NotNull(package);
        new Actions(site.Driver).SendKeys(Keys.Enter).Perform();
        WaitFor(() => site.Driver.Url.EndsWith("/packages/alpha/", StringComparison.Ordinal));
        Assert.EndsWith("/packages/alpha/", site.Driver.Url, StringComparison.Ordinal);

        // Typing a query and Enter submits the search form without a mouse.
        site.Open("");
        site.Driver.FindElement(By.Id("search-input")).SendKeys("alp" + Keys.Enter);
        WaitFor(() => site.Driver.Url.Contains("/search/", StringComparison.Ordinal));
        Assert.EndsWith("/search/?q=alp", site.Driver.Url, StringComparison.Ordinal);
    }

    [Fact]
    public void Axe_core_finds_no_serious_or_critical_violation_on_any_page_type()
    {
        var script = new BundledAxeScriptProvider().GetScript();
        var problems = new List<string>();
        foreach (var path in PageTypes)
        {
            site.Open(path);
            site.Driver.ExecuteScript(script);
            var json = (string?)((IJavaScriptExecutor)site.Driver).ExecuteAsyncScript(
                "var done = arguments[arguments.length - 1];"
                + "axe.run(document, { resultTypes: ['violations'] }).then(function (r) {"
                + "  done(JSON.stringify(r.violations.map(function (v) { return { id: v.id, impact: v.impact, nodes: "
                + "v.nodes.map(function (n) { return n.html; }) }; })));"
                + "}, function (e) { done(JSON.stringify([{ id: 'axe-error', impact: 'critical', nodes: [String(e)] "
                + "}])); });");
            foreach (var violation in JsonDocument.Parse(json ?? "[]").RootElement.EnumerateArray())
            {
                var impact = violation.GetProperty("impact").GetString();
                if (impact is "serious" or "critical")
                {
                    problems.Add($"/{path}: {violation.GetProperty("id").GetString()} ({impact}) "
                        + $"{violation.GetProperty("nodes")}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_hostile_package_runs_nothing_and_reaches_nothing()
    {
        foreach (var path in new[] {
            "packages/evil/",
            "packages/evil/1.0.0/",
            "",
            "feed.xml",
            "packages/evil/badge.svg" })
        {
            site.Open(path);
            foreach (var element in site.Driver.FindElements(By.CssSelector("main *, .description, .readme *"))
                .Take(200))
            {
                try
                {
                    new Actions(site.Driver).MoveToElement(element).Perform(); // would fire any onmouseover
                }
                catch (WebDriverException)
                {
                }
            }
        }

        site.Open("packages/evil/");
        site.Screenshot("hostile-package");
        var scripts = (long)((IJavaScriptExecutor)site.Driver).ExecuteScript("return document.scripts.length;")!;
        Assert.Equal(0, scripts);
        Assert.Throws<NoAlertPresentException>(() => site.Driver.SwitchTo().Alert());
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.True(site.Beacon.Requests.IsEmpty, "the beacon received: " + string.Join(", ", site.Beacon.Requests));
        // shown, as text
        var heading = site.Driver.FindElement(By.CssSelector(".readme h3")).Text;
        Assert.Contains("<script>fetch(", heading, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_pages_work_with_javascript_disabled()
    {
        using var driver = Chromium.Start(javascript: false);
        driver.Navigate().GoToUrl(new Uri(site.BaseUri, "packages/alpha/"));
        Assert.Equal(2, driver.FindElements(By.CssSelector("tr[data-version]")).Count);
        Assert.Equal("Alpha reads alpha files.", driver.FindElement(By.CssSelector(".readme p")).Text);
        driver.Navigate().GoToUrl(new Uri(site.BaseUri, "search/"));
        Assert.Contains("needs JavaScript", driver.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
        driver.Quit();
    }

    private static void WaitFor(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < until)
        {
            Thread.Sleep(50);
        }
    }

    private IWebElement Active() => site.Driver.SwitchTo().ActiveElement();
}
