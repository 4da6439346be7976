using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client.Internal;

/// <summary>
/// The shared cache of verified bytes (index documents and artifacts), kept by sha256 under
/// <c>blobs/AB/SHA256</c>: a copy is used only when its length and sha256 match what signed metadata
/// pins, and one that does not (disk corruption, a partial copy) is replaced.
/// </summary>
internal static class BlobCache
{
    public static async Task<byte[]?> GetOrNullAsync(
        IObjectStore cache, string sha256, long length, CancellationToken cancellationToken)
    {
        var cached = await cache.GetOrNullAsync(Key(sha256), cancellationToken).ConfigureAwait(false);
        return cached is not null && Hashing.ContentMatches(cached.Content, length, sha256) ? cached.Content : null;
    }

    public static async Task PutAsync(
        IObjectStore cache, string sha256, byte[] content, CancellationToken cancellationToken)
    {
        var blob = Key(sha256);
        if (await cache.ExistsAsync(blob, cancellationToken).ConfigureAwait(false))
        {
            // A cached copy that failed its hash (disk corruption, a partial copy) is replaced.
            await cache.DeleteAsync(blob, cancellationToken).ConfigureAwait(false);
        }

        var headers = new ObjectHeaders("application/octet-stream", CachePolicy.Immutable);
        await cache.PutIfAbsentAsync(blob, content, headers, cancellationToken).ConfigureAwait(false);
    }

    private static string Key(string sha256) => $"blobs/{sha256[..2]}/{sha256}";
}
