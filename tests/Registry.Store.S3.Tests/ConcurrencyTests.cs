using System.Text;
using Registry.Core.Storage;

namespace Registry.Store.S3.Tests;

public sealed class ConcurrencyTests(RadosgwFixture rgw)
{
    private static readonly ObjectHeaders Json = new("application/json", CachePolicy.Immutable);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Of_16_concurrent_create_only_puts_of_one_key_exactly_one_wins()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name));

        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, 16).Select(async i =>
        {
            await start.WaitAsync(Ct);
            return (Writer: i, Result: await store.PutIfAbsentAsync(
                "race.json",
                Encoding.UTF8.GetBytes($"writer {i}"),
                Json,
                Ct));
        }).ToList();
        start.Release(16);
        var results = await Task.WhenAll(tasks);

        var winner = Assert.Single(results, r => r.Result == PutResult.Created);
        Assert.Equal(15, results.Count(r => r.Result == PutResult.AlreadyExists));
        Assert.Equal(
            $"writer {winner.Writer}",
            Encoding.UTF8.GetString((await store.GetOrNullAsync("race.json", Ct))!.Content));
    }

    [Fact]
    public async Task Of_8_concurrent_swaps_from_one_tag_exactly_one_wins()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name));
        const string key = CachePolicy.TimestampKey;
        await store.SwapAsync(key, "v0"u8.ToArray(), null, Json, Ct);
        var tag = (await store.GetOrNullAsync(key, Ct))!.VersionTag;

        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, 8).Select(async i =>
        {
            await start.WaitAsync(Ct);
            return (Writer: i, Result: await store.SwapAsync(key, Encoding.UTF8.GetBytes($"v1 by {i}"), tag, Json, Ct));
        }).ToList();
        start.Release(8);
        var results = await Task.WhenAll(tasks);

        var winner = Assert.Single(results, r => r.Result == SwapResult.Swapped);
        Assert.Equal(7, results.Count(r => r.Result == SwapResult.Conflict));
        Assert.Equal($"v1 by {winner.Writer}", Encoding.UTF8.GetString((await store.GetOrNullAsync(key, Ct))!.Content));
    }
}
