using OpenQA.Selenium.Chrome;

namespace Registry.Site.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven through its chromedriver (packages chromium and
/// chromium-driver, installed by infra/install-test-deps.sh). A machine without them fails the
/// browser tests with that message; they never skip.
/// </summary>
public static class Chromium
{
    private static readonly string[] Browsers
        = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static ChromeDriver Start(bool javascript = true)
    {
        var browser = Browsers.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"the browser tests need Chromium ({string.Join(", ", Browsers)}): "
                + "run infra/install-test-deps.sh (Debian packages chromium and chromium-driver)");
        const string driver = "/usr/bin/chromedriver";
        if (!File.Exists(driver))
        {
            throw new InvalidOperationException(
                $"the browser tests need {driver}: run infra/install-test-deps.sh (Debian package chromium-driver)");
        }

        var service = ChromeDriverService.CreateDefaultService(
            Path.GetDirectoryName(driver)!,
            Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--window-size=1280,1400", "--lang=en-US");
        if (!javascript)
        {
            options.AddUserProfilePreference("profile.managed_default_content_settings.javascript", 2);
        }

        return new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
    }
}
