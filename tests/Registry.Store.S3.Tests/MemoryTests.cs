using Registry.Core.Storage;

namespace Registry.Store.S3.Tests;

[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryTestsCollection;

/// <summary>Runs alone (no parallel tests), so that the process-wide allocation count is this test's own.</summary>
[Collection(nameof(MemoryTests))]
public sealed class MemoryTests(RadosgwFixture rgw)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_40_MB_upload_allocates_far_less_than_its_size(bool multipart)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bucket = await rgw.NewBucketAsync();
        using var store = new S3ObjectStore(
            bucket.Client,
            rgw.Options(bucket.Name) with { ConditionalMultipartComplete = multipart, PartSize = 5 * 1024 * 1024 });
        const long length = 40L * 1024 * 1024;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await using (var content = new GeneratedStream(length, seed: 6))
        {
            Assert.Equal(PutResult.Created, await store.PutIfAbsentAsync(
                "big.tgz",
                content,
                length,
                new ObjectHeaders("application/gzip", CachePolicy.Immutable),
                ct));
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Current
            .SendDiagnosticMessage($"40 MB upload (multipart: {multipart}) allocated {allocated / 1024 / 1024} MiB");
        Assert.True(allocated < length / 2, $"allocated {allocated} bytes for a {length}-byte upload");
    }
}
