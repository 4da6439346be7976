namespace Registry.Core.Storage;

/// <summary>
/// Proves that a store enforces the two preconditions the publish transaction relies on:
/// a second create-only write of one key is refused, and a compare-and-swap with a stale tag
/// is refused. A store that silently overwrites (some S3 emulators, proxies that strip
/// headers) would let concurrent publishers lose versions.
/// </summary>
public static class PreconditionProbe
{
    public const string Prefix = ".registry-probe/";

    /// <summary>Returns null when the store enforces both, else what it failed.</summary>
    public static async Task<string?> RunAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var key = Prefix + Guid.NewGuid().ToString("N");
        var headers = new ObjectHeaders("text/plain", "no-store");
        try
        {
            if (await store.PutIfAbsentAsync(key, "first"u8.ToArray(), headers, cancellationToken).ConfigureAwait(false) != PutResult.Created)
            {
                return "a create-only write of a new key was refused";
            }

            if (await store.PutIfAbsentAsync(key, "second"u8.ToArray(), headers, cancellationToken).ConfigureAwait(false) != PutResult.AlreadyExists)
            {
                return "a second create-only write (If-None-Match: *) of the same key was accepted";
            }

            var current = await store.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null || !current.Content.AsSpan().SequenceEqual("first"u8))
            {
                return "a refused create-only write changed the object";
            }

            if (await store.SwapAsync(key, "third"u8.ToArray(), "stale-" + current.VersionTag, headers, cancellationToken).ConfigureAwait(false) != SwapResult.Conflict)
            {
                return "a compare-and-swap (If-Match) with a stale version tag was accepted";
            }

            if (await store.SwapAsync(key, "fourth"u8.ToArray(), current.VersionTag, headers, cancellationToken).ConfigureAwait(false) != SwapResult.Swapped)
            {
                return "a compare-and-swap with the current version tag was refused";
            }

            return null;
        }
        finally
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }
}
