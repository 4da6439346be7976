using Polly;
using Polly.Retry;

namespace Registry.Store.S3.Internal;

/// <summary>The Polly pipelines every S3 call goes through: retry (exponential backoff with jitter) around a
/// per-attempt timeout.</summary>
internal static class S3Pipelines
{
    public static ResiliencePipeline Create(S3StoreOptions options, TimeSpan attemptTimeout, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested
                        && RetryClassifier.IsTransient(e)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(20),
            });
        }

        return builder.AddTimeout(attemptTimeout).Build();
    }
}
