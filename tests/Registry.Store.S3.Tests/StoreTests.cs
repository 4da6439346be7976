using System.Text;
using Registry.Core.Storage;

namespace Registry.Store.S3.Tests;

public sealed class StoreTests(RadosgwFixture rgw)
{
    private static readonly ObjectHeaders Json = new("application/json", CachePolicy.Immutable);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PutIfAbsent_refuses_an_existing_key_and_keeps_its_content()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name, "reg"));

        Assert.Equal(PutResult.Created, await store.PutIfAbsentAsync("a/b.json", "first"u8.ToArray(), Json, Ct));
        Assert.Equal(PutResult.AlreadyExists, await store.PutIfAbsentAsync("a/b.json", "second"u8.ToArray(), Json, Ct));

        var stored = await store.GetOrNullAsync("a/b.json", Ct);
        Assert.NotNull(stored);
        Assert.Equal("first", Encoding.UTF8.GetString(stored.Content));
        Assert.DoesNotContain('"', stored.VersionTag);
    }

    [Fact]
    public async Task Swap_succeeds_with_the_current_tag_and_is_refused_otherwise()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name));
        const string key = CachePolicy.TimestampKey;

        Assert.Equal(
            SwapResult.Conflict,
            await store.SwapAsync(key, "v0"u8.ToArray(), "0123456789abcdef0123456789abcdef", Json, Ct));
        Assert.Equal(SwapResult.Swapped, await store.SwapAsync(key, "v1"u8.ToArray(), null, Json, Ct));
        var v1 = (await store.GetOrNullAsync(key, Ct))!;

        Assert.Equal(SwapResult.Conflict, await store.SwapAsync(key, "v1b"u8.ToArray(), null, Json, Ct));
        Assert.Equal(SwapResult.Swapped, await store.SwapAsync(key, "v2"u8.ToArray(), v1.VersionTag, Json, Ct));
        Assert.Equal(SwapResult.Conflict, await store.SwapAsync(key, "v3"u8.ToArray(), v1.VersionTag, Json, Ct));

        var current = (await store.GetOrNullAsync(key, Ct))!;
        Assert.Equal("v2", Encoding.UTF8.GetString(current.Content));
        Assert.NotEqual(v1.VersionTag, current.VersionTag);
        // The tag is accepted quoted too (as a caller may have kept it from an HTTP ETag header).
        Assert.Equal(
            SwapResult.Swapped,
            await store.SwapAsync(key, "v4"u8.ToArray(), $"\"{current.VersionTag}\"", Json, Ct));
    }

    [Fact]
    public async Task Headers_are_stored_and_served_to_an_anonymous_GET_when_public()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name, "pub") with { PublicRead = true });
        var policy = new CachePolicy(timestampMaxAgeSeconds: 5);

        await store.PutIfAbsentAsync("targets/x.tgz", new byte[] { 1, 2, 3 }, policy.For("targets/x.tgz"), Ct);
        await store.SwapAsync(
            CachePolicy.TimestampKey,
            "{}"u8.ToArray(),
            null,
            policy.For(CachePolicy.TimestampKey),
            Ct);

        using var http = new HttpClient();
        using var artifact = await http.GetAsync(new Uri(rgw.Endpoint, $"/{bucket.Name}/pub/targets/x.tgz"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, artifact.StatusCode);
        Assert.Equal("application/gzip", artifact.Content.Headers.ContentType?.MediaType);
        Assert.Equal(CachePolicy.Immutable, string.Join(", ", artifact.Headers.GetValues("Cache-Control")));
        Assert.Equal([1, 2, 3], await artifact.Content.ReadAsByteArrayAsync(Ct));

        using var timestamp = await http.GetAsync(
            new Uri(rgw.Endpoint, $"/{bucket.Name}/pub/{CachePolicy.TimestampKey}"),
            Ct);
        Assert.Equal("application/json", timestamp.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=5", string.Join(", ", timestamp.Headers.GetValues("Cache-Control")));
    }

    [Fact]
    public async Task Private_objects_are_refused_to_an_anonymous_GET()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name));
        await store.PutIfAbsentAsync("k", "x"u8.ToArray(), Json, Ct);

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(rgw.Endpoint, $"/{bucket.Name}/k"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Missing_keys_read_as_null_and_delete_removes_a_key()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name));

        Assert.Null(await store.GetOrNullAsync("nope", Ct));
        Assert.Null(await store.OpenReadOrNullAsync("nope", Ct));
        Assert.False(await store.ExistsAsync("nope", Ct));

        await store.PutIfAbsentAsync("k", "hello"u8.ToArray(), Json, Ct);
        Assert.True(await store.ExistsAsync("k", Ct));
        await using (var stream = await store.OpenReadOrNullAsync("k", Ct))
        {
            Assert.NotNull(stream);
            using var reader = new StreamReader(stream);
            Assert.Equal("hello", await reader.ReadToEndAsync(Ct));
        }

        await store.DeleteAsync("k", Ct);
        await store.DeleteAsync("k", Ct);
        Assert.False(await store.ExistsAsync("k", Ct));
    }

    [Fact]
    public async Task List_pages_through_every_key_under_a_prefix()
    {
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(
            bucket.Client,
            rgw.Options(bucket.Name, "reg/one") with { ListPageSize = 2 });
        using var other = new S3ObjectStore(bucket.Client, rgw.Options(bucket.Name, "reg/two"));
        var keys = Enumerable.Range(0, 7).Select(i => $"targets/index/{i}.json").ToList();
        foreach (var key in keys)
        {
            await store.PutIfAbsentAsync(key, "{}"u8.ToArray(), Json, Ct);
        }

        await store.PutIfAbsentAsync("metadata/1.root.json", "{}"u8.ToArray(), Json, Ct);
        await other.PutIfAbsentAsync("targets/index/9.json", "{}"u8.ToArray(), Json, Ct);

        var listed = await store.ListAsync("targets/", Ct).ToListAsync(Ct);
        Assert.Equal(keys, listed.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.All(listed, i => Assert.Equal(2, i.Length));
        Assert.Equal(8, (await store.ListAsync("", Ct).ToListAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_missing_bucket_is_an_environment_error()
    {
        using var client = rgw.CreateClient();
        using var store = new S3ObjectStore(client, rgw.Options("no-such-bucket-here"));
        var e = await Assert.ThrowsAsync<Registry.Core.EnvironmentException>(() => store.GetOrNullAsync("k", Ct));
        Assert.Contains("no-such-bucket-here", e.Message, StringComparison.Ordinal);
    }
}
