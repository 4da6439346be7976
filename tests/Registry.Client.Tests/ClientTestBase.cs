using Registry.Testing.Cli;
using Registry.Client.Resolution;
using Registry.Core;

namespace Registry.Client.Tests;

/// <summary>
/// A registry with alpha 1.0.0, 1.1.0, 2.0.0 and beta 2.0.0 (16 bins) behind a server that
/// misbehaves on demand, a client home with one source, and a project depending on beta.
/// </summary>
public abstract class ClientTestBase : IAsyncLifetime
{
    protected static readonly HttpPolicy FastPolicy = new() {
        MaxRetries = 2,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(5) };
    protected readonly TestRegistry _registry = new();
    protected MisbehavingServer _server = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected RegistryHome Home => new(Path.Combine(_registry.Root, "home"));

    protected string Project => Path.Combine(_registry.Root, "project");

    public virtual async ValueTask InitializeAsync()
    {
        await _registry.InitAsync();
        var published = await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"), _registry.Package("alpha", "1.1.0"), _registry.Package(
                "alpha",
                "2.0.0"),
            _registry.Package("beta", "2.0.0", "{\"alpha\":\"[1.0.0, 2.0.0)\"}"));
        Assert.True(published.ExitCode == 0, published.ToString());
        _server = await MisbehavingServer.StartAsync(_registry.Store);
        AddSource("main", _server.Url);
        Directory.CreateDirectory(Project);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"beta\":\"[2.0.0, 3.0.0)\"}}",
            Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
        GC.SuppressFinalize(this);
    }

    protected SourceConfig AddSource(string name, Uri url, params Uri[] mirrors) =>
        Home.AddSource(
            new SourceConfig { Name = name, Url = url, Mirrors = mirrors },
            File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json")));

    /// <summary>A client on <paramref name="time"/>, or on the process clock the CLI signed this registry
    /// with.</summary>
    protected RegistryClient Client(TimeProvider? time = null, string source = "main")
        => new(Home, Home.Source(source), time ?? TimeProvider.System, FastPolicy);

    protected async Task<InstallResult> InstallAsync(
        bool offline = false,
        bool locked = false,
        TimeProvider? time = null)
    {
        using var client = Client(time);
        return await new ProjectInstaller(client).InstallAsync(Project, locked, offline, Ct);
    }

    /// <summary>
    /// What a user would find after a refused update: no lock file, no packages, nothing trusted for
    /// the source (but roots it verified before a rotation cap stopped it, when <paramref name="rootsKept"/>).
    /// </summary>
    protected void AssertNothingInstalled(string source = "main", bool rootsKept = false)
    {
        Assert.False(File.Exists(Path.Combine(Project, LockFile.FileName)), "a lock file was written");
        Assert.False(Directory.Exists(Path.Combine(Project, "packages")), "packages were installed");
        Assert.False(
            File.Exists(Path.Combine(Home.SourcePath(source), RegistryLayout.TimestampKey)),
            "a timestamp was trusted");
        if (rootsKept)
        {
            return;
        }

        Assert.DoesNotContain(
            Directory.GetFiles(Home.SourcePath(source), "*.root.json", SearchOption.AllDirectories),
            f => Path.GetFileName(f) != "1.root.json");
    }

    protected string Key(string pattern)
    {
        var file = Directory.GetFiles(_registry.Store, pattern, SearchOption.AllDirectories).Single();
        return Path.GetRelativePath(_registry.Store, file).Replace('\\', '/');
    }
}
