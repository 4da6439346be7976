using System.Text;
using Registry.Core.Storage;

namespace Registry.Store.S3.Tests;

/// <summary>How many HTTP requests each operation costs, and what a retry after a lost response does.</summary>
public sealed class RequestCostTests(RadosgwFixture rgw)
{
    private static readonly ObjectHeaders Json = new("application/json", CachePolicy.Immutable);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_put_and_swap_cost_one_request_each()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var http = new InstrumentedHttpClientFactory();
        using var client = rgw.CreateClient(http);
        using var store = new S3ObjectStore(client, rgw.Options(bucket.Name));

        Assert.Equal(PutResult.Created, await store.PutIfAbsentAsync("k", "a"u8.ToArray(), Json, Ct));
        Assert.Equal(1, http.Requests);
        http.Reset();
        Assert.Equal(PutResult.AlreadyExists, await store.PutIfAbsentAsync("k", "b"u8.ToArray(), Json, Ct));
        Assert.Equal(1, http.Requests);
        http.Reset();
        var tag = (await store.GetOrNullAsync("k", Ct))!.VersionTag;
        Assert.Equal(1, http.Requests);
        http.Reset();
        Assert.Equal(SwapResult.Swapped, await store.SwapAsync("k", "c"u8.ToArray(), tag, Json, Ct));
        Assert.Equal(1, http.Requests);
        http.Reset();
        Assert.Equal(SwapResult.Conflict, await store.SwapAsync("k", "d"u8.ToArray(), tag, Json, Ct));
        Assert.Equal(1, http.Requests);
    }

    [Fact]
    public async Task A_create_only_put_whose_response_was_lost_is_created_not_already_exists()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var http = new InstrumentedHttpClientFactory();
        using var client = rgw.CreateClient(http);
        using var store = new S3ObjectStore(client, rgw.Options(bucket.Name));

        http.LoseNextPutResponse();
        Assert.Equal(PutResult.Created, await store.PutIfAbsentAsync("k", "mine"u8.ToArray(), Json, Ct));
        // PUT applied (response lost), retried PUT 412, HEAD shows our own ETag.
        Assert.Equal(["PUT 200", "PUT 412", "HEAD 200"], http.Log);

        http.Reset();
        http.LoseNextPutResponse();
        Assert.Equal(PutResult.AlreadyExists, await store.PutIfAbsentAsync("k", "other"u8.ToArray(), Json, Ct));
        Assert.Equal("mine", Encoding.UTF8.GetString((await store.GetOrNullAsync("k", Ct))!.Content));
    }

    [Fact]
    public async Task A_swap_whose_response_was_lost_is_swapped_not_conflict()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var http = new InstrumentedHttpClientFactory();
        using var client = rgw.CreateClient(http);
        using var store = new S3ObjectStore(client, rgw.Options(bucket.Name));
        await store.SwapAsync("t", "v0"u8.ToArray(), null, Json, Ct);
        var tag = (await store.GetOrNullAsync("t", Ct))!.VersionTag;

        http.LoseNextPutResponse();
        Assert.Equal(SwapResult.Swapped, await store.SwapAsync("t", "v1"u8.ToArray(), tag, Json, Ct));
        Assert.Equal("v1", Encoding.UTF8.GetString((await store.GetOrNullAsync("t", Ct))!.Content));
    }
}
