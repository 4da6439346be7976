using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Registry.Core.NuGet;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;
using Registry.Testing;

namespace Registry.Core.Tests.NuGet;

/// <summary>
/// The NuGet view written beside the signed index: what the files hold, that it follows publish
/// and yank, that it converges when writers race, that a killed publish leaves it behind but never
/// broken, and that verify tells the two apart.
/// </summary>
public sealed class NuGetFeedTests : IDisposable
{
    private const string Url = "https://cdn.example/registry/";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The one clock of each test: every component it builds gets this instance.</summary>
    private readonly FakeTimeProvider _clock = TestClock.Fixed(Now);
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-nuget-tests",
        Guid.NewGuid().ToString("N"));

    private static readonly IReadOnlyList<IRegistryView> Views = [new NuGetView()];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryWriter Writer(IObjectStore store, KeyRing keys)
        => new(store, keys, _clock, new WriterOptions { Views = Views });

    private static ViewSyncStats? Feed(IReadOnlyList<ViewSyncStats> views)
        => views.SingleOrDefault(v => v.View == NuGetView.ViewName);

    /// <summary>registry nuget sync: the NuGet view of NAMES (every package when null) brought up to the signed
    /// index.</summary>
    private async Task<ViewSyncStats> SyncAsync(IObjectStore store, IReadOnlyCollection<string>? names) =>
        (await new ViewSync(store, Views, _clock).SyncAsync(
            await RegistrySettings.LoadAsync(store, Ct),
            names,
            Ct,
            NuGetView.ViewName)).Single();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static PackageFile Nupkg(string id, string version, params (string Id, string Range)[] dependencies)
        => NuGetPackages.Nupkg(id, version, dependencies);

    private async Task<(FolderStore Store, KeyRing Keys)> InitAsync(string? nugetUrl = Url)
    {
        var store = new FolderStore(Path.Combine(_root, "site"));
        var keys = KeyRing.Load(Path.Combine(_root, "keys"));
        await new RegistryInitializer(store, keys, _clock).InitAsync(
            new InitOptions { Bins = 16, Settings = new RegistrySettings { NuGetUrl = nugetUrl } },
            Ct);
        return (store, keys);
    }

    private static async Task<List<string>> VersionsAsync(IObjectReader store, string name)
    {
        var stored = await store.GetOrNullAsync(NuGetFeed.VersionsKey(name), Ct);
        if (stored is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(stored.Content);
        return document.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static async Task<Dictionary<string, bool>> ListedAsync(IObjectReader store, string name)
    {
        var stored = await store.GetOrNullAsync(NuGetFeed.RegistrationKey(name), Ct);
        using var document = JsonDocument.Parse(stored!.Content);
        return document.RootElement.GetProperty("items").EnumerateArray()
            .SelectMany(page => page.GetProperty("items").EnumerateArray())
            .ToDictionary(
                item => item.GetProperty("catalogEntry").GetProperty("version").GetString()!,
                item => item.GetProperty("catalogEntry").GetProperty("listed").GetBoolean());
    }

    [Fact]
    public async Task A_published_nupkg_appears_in_the_flat_container_and_the_registration_with_absolute_urls()
    {
        var (store, keys) = await InitAsync();
        var lib = Nupkg("My.Lib", "1.2.0", ("My.Dep", "[1.0.0, 2.0.0)"));
        var result = await Writer(store, keys).PublishAsync([Nupkg("My.Dep", "1.0.0"), lib], new PublishOptions(), Ct);

        Assert.NotNull(Feed(result.Views));
        Assert.Equal(["1.2.0"], await VersionsAsync(store, "my.lib"));
        Assert.Equal(lib.Content, (await store.GetOrNullAsync(NuGetFeed.PackageKey("my.lib", "1.2.0"), Ct))!.Content);
        Assert.Equal(
            lib.Manifest.NuGet!.Nuspec,
            (await store.GetOrNullAsync(NuGetFeed.NuspecKey("my.lib", "1.2.0"), Ct))!.Content);

        using var service = JsonDocument.Parse((await store.GetOrNullAsync(NuGetFeed.ServiceIndexKey, Ct))!.Content);
        var resources = service.RootElement.GetProperty("resources").EnumerateArray()
            .ToDictionary(r => r.GetProperty("@type").GetString()!, r => r.GetProperty("@id").GetString()!);
        Assert.Equal(Url + "nuget/v3/flatcontainer/", resources["PackageBaseAddress/3.0.0"]);
        Assert.Equal(Url + "nuget/v3/registration/", resources["RegistrationsBaseUrl/3.6.0"]);

        using var registration = JsonDocument.Parse(
            (await store.GetOrNullAsync(NuGetFeed.RegistrationKey("my.lib"), Ct))!.Content);
        var entry = registration.RootElement.GetProperty("items")[0].GetProperty("items")[0]
            .GetProperty("catalogEntry");
        Assert.Equal("My.Lib", entry.GetProperty("id").GetString());
        Assert.Equal("MIT", entry.GetProperty("licenseExpression").GetString());
        Assert.Equal(
            Url + "nuget/v3/flatcontainer/my.lib/1.2.0/my.lib.1.2.0.nupkg",
            entry.GetProperty("packageContent").GetString());
        var group = entry.GetProperty("dependencyGroups")[0];
        Assert.Equal("net8.0", group.GetProperty("targetFramework").GetString());
        Assert.Equal("My.Dep", group.GetProperty("dependencies")[0].GetProperty("id").GetString());
        Assert.Equal("[1.0.0, 2.0.0)", group.GetProperty("dependencies")[0].GetProperty("range").GetString());

        // The signed index keeps the NuGet facts, so the view can be derived again anywhere.
        var state = await RegistryState.LoadAsync(store, Ct);
        var index = Registry.Core.Index.IndexJson
            .ParseIndex((await state.ReadTargetOrNullAsync("index/my-lib.json", Ct))!, "index/my-lib.json");
        Assert.Equal("My.Lib", index.Versions[0].NuGet!.Id);
        Assert.Equal("my.lib", index.Name);
        var report = await new RegistryAuditor(store, _clock, views: Views).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("\n", report.Errors));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public async Task A_yanked_version_leaves_the_versions_list_and_is_unlisted_but_its_files_stay()
    {
        var (store, keys) = await InitAsync();
        var writer = Writer(store, keys);
        await writer.PublishAsync([Nupkg("My.Lib", "1.0.0"), Nupkg("My.Lib", "1.1.0")], new PublishOptions(), Ct);

        var yank = await writer.YankAsync("My.Lib", "1.0.0", "broken", undo: false, Ct);

        Assert.Equal(YankStatus.Yanked, yank.Status);
        Assert.Equal(["1.1.0"], await VersionsAsync(store, "my.lib"));
        Assert.Equal(
            new Dictionary<string, bool> { ["1.0.0"] = false, ["1.1.0"] = true },
            await ListedAsync(store, "my.lib"));
        Assert.True(await store.ExistsAsync(NuGetFeed.PackageKey("my.lib", "1.0.0"), Ct));

        await writer.YankAsync("my.lib", "1.0.0", null, undo: true, Ct);
        Assert.Equal(["1.0.0", "1.1.0"], await VersionsAsync(store, "my.lib"));
    }

    [Fact]
    public async Task A_nupkg_without_a_nuget_url_is_refused_before_anything_is_written()
    {
        var (store, keys) = await InitAsync(nugetUrl: null);
        var before = StoreDigest.Of(store.Location);

        var e = await Assert.ThrowsAsync<EnvironmentException>(
            () => Writer(store, keys).PublishAsync([Nupkg("My.Lib", "1.0.0")], new PublishOptions(), Ct));

        Assert.Contains("[rule: nuget-url]", e.Message);
        Assert.Contains("registry settings", e.Message);
        Assert.Equal(before, StoreDigest.Of(store.Location));
    }

    [Fact]
    public async Task Syncing_a_view_the_settings_leave_off_names_the_option_that_turns_it_on_and_writes_nothing()
    {
        var (store, keys) = await InitAsync(nugetUrl: null);
        var before = StoreDigest.Of(store.Location);

        var e = await Assert.ThrowsAsync<EnvironmentException>(() => SyncAsync(store, null));

        Assert.Contains("[rule: view-off]", e.Message);
        Assert.Contains("--nuget-url", e.Message);
        Assert.Equal(2, e.ExitCode);
        Assert.Equal(before, StoreDigest.Of(store.Location));
        // With no view named, a registry with every view off has nothing to sync.
        Assert.Empty(
            await new ViewSync(store, Views, _clock).SyncAsync(await RegistrySettings.LoadAsync(store, Ct), null, Ct));
        Assert.Equal(before, StoreDigest.Of(store.Location));
    }

    [Fact]
    public async Task Racing_publishers_of_one_id_leave_a_versions_list_with_every_version()
    {
        var (store, keys) = await InitAsync();
        var versions = Enumerable.Range(0, 6).Select(i => $"1.{i}.0").ToList();

        await Task.WhenAll(versions.Select(v => Task.Run(() => Writer(new FolderStore(store.Location), keys)
            .PublishAsync([Nupkg("My.Lib", v)], new PublishOptions(), Ct), Ct)));

        Assert.Equal(versions, await VersionsAsync(store, "my.lib"));
        Assert.True((await ListedAsync(store, "my.lib")).Values.All(l => l));
        var report = await new RegistryAuditor(store, _clock, views: Views).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("\n", report.Errors));
        Assert.Empty(report.Warnings);
    }

    [Theory]
    [InlineData(1)] // killed before the .nuspec
    [InlineData(2)] // killed before the .nupkg
    [InlineData(3)] // killed before the versions list
    [InlineData(4)] // killed before the registration
    public async Task A_publish_killed_after_its_commit_leaves_the_view_behind_never_broken_and_sync_repairs_it(
        int viewWrites)
    {
        var (store, keys) = await InitAsync();
        await Writer(store, keys).PublishAsync([Nupkg("My.Lib", "1.0.0")], new PublishOptions(), Ct);
        var dying = new DiesOnViewWrite(new FolderStore(store.Location), viewWrites);

        await Assert.ThrowsAsync<IOException>(
            () => Writer(dying, keys).PublishAsync([Nupkg("My.Lib", "1.1.0")], new PublishOptions(), Ct));

        // Committed and signed; the NuGet view may not show it yet, but all it names is there.
        foreach (var version in await VersionsAsync(store, "my.lib"))
        {
            Assert.True(await store.ExistsAsync(NuGetFeed.PackageKey("my.lib", version), Ct), version);
            Assert.True(await store.ExistsAsync(NuGetFeed.NuspecKey("my.lib", version), Ct), version);
        }

        var behind = await new RegistryAuditor(store, _clock, views: Views).AuditAsync(Ct);
        Assert.True(behind.Ok, string.Join("\n", behind.Errors));
        Assert.Contains(behind.Warnings, w => w.Contains("registry nuget sync", StringComparison.Ordinal));

        var stats = await SyncAsync(store, null);

        Assert.True(stats.FilesWritten > 0);
        Assert.Equal(["1.0.0", "1.1.0"], await VersionsAsync(store, "my.lib"));
        var repaired = await new RegistryAuditor(store, _clock, views: Views).AuditAsync(Ct);
        Assert.True(repaired.Ok, string.Join("\n", repaired.Errors));
        Assert.Empty(repaired.Warnings);
        var again = StoreDigest.Of(store.Location);
        Assert.Equal(0, (await SyncAsync(store, ["My.Lib"])).FilesWritten);
        Assert.Equal(again, StoreDigest.Of(store.Location));
    }

    [Fact]
    public async Task Sync_in_another_spelling_repairs_the_published_name_and_a_file_twice_in_a_batch_is_one_version()
    {
        var (store, keys) = await InitAsync();
        var lib = Nupkg("My.Lib", "1.0.0");
        await Writer(store, keys).PublishAsync([lib, lib], new PublishOptions(), Ct);
        Assert.Equal(["1.0.0"], await VersionsAsync(store, "my.lib"));
        File.Delete(Path.Combine(store.Location, NuGetFeed.VersionsKey("my.lib")));

        var stats = await SyncAsync(store, ["My_Lib"]);

        Assert.Equal(1, stats.Packages);
        Assert.Equal(["1.0.0"], await VersionsAsync(store, "my.lib"));
        Assert.False(Directory.Exists(Path.Combine(store.Location, NuGetFeed.FlatContainer, "my_lib")));
    }

    [Fact]
    public async Task Verify_refuses_a_feed_copy_that_is_not_the_signed_artifact_and_a_version_the_index_lacks()
    {
        var (store, keys) = await InitAsync();
        await Writer(store, keys).PublishAsync([Nupkg("My.Lib", "1.0.0")], new PublishOptions(), Ct);
        var nupkg = Path.Combine(store.Location, NuGetFeed.PackageKey("my.lib", "1.0.0"));
        File.WriteAllBytes(nupkg, Nupkg("My.Lib", "1.0.0", ("Evil", "1.0.0")).Content);
        File.WriteAllText(
            Path.Combine(store.Location, NuGetFeed.VersionsKey("my.lib")),
            "{\"versions\":[\"1.0.0\",\"6.6.6\"]}");

        var report = await new RegistryAuditor(store, _clock, views: Views).AuditAsync(Ct);

        Assert.Contains(report.Errors, e => e.Contains("my.lib.1.0.0.nupkg", StringComparison.Ordinal)
            && e.Contains("not the signed artifact", StringComparison.Ordinal));
        Assert.Contains(
            report.Errors,
            e => e.Contains("6.6.6", StringComparison.Ordinal)
                && e.Contains("does not have", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_view_is_deterministic_and_costs_the_package_not_the_feed()
    {
        var (store, keys) = await InitAsync();
        var writer = Writer(store, keys);
        await writer.PublishAsync(
            Enumerable.Range(0, 30).Select(i => Nupkg($"Pkg{i}", "1.0.0")).ToList(),
            new PublishOptions(),
            Ct);
        var service = (await store.GetOrNullAsync(NuGetFeed.ServiceIndexKey, Ct))!.VersionTag;

        var one = Nupkg("Late.Comer", "1.0.0");
        var result = await writer.PublishAsync([one], new PublishOptions(), Ct);

        // .nuspec, .nupkg, versions list, registration: nothing feed-wide, the service index untouched.
        Assert.Equal(4, Feed(result.Views)!.FilesWritten);
        Assert.Equal(service, (await store.GetOrNullAsync(NuGetFeed.ServiceIndexKey, Ct))!.VersionTag);
        var state = await RegistryState.LoadAsync(store, Ct);
        var index = Registry.Core.Index.IndexJson
            .ParseIndex((await state.ReadTargetOrNullAsync("index/late-comer.json", Ct))!, "index/late-comer.json");
        Assert.Equal(
            NuGetFeed.RegistrationIndex(Url, index),
            (await store.GetOrNullAsync(NuGetFeed.RegistrationKey("late.comer"), Ct))!.Content);
    }

    /// <summary>A store that fails its Nth write under nuget/ (a publish killed after its signed commit).</summary>
    private sealed class DiesOnViewWrite(IObjectStore inner, int failAt) : IObjectStore
    {
        private int _writes;

        public string Location => inner.Location;

        public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
            => inner.GetOrNullAsync(key, cancellationToken);

        public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
            => inner.OpenReadOrNullAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
            => inner.ExistsAsync(key, cancellationToken);

        public Task<PutResult> PutIfAbsentAsync(
            string key,
            Stream content,
            long length,
            ObjectHeaders headers,
            CancellationToken cancellationToken)
        {
            Tick(key);
            return inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken);
        }

        public Task<SwapResult> SwapAsync(
            string key,
            ReadOnlyMemory<byte> content,
            string? expectedVersionTag,
            ObjectHeaders headers,
            CancellationToken cancellationToken)
        {
            Tick(key);
            return inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);
        }

        public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
            => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
            => inner.DeleteAsync(key, cancellationToken);

        public void Dispose() => inner.Dispose();

        private void Tick(string key)
        {
            if (key.StartsWith(NuGetFeed.Root, StringComparison.Ordinal) && ++_writes == failAt)
            {
                throw new IOException($"killed before writing {key}");
            }
        }
    }
}
