using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Registry.Core;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Testing;

namespace Registry.Site.Tests.Support;

/// <summary>
/// A registry in a temporary folder, published to through the real writer, with the site view
/// synced the way the writer will call it after a commit (its SyncAsync with the commit's names
/// and the published bytes in hand). Removed afterwards.
/// </summary>
public sealed class SiteRegistry : IDisposable
{
    private readonly KeyRing _keys;

    private SiteRegistry(string root, FolderStore store, KeyRing keys, FakeTimeProvider clock)
    {
        Root = root;
        Store = store;
        _keys = keys;
        Clock = clock;
    }

    public string Root { get; }

    public string Folder => Store.Location;

    public FolderStore Store { get; }

    public FakeTimeProvider Clock { get; }

    public string? BaseUrl { get; init; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<SiteRegistry> CreateAsync(string? baseUrl = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "registry-site-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var store = new FolderStore(Path.Combine(root, "store"));
        var keys = KeyRing.Load(Path.Combine(root, "keys"));
        // The real clock's now (libfaketime shifts it with everything else): the pages are read by a browser and a
        // verify on the same clock.
        var clock = TestClock.FromNow();
        await new RegistryInitializer(store, keys, clock).InitAsync(
            new InitOptions { Bins = 16, Settings = new RegistrySettings { Site = true, NuGetUrl = baseUrl } },
            Ct);
        return new SiteRegistry(root, store, keys, clock) { BaseUrl = baseUrl };
    }

    public ViewContext Context(IReadOnlyDictionary<string, byte[]>? known = null) => new()
    {
        Store = Store,
        BaseUrl = BaseUrl,
        CachePolicy = new CachePolicy(60),
        LoadState = ct => RegistryState.LoadAsync(Store, ct),
        Time = Clock,
        KnownArtifacts = known ?? new Dictionary<string, byte[]>(StringComparer.Ordinal),
    };

    /// <summary>Publishes the packages (then moves the clock a minute) and syncs the site for their names with their
    /// bytes in hand.</summary>
    public async Task<ViewSyncStats> PublishAsync(params PackageFile[] packages)
    {
        var result = await new RegistryWriter(Store, _keys, Clock).PublishAsync(packages, new PublishOptions(), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var known = result.Packages.Zip(packages).ToDictionary(
            p => RegistryLayout.ArtifactKey(p.First.Artifact, p.First.Sha256),
            p => p.Second.Content,
            StringComparer.Ordinal);
        return await new SiteView().SyncAsync(Context(known), packages.Select(p => p.Manifest.Name).ToList(), Ct);
    }

    public async Task<ViewSyncStats> YankAsync(string name, string version, string? reason)
    {
        await new RegistryWriter(Store, _keys, Clock).YankAsync(name, version, reason, undo: false, Ct);
        return await SyncAsync([name]);
    }

    public Task<ViewSyncStats> SyncAsync(IReadOnlyCollection<string>? names = null)
        => new SiteView().SyncAsync(Context(), names, Ct);

    /// <summary>Runs the site's audit over every signed index document, as verify does.</summary>
    public async Task<(List<string> Errors, List<string> Warnings)> AuditAsync()
    {
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var warnings = new System.Collections.Concurrent.ConcurrentBag<string>();
        var findings = new ViewFindings(errors, warnings);
        var audit = await new SiteView().OpenAuditAsync(
            Store,
            await RegistrySettings.LoadAsync(Store, Ct),
            findings,
            Ct);
        var state = await RegistryState.LoadAsync(Store, Ct);
        foreach (var bin in state.Bins.AllNames())
        {
            var document = await state.GetBinAsync(bin, Ct);
            foreach (var path in document.Signed.Targets.Keys)
            {
                var bytes = await state.ReadTargetOrNullAsync(path, Ct);
                await audit.CheckAsync(Core.Index.IndexJson.ParseIndex(bytes!, path), findings, Ct);
            }
        }

        await audit.FinishAsync(findings, Ct);
        return ([.. errors], [.. warnings]);
    }

    public string Read(string key) => File.ReadAllText(Path.Combine(Folder, key));

    public bool Exists(string key) => File.Exists(Path.Combine(Folder, key));

    public void Write(string key, string text) => File.WriteAllText(Path.Combine(Folder, key), text);

    /// <summary>Every file of the store with its sha256: equal snapshots mean nothing was written.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToDictionary(
                f => Path.GetRelativePath(Folder, f),
                f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))),
                StringComparer.Ordinal);

    /// <summary>A .tgz package read through the same reader publish uses.</summary>
    public PackageFile Package(PackageBuilder builder)
    {
        var path = builder.WriteTo(
            Directory.CreateDirectory(Path.Combine(Root, "in", Guid.NewGuid().ToString("N"))).FullName);
        return PackageReader.Read(path, PackageLimits.Default);
    }

    public void Dispose()
    {
        _keys.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
