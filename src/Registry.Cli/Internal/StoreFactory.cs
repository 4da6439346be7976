using Registry.Core;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Store.S3;

namespace Registry.Cli.Internal;

/// <summary>Opens a store from its location: <c>s3://bucket/prefix</c> or a folder path.</summary>
internal static class StoreFactory
{
    /// <summary>
    /// Opens a store. For S3, <paramref name="publicRead"/> null means "as the registry's
    /// settings say" (set once at init), so that every write of a public registry is public.
    /// </summary>
    public static IObjectStore Open(string location, string? s3Endpoint, bool? publicRead = null)
    {
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new EnvironmentException($"{location}: a URL is read-only; this command needs the store itself (a folder or s3://)");
        }

        if (!location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return CrashAfterWritesStore.Wrap(new FolderStore(location));
        }

        var options = S3StoreOptions.Parse(location, s3Endpoint);
        if (publicRead is null)
        {
            using var probe = new S3ObjectStore(options);
            publicRead = RegistrySettings.LoadAsync(probe, CancellationToken.None).GetAwaiter().GetResult().PublicRead;
        }

        return CrashAfterWritesStore.Wrap(new S3ObjectStore(options with { PublicRead = publicRead.Value }));
    }

    /// <summary>
    /// What the precondition proof is recorded for: the kind of store and, for S3, the endpoint
    /// (a proxy or another server in front of the same bucket must be proven again).
    /// </summary>
    public static string Fingerprint(string location, string? s3Endpoint)
    {
        if (!location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return "registry-precondition-proof/1 folder";
        }

        var options = S3StoreOptions.Parse(location, s3Endpoint);
        return $"registry-precondition-proof/1 s3 endpoint={options.Endpoint?.ToString() ?? "aws"} region={options.Region}";
    }
}
