using Microsoft.Extensions.Time.Testing;
using NuGet.Versioning;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Testing;

namespace Registry.Search.Tests;

/// <summary>A registry in a temp folder with the search view synced after each publish and yank, as the writer will do
/// once the view is registered.</summary>
internal sealed class SearchRegistry : IDisposable
{
    public const string Url = "https://cdn.example/registry/";
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-search-tests",
        Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Clock { get; } = TestClock.Fixed();

    public CountingStore Store { get; private set; } = null!;

    public string SiteFolder => Path.Combine(_root, "site");

    public KeyRing Keys { get; private set; } = null!;

    public SearchView View { get; } = new();

    public string? BaseUrl { get; private set; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<SearchRegistry> CreateAsync(string? nugetUrl = null)
    {
        var registry = new SearchRegistry();
        registry.Store = new CountingStore(new FolderStore(registry.SiteFolder));
        registry.Keys = KeyRing.Load(Path.Combine(registry._root, "keys"));
        registry.BaseUrl = nugetUrl;
        await new RegistryInitializer(registry.Store, registry.Keys, registry.Clock)
            .InitAsync(
                new InitOptions { Bins = 16, Settings = new RegistrySettings { Search = true, NuGetUrl = nugetUrl } },
                Ct);
        return registry;
    }

    public static PackageFile Package(string name, string version, string? description) => new(
        new PackageManifest {
            Name = name,
            Version = NuGetVersion.Parse(version),
            Dependencies = new Dictionary<string, VersionRange>(),
            Description = description,
            License = "MIT" },
        $"{name}-{version}.tgz",
        ".tgz",
        System.Text.Encoding.UTF8.GetBytes($"pretend archive of {name} {version}"));

    public ViewContext Context(Func<CancellationToken, Task<RegistryState>>? loadState = null) => new()
    {
        Store = Store,
        BaseUrl = BaseUrl,
        CachePolicy = new CachePolicy(60),
        LoadState = loadState ?? (ct => RegistryState.LoadAsync(Store, ct)),
        Time = Clock,
    };

    /// <summary>Publishes, then syncs the view of the packages published (what the writer does after its
    /// commit).</summary>
    public async Task<ViewSyncStats> PublishAsync(params PackageFile[] packages)
    {
        await new RegistryWriter(Store, Keys, Clock).PublishAsync(
            packages,
            new PublishOptions { SkipDependencyCheck = true },
            Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        return await View.SyncAsync(Context(), packages.Select(p => p.Manifest.Name).ToList(), Ct);
    }

    public async Task<ViewSyncStats> YankAsync(string name, string version)
    {
        await new RegistryWriter(Store, Keys, Clock).YankAsync(name, version, "broken", undo: false, Ct);
        return await View.SyncAsync(Context(), [name], Ct);
    }

    public Task<SearchAnswer> SearchAsync(string query, int limit = 20)
        => SearchQuery.RunAsync(Store, query, limit, Ct);

    public async Task<List<string>> NamesAsync(string query)
        => (await SearchAsync(query)).Results.Select(r => r.Name).ToList();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>A store that records the keys swapped and created through it.</summary>
internal sealed class CountingStore(IObjectStore inner) : IObjectStore
{
    public List<string> Written { get; } = [];

    public int Reads;

    public string Location => inner.Location;

    public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Reads);
        return inner.GetOrNullAsync(key, cancellationToken);
    }

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
        => inner.OpenReadOrNullAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
        => inner.ExistsAsync(key, cancellationToken);

    public async Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        var result = await inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken);
        if (result == PutResult.Created)
        {
            lock (Written)
            {
                Written.Add(key);
            }
        }

        return result;
    }

    public async Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        var result = await inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);
        if (result == SwapResult.Swapped)
        {
            lock (Written)
            {
                Written.Add(key);
            }
        }

        return result;
    }

    public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
        => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
        => inner.DeleteAsync(key, cancellationToken);

    public void Dispose() => inner.Dispose();
}
