using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Polly.Timeout;

namespace Registry.Store.S3.Internal;

/// <summary>
/// Which failures are worth another attempt. Throttling (503 SlowDown, 429), other 5xx, timeouts and
/// broken connections are; every other 4xx is an answer (412 precondition failed, 404, 403), not a
/// failure, and is never retried. One exception: 409 ConditionalRequestConflict, which S3 documents as
/// "a concurrent conditional write was in flight: retry", and whose retry gets a definite 200 or 412.
/// </summary>
internal static class RetryClassifier
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException => true,
        AmazonServiceException service when service
            .StatusCode != 0 => IsTransientStatus(service.StatusCode, service.ErrorCode),
        AmazonServiceException { InnerException: { } inner } => IsTransient(inner),
        AmazonClientException { InnerException: { } inner } => IsTransient(inner),
        HttpRequestException or IOException or SocketException => true,
        // The SDK's own HTTP timeout; a cancellation by the caller stops the pipeline before this is asked.
        TaskCanceledException or TimeoutException => true,
        _ => false,
    };

    public static bool IsTransientStatus(HttpStatusCode status, string? errorCode)
    {
        var code = (int)status;
        return code >= 500
            || status == HttpStatusCode.TooManyRequests
            || errorCode is "SlowDown" or "RequestTimeout" or "Throttling" or "ThrottlingException"
                or "RequestTimeTooSkewed"
            || (status == HttpStatusCode.Conflict && errorCode == "ConditionalRequestConflict");
    }
}
