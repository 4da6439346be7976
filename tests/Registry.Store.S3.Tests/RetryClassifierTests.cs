using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Polly.Timeout;
using Registry.Store.S3.Internal;

namespace Registry.Store.S3.Tests;

public sealed class RetryClassifierTests
{
    [Theory]
    [InlineData(503, "SlowDown", true)]
    [InlineData(503, "ServiceUnavailable", true)]
    [InlineData(500, "InternalError", true)]
    [InlineData(502, null, true)]
    [InlineData(429, "TooManyRequests", true)]
    [InlineData(400, "RequestTimeout", true)]
    [InlineData(409, "ConditionalRequestConflict", true)]
    [InlineData(409, "BucketAlreadyExists", false)]
    [InlineData(412, "PreconditionFailed", false)]
    [InlineData(404, "NoSuchKey", false)]
    [InlineData(404, "NoSuchBucket", false)]
    [InlineData(403, "AccessDenied", false)]
    [InlineData(400, "InvalidArgument", false)]
    public void Only_throttling_5xx_and_timeouts_are_retried(int status, string? code, bool retried)
    {
        var e = new AmazonS3Exception("test", ErrorType.Sender, code, "req", (HttpStatusCode)status);
        Assert.Equal(retried, RetryClassifier.IsTransient(e));
    }

    [Fact]
    public void Timeouts_and_broken_connections_are_retried()
    {
        Assert.True(RetryClassifier.IsTransient(new TimeoutRejectedException()));
        Assert.True(RetryClassifier.IsTransient(new HttpRequestException("reset")));
        Assert.True(RetryClassifier.IsTransient(new IOException("reset")));
        Assert.True(
            RetryClassifier.IsTransient(new AmazonClientException("wrapped", new HttpRequestException("reset"))));
        Assert.False(RetryClassifier.IsTransient(new ArgumentException("bug")));
    }

    [Fact]
    public async Task The_pipeline_retries_a_503_and_gives_up_on_a_412_at_once()
    {
        var options = new S3StoreOptions {
            Bucket = "b",
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1) };
        var pipeline = S3Pipelines.Create(options, TimeSpan.FromSeconds(5), TimeProvider.System);

        var attempts = 0;
        await pipeline.ExecuteAsync(_ =>
        {
            if (++attempts < 3)
            {
                throw new AmazonS3Exception(
                    "slow",
                    ErrorType.Receiver,
                    "SlowDown",
                    "r",
                    HttpStatusCode.ServiceUnavailable);
            }

            return ValueTask.CompletedTask;
        }, TestContext.Current.CancellationToken);
        Assert.Equal(3, attempts);

        attempts = 0;
        await Assert.ThrowsAsync<AmazonS3Exception>(async () => await pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new AmazonS3Exception(
                "no",
                ErrorType.Sender,
                "PreconditionFailed",
                "r",
                HttpStatusCode.PreconditionFailed);
        }, TestContext.Current.CancellationToken));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        var options = new S3StoreOptions {
            Bucket = "b",
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1) };
        var pipeline = S3Pipelines.Create(options, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        var attempts = 0;
        await pipeline.ExecuteAsync(async ct =>
        {
            if (++attempts == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }
        }, TestContext.Current.CancellationToken);
        Assert.Equal(2, attempts);
    }
}
