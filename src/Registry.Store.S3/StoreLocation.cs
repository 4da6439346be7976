using Registry.Core;
using Registry.Core.Settings;
using Registry.Core.Storage;

namespace Registry.Store.S3;

/// <summary>
/// Opens a registry's store from its location, as the <c>--store</c> option names it: a folder
/// path or <c>s3://bucket/prefix</c>. It lives here because this is the one project that can
/// see both kinds of store (only it references AWSSDK.S3). A program that publishes does
/// <c>using var store = await StoreLocation.OpenAsync("s3://bucket/registry", cancellationToken: ct);</c>.
/// </summary>
public static class StoreLocation
{
    public static bool IsS3(string location) => location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens the store at <paramref name="location"/>. Nothing is written. For S3,
    /// <paramref name="publicRead"/> null means "as the registry's settings say" (set once at
    /// init, so that every write of a public registry is public): the settings are read here,
    /// one GET, asynchronously; a folder ignores it. <paramref name="s3Endpoint"/> null means
    /// <c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_ENDPOINT_URL</c>, then AWS.
    /// </summary>
    public static async Task<IObjectStore> OpenAsync(
        string location,
        string? s3Endpoint = null,
        bool? publicRead = null,
        CancellationToken cancellationToken = default)
    {
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new EnvironmentException(
                $"{location}: a URL is read-only; this command needs the store itself (a folder or s3://)");
        }

        if (!IsS3(location))
        {
            return new FolderStore(location);
        }

        var options = S3StoreOptions.Parse(location, s3Endpoint);
        if (publicRead is null)
        {
            using var probe = new S3ObjectStore(options);
            publicRead = (await RegistrySettings.LoadAsync(probe, cancellationToken).ConfigureAwait(false)).PublicRead;
        }

        return new S3ObjectStore(options with { PublicRead = publicRead.Value });
    }

    /// <summary>
    /// What a precondition proof (<see cref="PreconditionProbe"/>) is recorded for: the kind of
    /// store and, for S3, the endpoint and region (a proxy or another server in front of the same
    /// bucket must be proven again).
    /// </summary>
    public static string Fingerprint(string location, string? s3Endpoint = null)
    {
        if (!IsS3(location))
        {
            return "registry-precondition-proof/1 folder";
        }

        var options = S3StoreOptions.Parse(location, s3Endpoint);
        return $"registry-precondition-proof/1 s3 endpoint={options.Endpoint?.ToString() ?? "aws"} "
            + $"region={options.Region}";
    }
}
