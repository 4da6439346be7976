using Registry.Core.Storage;

namespace Registry.Core.Tuf;

/// <summary>
/// Reading a file that verified metadata pins (an index document by its bin entry, an artifact
/// by its index entry): never more than the pinned length is read, a missing file is a
/// verification failure, and the bytes must pass <see cref="Hashing.VerifyContent"/>. One
/// place for publisher, client, mirror, verify and gc.
/// </summary>
public static class PinnedContent
{
    /// <summary>The verified bytes of <paramref name="key"/>; <paramref name="source"/> names it in messages (a key, a URL).</summary>
    public static async Task<byte[]> ReadPinnedAsync(this IObjectReader reader, string key, long length, string sha256, string source, CancellationToken cancellationToken)
    {
        var stored = await reader.GetPinnedOrNullAsync(key, length, cancellationToken).ConfigureAwait(false)
            ?? throw new VerificationException($"{source}: pinned by the signed metadata but missing");
        Hashing.VerifyContent(stored.Content, length, sha256, source);
        return stored.Content;
    }

    /// <summary>
    /// Streams a pinned file through sha256 without holding it in memory (artifacts, for audits):
    /// whether it exists, and when it does, why it is not the pinned bytes (null: it is).
    /// </summary>
    public static async Task<(bool Found, string? Mismatch)> CheckPinnedStreamAsync(this IObjectReader reader, string key, long length, string sha256, CancellationToken cancellationToken)
    {
        var stream = await reader.OpenReadOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return (false, null);
        }

        await using (stream.ConfigureAwait(false))
        {
            var (actual, actualLength) = await Hashing.Sha256HexAsync(stream, cancellationToken).ConfigureAwait(false);
            try
            {
                Hashing.VerifyDigest(actualLength, actual, length, sha256, key);
                return (true, null);
            }
            catch (VerificationException e)
            {
                return (true, e.Message);
            }
        }
    }
}
