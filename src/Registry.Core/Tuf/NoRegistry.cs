using Registry.Core.Settings;
using Registry.Core.Storage;

namespace Registry.Core.Tuf;

/// <summary>
/// Why a store without <c>timestamp.json</c> holds no registry, in words that say what to run:
/// nothing there yet (<c>registry init</c>), an init that was interrupted (it writes
/// <c>registry-config.json</c> first), or a copy that <c>registry mirror</c> did not finish (it
/// writes the timestamp last, and never the publisher's settings).
/// </summary>
public static class NoRegistry
{
    public static async Task<RegistryException> ExplainAsync(IObjectReader store, CancellationToken cancellationToken)
    {
        var location = store.Location;
        if (!await HoldsRegistryFilesAsync(store, cancellationToken).ConfigureAwait(false))
        {
            return new EnvironmentException(
                $"{location}: no registry here (no {RegistryLayout.TimestampKey}); run 'registry init' first");
        }

        if (await store.ExistsAsync(RegistrySettings.Key, cancellationToken).ConfigureAwait(false))
        {
            return new EnvironmentException(
                $"{location}: holds registry files but no {RegistryLayout.TimestampKey}: an earlier 'registry init' "
                + "was interrupted; empty the store and run 'registry init' again");
        }

        return new VerificationException(
            $"{location}: an incomplete mirror: it holds registry files but no {RegistryLayout.TimestampKey}, which "
            + "'registry mirror' writes last, so a mirror run stopped before it finished; run 'registry mirror' again "
            + "to complete it");
    }

    private static async Task<bool> HoldsRegistryFilesAsync(IObjectReader store, CancellationToken cancellationToken)
    {
        if (await store.ExistsAsync(RegistryLayout.RootKey(1), cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        if (store is not IObjectStore listable)
        {
            return false;
        }

        try
        {
            foreach (var prefix in new[] { "metadata/", "targets/" })
            {
                await foreach (var _ in listable.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A store that may not be listed (an S3 reader without s3:ListBucket) tells nothing more.
        }

        return false;
    }
}
