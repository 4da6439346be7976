using Registry.Core.Storage;

namespace Registry.Core.Tests.Storage;

/// <summary>What a 404 may be cached for: the root probe's miss as long as the timestamp, nothing else.</summary>
public sealed class CachePolicyMissTests
{
    [Theory]
    [InlineData("metadata/2.root.json", "public, max-age=45")]
    [InlineData("metadata/10.root.json", "public, max-age=45")]
    [InlineData("metadata/root.json", "no-store")]
    [InlineData("metadata/x.root.json", "no-store")]
    [InlineData("metadata/2.root.json.tmp", "no-store")]
    [InlineData("metadata/2.snapshot.json", "no-store")]
    [InlineData("targets/packages/alpha/1.0.0/alpha-1.0.0.tgz", "no-store")]
    [InlineData("nuget/v3/search/query/ab.json", "no-store")]
    public void Only_the_root_probe_miss_is_cacheable(string key, string expected) =>
        Assert.Equal(expected, new CachePolicy(timestampMaxAgeSeconds: 45).CacheControlOfMissing(key));
}
