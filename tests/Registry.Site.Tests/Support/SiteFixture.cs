using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Site.Tests.Support;

/// <summary>
/// One registry with the site written through the view after real publishes and a yank, served by
/// <c>registry serve</c>'s server, one headless Chromium, and a beacon that a hostile package's
/// payload would call. Shared by the browser tests of a class.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    private SiteRegistry? _registry;
    private RegistryServer? _server;
    private ChromeDriver? _driver;
    private Beacon? _beacon;

    public SiteRegistry Registry => _registry!;

    public Uri BaseUri => _server!.BaseUri;

    public ChromeDriver Driver => _driver!;

    public Beacon Beacon => _beacon!;

    /// <summary>Where screenshots go: the test output folder (docs/site/ holds copies).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        _beacon = new Beacon();
        _registry = await SiteRegistry.CreateAsync("http://127.0.0.1:8080/");
        var r = _registry;
        await r.PublishAsync(r.Package(PackageBuilder.Create("alpha", "1.0.0")
            .WithField("description", "Parses and prints the alpha format.")
            .WithField("license", "MIT")
            .WithField("authors", new System.Text.Json.Nodes.JsonArray("Ada Lovelace"))
            .WithField("homepage", "https://example.com/alpha")
            .WithField("repository", "https://git.example.com/alpha")
            .WithFile("README.md", "# Alpha\n\nAlpha reads **alpha** files.\n\n## Usage\n\n```\nregistry fetch "
                + "alpha\n```\n\nSee [the docs](https://example.com/alpha/docs).\n")));
        await r.PublishAsync(r.Package(PackageBuilder.Create("alpha", "1.1.0")
            .WithField("description", "Parses and prints the alpha format.")
            .WithField("license", "MIT")
            .WithFile("README.md", "# Alpha\n\nAlpha reads **alpha** files, faster.\n")));
        await r.YankAsync("alpha", "1.1.0", "corrupts files larger than 2 GB");
        await r.PublishAsync(r.Package(Hostile.Package("evil", "1.0.0", _beacon.Url)));
        await r.PublishAsync(r.Package(PackageBuilder.Create("beta", "2.0.0").DependsOn("alpha", "1.0.0")
            .WithField("description", "Beta builds on alpha.")));
        _server = await RegistryServer.StartAsync(
            r.Folder,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        _driver = Chromium.Start();
        Directory.CreateDirectory(Screenshots);
    }

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(BaseUri, path));

    public void Screenshot(string name)
        => ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name + ".png"));

    public async ValueTask DisposeAsync()
    {
        _driver?.Quit();
        _driver?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_beacon is not null)
        {
            await _beacon.DisposeAsync();
        }

        _registry?.Dispose();
    }
}
