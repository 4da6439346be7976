using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Keys.Internal;

/// <summary>
/// The state a writer builds on. Normally it verifies under the newest root. Right after a
/// root rotation that changed keys or thresholds, the timestamp, snapshot or targets are still
/// signed as an older root of the (verified) chain required: the state is then verified under
/// the newest root that accepts it, and handed to the writer under the newest root, so that
/// everything it signs uses the new keys (the writer's <c>ResignPlanner</c> says what must be re-signed).
/// </summary>
internal static class SigningState
{
    public static async Task<RegistryState> LoadAsync(IObjectReader store, CancellationToken cancellationToken)
    {
        IReadOnlyList<SignedDocument<RootMetadata>> chain;
        try
        {
            chain = await RootChain.LoadChainAsync(store, cancellationToken).ConfigureAwait(false);
        }
        catch (VerificationException)
        {
            if (!await store.ExistsAsync(RegistryLayout.RootKey(1), cancellationToken).ConfigureAwait(false))
            {
                throw await NoRegistry.ExplainAsync(store, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }

        var latest = chain[^1];
        VerificationException? underLatest = null;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            try
            {
                var state = await RegistryState.LoadOrNullAsync(
                    store,
                    new StateLoadOptions { Anchor = chain[i], ProbeNewerRoots = false },
                    cancellationToken).ConfigureAwait(false)
                    ?? throw await NoRegistry.ExplainAsync(store, cancellationToken).ConfigureAwait(false);
                return i == chain.Count - 1 ? state : state.WithRoot(latest);
            }
            catch (VerificationException e)
            {
                underLatest ??= e;
            }
        }

        throw underLatest!;
    }
}
