using Registry.Core.Storage;
using Registry.Core.Tuf.Internal;

namespace Registry.Core.Tuf;

/// <summary>
/// Reading a file that verified metadata pins (an index document by its bin entry, an artifact
/// by its index entry): never more than the pinned length is read, a missing file is a
/// verification failure, and the bytes must pass <see cref="Hashing.VerifyContent"/>; a file
/// too large to hold is streamed through the same rule (<see cref="PinnedReadStream"/>). One
/// place for publisher, client, mirror, verify and gc.
/// </summary>
public static class PinnedContent
{
    /// <summary>The verified bytes of <paramref name="key"/>; <paramref name="source"/> names it in messages (a key, a
    /// URL).</summary>
    public static async Task<byte[]> ReadPinnedAsync(
        this IObjectReader reader,
        string key,
        long length,
        string sha256,
        string source,
        CancellationToken cancellationToken)
    {
        var stored = await reader.GetPinnedOrNullAsync(key, length, cancellationToken).ConfigureAwait(false)
            ?? throw new VerificationException($"{source}: pinned by the signed metadata but missing");
        Hashing.VerifyContent(stored.Content, length, sha256, source);
        return stored.Content;
    }

    /// <summary>
    /// Streams a pinned file through its pin check without holding it in memory (artifacts, for
    /// audits): whether it exists, and when it does, why it is not the pinned bytes (null: it is).
    /// </summary>
    public static async Task<(bool Found, string? Mismatch)> CheckPinnedStreamAsync(
        this IObjectReader reader,
        string key,
        long length,
        string sha256,
        CancellationToken cancellationToken)
    {
        try
        {
            var found = await reader.ReadStreamingAsync(key, length, async (stream, ct) =>
            {
                var pinned = new PinnedReadStream(stream, length, sha256, key);
                await using (pinned.ConfigureAwait(false))
                {
                    await pinned.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
            return (found, null);
        }
        catch (VerificationException e)
        {
            return (true, e.Message);
        }
    }

    /// <summary>
    /// Copies a pinned file into <paramref name="destination"/> without holding it in memory (the
    /// mirror's artifacts): the bytes stream through the pin check into a create-only write, which
    /// completes only once they are verified, so a file that is not the pinned one is refused and
    /// leaves nothing at the destination. <paramref name="source"/> names it in messages.
    /// </summary>
    public static async Task<PutResult> CopyPinnedAsync(
        this IObjectReader reader,
        string key,
        long length,
        string sha256,
        IObjectStore destination,
        ObjectHeaders headers,
        string source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var result = PutResult.AlreadyExists;
        var found = await reader.ReadStreamingAsync(key, length, async (stream, ct) =>
        {
            var pinned = new PinnedReadStream(stream, length, sha256, source);
            await using (pinned.ConfigureAwait(false))
            {
                result = await destination.PutIfAbsentAsync(key, pinned, length, headers, ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return found ? result : throw new VerificationException($"{source}: pinned by the signed metadata but missing");
    }
}
