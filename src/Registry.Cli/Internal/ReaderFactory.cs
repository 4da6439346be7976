using Registry.Core.Storage;

namespace Registry.Cli.Internal;

/// <summary>Opens a registry for reading: a store, or a base URL (reading through the CDN).</summary>
internal static class ReaderFactory
{
    public static async Task<IObjectReader> OpenAsync(
        string location,
        string? s3Endpoint,
        CancellationToken cancellationToken)
    {
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new Registry.Client.HttpObjectReader(new Uri(location.EndsWith('/') ? location : location + "/"));
        }

        // Reading needs no settings: publicRead only changes how objects are written.
        return await StoreFactory.OpenAsync(location, s3Endpoint, publicRead: false, cancellationToken)
            .ConfigureAwait(false);
    }
}
