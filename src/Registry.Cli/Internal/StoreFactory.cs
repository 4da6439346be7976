using Registry.Core;
using Registry.Core.Storage;

namespace Registry.Cli.Internal;

/// <summary>Opens a store from its location: <c>s3://bucket/prefix</c> or a folder path.</summary>
internal static class StoreFactory
{
    public static IObjectStore Open(string location, string? s3Endpoint)
    {
        if (location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            throw new EnvironmentException($"{location}: S3 stores are not available in this build");
        }

        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new EnvironmentException($"{location}: a URL is read-only; maintainer commands need the store itself (a folder or s3://)");
        }

        return CrashAfterWritesStore.Wrap(new FolderStore(location));
    }
}
