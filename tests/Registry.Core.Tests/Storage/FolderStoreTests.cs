using Registry.Core.Storage;

namespace Registry.Core.Tests.Storage;

public sealed class FolderStoreTests : IDisposable
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
    public async Task A_create_only_write_is_refused_the_second_time_and_keeps_the_first_bytes()
    {
        using var store = new FolderStore(_root);
        Assert.Equal(
            PutResult.Created,
            await store.PutIfAbsentAsync("metadata/1.x.json", "one"u8.ToArray(), Headers, Ct));
        Assert.Equal(
            PutResult.AlreadyExists,
            await store.PutIfAbsentAsync("metadata/1.x.json", "two"u8.ToArray(), Headers, Ct));
        Assert.Equal("one"u8.ToArray(), (await store.GetOrNullAsync("metadata/1.x.json", Ct))!.Content);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "metadata"), ".*"));
    }

    [Fact]
    public async Task Concurrent_create_only_writes_of_one_key_create_it_exactly_once()
    {
        using var store = new FolderStore(_root);
        for (var round = 0; round < 20; round++)
        {
            var key = $"k/v{round}.json";
            var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
                Task.Run(() =>
                {
                    var bytes = System.Text.Encoding.UTF8.GetBytes($"writer {i}");
                    return store.PutIfAbsentAsync(key, bytes, Headers, Ct);
                })));
            Assert.Equal(1, results.Count(r => r == PutResult.Created));
        }
    }

    [Fact]
    public async Task Swap_needs_the_current_tag_and_exactly_one_of_many_racers_wins()
    {
        using var store = new FolderStore(_root);
        Assert.Equal(
            SwapResult.Swapped,
            await store.SwapAsync("metadata/timestamp.json", "v1"u8.ToArray(), null, Headers, Ct));
        Assert.Equal(
            SwapResult.Conflict,
            await store.SwapAsync("metadata/timestamp.json", "v1b"u8.ToArray(), null, Headers, Ct));
        var current = (await store.GetOrNullAsync("metadata/timestamp.json", Ct))!;
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => store.SwapAsync(
                "metadata/timestamp.json",
                System.Text.Encoding.UTF8.GetBytes($"v2-{i}"),
                current.VersionTag,
                Headers,
                Ct))));
        Assert.Equal(1, results.Count(r => r == SwapResult.Swapped));
        Assert.Equal(
            SwapResult.Conflict,
            await store.SwapAsync("metadata/timestamp.json", "v3"u8.ToArray(), current.VersionTag, Headers, Ct));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/abs")]
    [InlineData("a/../../b")]
    [InlineData("a\\b")]
    public async Task Keys_that_leave_the_folder_are_refused(string key)
    {
        using var store = new FolderStore(_root);
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutIfAbsentAsync(key, "x"u8.ToArray(), Headers, Ct));
    }

    [Fact]
    public async Task The_folder_passes_the_precondition_probe_and_leaves_nothing_behind()
    {
        using var store = new FolderStore(_root);
        Assert.Null(await PreconditionProbe.RunAsync(store, Ct));
        Assert.Empty(await store.ListAsync("", Ct).ToListAsync(Ct));
    }
}
