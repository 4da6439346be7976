using Registry.Core;

namespace Registry.Store.S3.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Parse_splits_bucket_and_prefix_and_takes_the_explicit_endpoint_first()
    {
        var options = S3StoreOptions.Parse("s3://my-bucket/some/prefix/", "http://127.0.0.1:9000");
        Assert.Equal("my-bucket", options.Bucket);
        Assert.Equal("some/prefix", options.Prefix);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), options.Endpoint);
        Assert.Equal("s3://my-bucket/some/prefix", options.Location);

        Assert.Equal("", S3StoreOptions.Parse("s3://my-bucket", "http://x:1").Prefix);
    }

    [Theory]
    [InlineData("/tmp/folder")]
    [InlineData("s3://")]
    [InlineData("s3://Bad_Bucket/x")]
    public void Parse_rejects_what_is_not_an_s3_location(string location)
    {
        Assert.Throws<EnvironmentException>(() => S3StoreOptions.Parse(location, "http://x:1"));
    }
}
