using System.Diagnostics;
using NuGet.Versioning;
using Registry.Client;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Mirror;
using Registry.Serve;

namespace Registry.Benchmarks;

/// <summary>Mirror sync cost: initial, after k publishes, and unchanged, over real HTTP.</summary>
internal static class MirrorBenchmark
{
    public static async Task RunAsync(string root, int packages, int bins)
    {
        try
        {
            var site = Path.Combine(root, "site");
            var store = new FolderStore(site);
            using var keys = KeyRing.Load(Path.Combine(root, "keys"));
            await new RegistryInitializer(store, keys, TimeProvider.System).InitAsync(
                new InitOptions { Bins = bins },
                default);
            var writer = new RegistryWriter(store, keys, TimeProvider.System);
            for (var start = 0; start < packages; start += 100)
            {
                await writer.PublishAsync(
                    Enumerable.Range(start, Math.Min(100, packages - start)).Select(i => Package($"pkg-{i}")).ToList(),
                    new PublishOptions(),
                    default);
            }

            var anchor = RootChain.Parse(
                await File.ReadAllBytesAsync(Path.Combine(site, "metadata", "1.root.json")),
                "root");
            await using var server = await RegistryServer.StartAsync(site, 0);
            var destination = new FolderStore(Path.Combine(root, "mirror"));
            Console.WriteLine($"mirror of a {packages}-package registry ({bins} bins) over HTTP into a folder: "
                + "requests / files / bytes / seconds");
            await SyncAsync("initial sync", server.BaseUri, destination, anchor);
            await SyncAsync("unchanged source", server.BaseUri, destination, anchor);
            foreach (var k in new[] { 1, 10 })
            {
                for (var i = 0; i < k; i++)
                {
                    await writer.PublishAsync([Package($"new-{k}-{i}")], new PublishOptions(), default);
                }

                await SyncAsync($"after {k} publish(es)", server.BaseUri, destination, anchor);
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task SyncAsync(
        string label,
        Uri source,
        IObjectStore destination,
        SignedDocument<Registry.Core.Tuf.RootMetadata> anchor)
    {
        using var reader = new HttpObjectReader(source);
        var clock = Stopwatch.StartNew();
        var result = await new RegistryMirror(reader, destination, anchor, TimeProvider.System).SyncAsync(
            null,
            default);
        Console.WriteLine($"  {label,-22} {reader.RequestCount,6} requests {result.FilesFetched,6} files "
            + $"{result.BytesFetched,10} bytes {clock.Elapsed.TotalSeconds,7:0.00} s");
    }

    private static PackageFile Package(string name)
    {
        var content = new byte[4096];
        Random.Shared.NextBytes(content);
        return new PackageFile(new PackageManifest {
            Name = name,
            Version = NuGetVersion.Parse("1.0.0"),
            Dependencies = new Dictionary<string, VersionRange>() }, name + ".tgz", ".tgz", content);
    }
}
