using System.Security.Cryptography;

namespace Registry.Testing.Cli;

/// <summary>A temporary folder with a store, a keys folder and package files; removed afterwards.</summary>
public sealed class TestRegistry : IDisposable
{
    public TestRegistry()
    {
        Root = Path.Combine(Path.GetTempPath(), "registry-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Store => Path.Combine(Root, "site");

    public string Keys => Path.Combine(Root, "keys");

    public string[] StoreArgs => ["--store", Store, "--keys", Keys];

    public async Task InitAsync(params string[] extra)
    {
        var result = await RegistryCli.RunAsync(["init", .. StoreArgs, "--bins", "16", .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>Writes a package file named NAME-VERSION.tgz (another content of it in a folder of its own) and returns
    /// its path.</summary>
    public string Package(string name, string version, string dependenciesJson = "{}", string? extraFile = null)
    {
        var folder = extraFile is null
            ? Root
            : Directory.CreateDirectory(Path.Combine(Root, $"variant-{extraFile.Length}")).FullName;
        var path = Path.Combine(folder, $"{name}-{version}.tgz");
        File.WriteAllBytes(path, Tgz.Package(name, version, dependenciesJson, extraFile));
        return path;
    }

    public async Task<CliResult> PublishAsync(params string[] files)
        => await RegistryCli.RunAsync(["publish", .. StoreArgs, .. files]);

    /// <summary>
    /// Re-signs the timestamp as if it were <paramref name="ago"/> earlier (default 30 days), so
    /// that it has already expired (init refuses an expiry of 0 days).
    /// </summary>
    public async Task ExpireTimestampAsync(TimeSpan? ago = null, string? keys = null)
    {
        using var ring = Core.Tuf.KeyRing.Load(keys ?? Keys);
        await new Core.Publishing.RegistryWriter(
            new Core.Storage.FolderStore(Store),
            ring,
            Testing.TestClock.FromNow(-(ago ?? TimeSpan.FromDays(30))))
            .RefreshAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Every file of the store with its sha256: equal snapshots mean nothing was written.</summary>
    public IReadOnlyDictionary<string, string> StoreSnapshot() =>
        Directory.EnumerateFiles(Store, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToDictionary(
                f => Path.GetRelativePath(Store, f),
                f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))),
                StringComparer.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
