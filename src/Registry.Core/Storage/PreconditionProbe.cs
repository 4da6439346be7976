namespace Registry.Core.Storage;

/// <summary>
/// Proves that a store enforces the two preconditions the publish transaction relies on:
/// a second create-only write of one key is refused, and a compare-and-swap with a stale tag
/// is refused. A store that silently overwrites (some S3 emulators, proxies that strip
/// headers) would let concurrent publishers lose versions.
/// </summary>
/// <remarks>
/// <see cref="EnsureAsync"/> is what the write commands use: the proof is recorded in the
/// store under the fixed key <see cref="ProofKey"/> together with a fingerprint of the store's
/// configuration (its kind and endpoint). While the recorded fingerprint matches, the proof
/// costs one small read; a new configuration (another endpoint, a proxy) is proven again. No
/// compare-and-swap targets a random key, so a store keeps one probe object (and, for a folder,
/// one lock file) whatever the number of commands run against it; the create-only test uses a
/// fresh key (concurrent probes cannot disturb each other) and removes it, and a folder's
/// create-only write leaves no lock file.
/// </remarks>
public static class PreconditionProbe
{
    public const string Prefix = ".registry-probe/";

    /// <summary>Holds the fingerprint of the last configuration that passed the probe.</summary>
    public const string ProofKey = Prefix + "proven";

    private static readonly ObjectHeaders Headers = new("text/plain", "no-store");

    /// <summary>
    /// Returns null when the store was already proven for <paramref name="fingerprint"/>
    /// (one read) or passes the probe now (then the proof is recorded), else what it failed.
    /// </summary>
    public static async Task<string?> EnsureAsync(
        IObjectStore store,
        string fingerprint,
        CancellationToken cancellationToken)
    {
        var expected = System.Text.Encoding.UTF8.GetBytes(fingerprint);
        var proof = await store.GetOrNullAsync(ProofKey, cancellationToken).ConfigureAwait(false);
        if (proof is not null && proof.Content.AsSpan().SequenceEqual(expected))
        {
            return null;
        }

        if (await ProbeCreateOnlyAsync(store, Prefix + Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(
            false) is { } problem)
        {
            return problem;
        }

        // The compare-and-swap is proven on the proof object itself: a stale tag must be
        // refused, then the current tag must let the new fingerprint in.
        if (await store.SwapAsync(ProofKey, expected, "stale-" + proof?.VersionTag, Headers, cancellationToken)
            .ConfigureAwait(false) != SwapResult.Conflict)
        {
            await store.DeleteAsync(ProofKey, cancellationToken).ConfigureAwait(false);
            return "a compare-and-swap (If-Match) with a stale version tag was accepted";
        }

        if (await store.SwapAsync(ProofKey, expected, proof?.VersionTag, Headers, cancellationToken)
            .ConfigureAwait(false) != SwapResult.Swapped)
        {
            // Another publisher may have recorded the same proof meanwhile.
            var now = await store.GetOrNullAsync(ProofKey, cancellationToken).ConfigureAwait(false);
            return now is not null && now.Content.AsSpan().SequenceEqual(expected)
                ? null
                : "a compare-and-swap with the current version tag was refused";
        }

        return null;
    }

    /// <summary>Runs the whole probe on a fresh key and removes it; null when the store enforces both.</summary>
    public static async Task<string?> RunAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var key = Prefix + Guid.NewGuid().ToString("N");
        if (await ProbeCreateOnlyAsync(store, key, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return problem;
        }

        try
        {
            await store.PutIfAbsentAsync(key, "first"u8.ToArray(), Headers, cancellationToken).ConfigureAwait(false);
            var current = await store.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return "a created object could not be read back";
            }

            if (await store.SwapAsync(
                key,
                "third"u8.ToArray(),
                "stale-" + current.VersionTag,
                Headers,
                cancellationToken).ConfigureAwait(false) != SwapResult.Conflict)
            {
                return "a compare-and-swap (If-Match) with a stale version tag was accepted";
            }

            return await store.SwapAsync(key, "fourth"u8.ToArray(), current.VersionTag, Headers, cancellationToken)
                .ConfigureAwait(false) != SwapResult.Swapped
                ? "a compare-and-swap with the current version tag was refused"
                : null;
        }
        finally
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A create-only write of <paramref name="key"/>, then a second one that must be refused; the key is
    /// removed after.</summary>
    private static async Task<string?> ProbeCreateOnlyAsync(
        IObjectStore store,
        string key,
        CancellationToken cancellationToken)
    {
        try
        {
            var first = await store.PutIfAbsentAsync(key, "first"u8.ToArray(), Headers, cancellationToken)
                .ConfigureAwait(false);
            if (first != PutResult.Created)
            {
                return "a create-only write of a new key was refused";
            }

            if (await store.PutIfAbsentAsync(key, "second"u8.ToArray(), Headers, cancellationToken)
                .ConfigureAwait(false) != PutResult.AlreadyExists)
            {
                return "a second create-only write (If-None-Match: *) of the same key was accepted";
            }

            var current = await store.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
            return current is null || !current.Content.AsSpan().SequenceEqual("first"u8)
                ? "a refused create-only write changed the object"
                : null;
        }
        finally
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }
}
