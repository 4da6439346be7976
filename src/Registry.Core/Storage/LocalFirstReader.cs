using System.Collections.Concurrent;
namespace Registry.Core.Storage;

/// <summary>
/// Reads immutable files from a local copy (a mirror's destination, a client's trusted metadata) when it has them and
/// from the source otherwise, remembering what came from the source so it can be written afterwards. Safe because every
/// file is verified (signature, version, length, hash) whichever side it came from; it is what makes a sync or an
/// update cost O(changes) requests. What was fetched is NOT trusted by being here: callers persist only what
/// <see cref="Tuf.RegistryState"/> reported as verified.
/// </summary>
public sealed class LocalFirstReader(IObjectReader source, IObjectReader destination) : IObjectReader
{
    public ConcurrentDictionary<string, byte[]> FetchedFromSource { get; } = new(StringComparer.Ordinal);

    public string Location => source.Location;

    public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken) =>
        GetCappedOrNullAsync(key, long.MaxValue, cancellationToken);

    public Task<StoredObject?> GetCappedOrNullAsync(string key, long maxBytes, CancellationToken cancellationToken) =>
        GetAsync(key, (reader, ct) => reader.GetCappedOrNullAsync(key, maxBytes, ct), cancellationToken);

    public Task<StoredObject?> GetPinnedOrNullAsync(string key, long length, CancellationToken cancellationToken) =>
        GetAsync(key, (reader, ct) => reader.GetPinnedOrNullAsync(key, length, ct), cancellationToken);

    private async Task<StoredObject?> GetAsync(
        string key,
        Func<IObjectReader, CancellationToken, Task<StoredObject?>> read,
        CancellationToken cancellationToken)
    {
        if (key != RegistryLayout.TimestampKey
            && await read(destination, cancellationToken).ConfigureAwait(false) is { } local)
        {
            return local;
        }

        var remote = await read(source, cancellationToken).ConfigureAwait(false);
        if (remote is not null)
        {
            FetchedFromSource[key] = remote.Content;
        }

        return remote;
    }

    public async Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken) =>
        await GetOrNullAsync(key, cancellationToken).ConfigureAwait(false) is { } stored
            ? new MemoryStream(stored.Content, writable: false)
            : null;

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await destination.ExistsAsync(key, cancellationToken).ConfigureAwait(false)
            || await source.ExistsAsync(key, cancellationToken).ConfigureAwait(false);

    public void Dispose()
    {
    }
}
