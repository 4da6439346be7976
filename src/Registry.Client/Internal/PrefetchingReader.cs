using System.Collections.Concurrent;
using Registry.Core;
using Registry.Core.Storage;

namespace Registry.Client.Internal;

/// <summary>
/// Fetches files before the verifier asks for them, so that requests whose order the trust rules
/// do not fix travel together (the root probe and the snapshot the timestamp names): the verifier
/// still reads and checks each file in its own order, and gets the bytes already on their way.
/// Prefetching changes when a request is sent, never what is accepted: a prefetched body is
/// handed over only when it fits the cap of the read that asks for it (else that read is sent
/// again with its own cap, so a too-long body fails exactly as it would have), and it goes through
/// the same checks as any other. A prefetch nobody asks for is dropped and its failure ignored.
/// </summary>
internal sealed class PrefetchingReader(IObjectReader inner) : IObjectReader
{
    private readonly ConcurrentDictionary<string, (long Cap, Task<StoredObject?> Read)> _ahead = new(
        StringComparer.Ordinal);

    public string Location => inner.Location;

    /// <summary>Starts reading <paramref name="key"/> (capped at <paramref name="maxBytes"/>) unless a read of it is
    /// already ahead.</summary>
    public void Prefetch(string key, long maxBytes, CancellationToken cancellationToken)
    {
        _ahead.GetOrAdd(key, k =>
        {
            var read = inner.GetCappedOrNullAsync(k, maxBytes, cancellationToken);
            // Observed here, so that a prefetch nobody asks for never surfaces as an unobserved fault.
            _ = read.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return (maxBytes, read);
        });
    }

    /// <summary>The read of <paramref name="key"/> already on its way, if any (left in place for the reader that will
    /// ask for it).</summary>
    public Task<StoredObject?>? InFlight(string key) => _ahead.TryGetValue(key, out var ahead) ? ahead.Read : null;

    public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken) =>
        GetCappedOrNullAsync(key, long.MaxValue, cancellationToken);

    public async Task<StoredObject?> GetCappedOrNullAsync(
        string key,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        if (_ahead.TryRemove(key, out var ahead))
        {
            StoredObject? stored = null;
            try
            {
                stored = await ahead.Read.ConfigureAwait(false);
            }
            catch (RegistryException) when (ahead.Cap < maxBytes && !cancellationToken.IsCancellationRequested)
            {
                // Read under a lower cap than this read allows: ask again under this one.
            }

            if (stored is not null && stored.Content.LongLength <= maxBytes)
            {
                return stored;
            }

            if (stored is null && ahead.Read.IsCompletedSuccessfully)
            {
                return null;
            }
        }

        return await inner.GetCappedOrNullAsync(key, maxBytes, cancellationToken).ConfigureAwait(false);
    }

    public Task<StoredObject?> GetPinnedOrNullAsync(string key, long length, CancellationToken cancellationToken) =>
        inner.GetPinnedOrNullAsync(key, length, cancellationToken);

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
        => inner.OpenReadOrNullAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
        => inner.ExistsAsync(key, cancellationToken);

    public void Dispose()
    {
    }
}
