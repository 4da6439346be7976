using Registry.Core.Storage;

namespace Registry.Cli.Internal;

/// <summary>Opens a registry for reading: a store, or a base URL (reading through the CDN).</summary>
internal static class ReaderFactory
{
    public static IObjectReader Open(string location, string? s3Endpoint)
    {
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new Registry.Client.HttpObjectReader(new Uri(location.EndsWith('/') ? location : location + "/"));
        }

        return StoreFactory.Open(location, s3Endpoint);
    }
}
