using Registry.Core.Storage;

namespace Registry.Core.Tests.Storage;

public sealed class FolderStoreLeftoverTests : IDisposable
{
    private static readonly ObjectHeaders Headers = new("application/json", CachePolicy.Immutable);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Leftovers_are_temp_files_and_locks_of_vanished_objects_never_the_lock_of_an_existing_object()
    {
        using var store = new FolderStore(_root);
        Assert.Equal(
            SwapResult.Swapped,
            await store.SwapAsync("metadata/timestamp.json", "{}"u8.ToArray(), null, Headers, Ct));
        Assert.Null(await PreconditionProbe.RunAsync(store, Ct));
        var temp = $"targets/index/.abc.x.json.{Guid.NewGuid():N}.tmp";
        Directory.CreateDirectory(Path.Combine(_root, "targets", "index"));
        await File.WriteAllTextAsync(Path.Combine(_root, temp), "partial", Ct);

        var leftovers = await store.ListLeftoversAsync(Ct).Select(i => i.Key).ToListAsync(Ct);

        Assert.Contains(temp, leftovers);
        Assert.Contains(leftovers, k => k.StartsWith(PreconditionProbe.Prefix + ".", StringComparison.Ordinal)
            && k.EndsWith(".lock", StringComparison.Ordinal));
        Assert.DoesNotContain("metadata/.timestamp.json.lock", leftovers);
        Assert.True(File.Exists(Path.Combine(_root, "metadata", ".timestamp.json.lock")));
        Assert.DoesNotContain(
            await store.ListAsync("", Ct).Select(i => i.Key).ToListAsync(Ct),
            k => k.EndsWith(".tmp", StringComparison.Ordinal));

        foreach (var key in leftovers)
        {
            await store.DeleteAsync(key, Ct);
        }

        Assert.Empty(await store.ListLeftoversAsync(Ct).ToListAsync(Ct));
    }
}
