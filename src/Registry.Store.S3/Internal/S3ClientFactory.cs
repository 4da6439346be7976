using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Registry.Store.S3.Internal;

/// <summary>Builds the AWSSDK client: standard credential chain, our endpoint rules, no SDK retries (Polly owns
/// them).</summary>
internal static class S3ClientFactory
{
    // The default chain: environment (AWS_ACCESS_KEY_ID...), profile (AWS_PROFILE, ~/.aws), SSO, instance roles.
    public static AmazonS3Client Create(S3StoreOptions options) => new(CreateConfig(options));

    public static AmazonS3Config CreateConfig(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            // radosgw 16 rejects the SDK's default trailing checksum (XAmzContentSHA256Mismatch).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
            Timeout = options.TransferAttemptTimeout + TimeSpan.FromMinutes(1),
            ForcePathStyle = options.ForcePathStyle ?? options.Endpoint is not null,
        };
        if (options.Endpoint is not null)
        {
            config.ServiceURL = options.Endpoint.ToString();
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return config;
    }
}
