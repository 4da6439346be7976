namespace Registry.Core.Storage;

/// <summary>
/// A store whose preconditions are proven just before its first write, not when it is opened:
/// a command that is refused (missing keys, no registry, an invalid package) or has nothing to
/// do never writes, so it leaves the store byte-identical (and does not even create a missing
/// folder). The proof itself is recorded in the store (<see cref="PreconditionProbe.EnsureAsync"/>),
/// so a proven store costs one small read per write command. <paramref name="onUnsafe"/> gets
/// the problem when the store fails the probe: throw to refuse the write, or return to accept
/// the risk (the CLI's <c>--allow-unsafe-store</c>). <paramref name="fingerprint"/> is what the
/// proof is recorded for (<c>StoreLocation.Fingerprint</c> in Registry.Store.S3).
/// </summary>
public sealed class ProvenStore(IObjectStore inner, string fingerprint, Func<string, Task> onUnsafe) : IObjectStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _proven;

    public string Location => inner.Location;

    public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
        => inner.GetOrNullAsync(key, cancellationToken);

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
        => inner.OpenReadOrNullAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
        => inner.ExistsAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
        => inner.ListAsync(prefix, cancellationToken);

    public async Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        await ProveAsync(cancellationToken).ConfigureAwait(false);
        return await inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        await ProveAsync(cancellationToken).ConfigureAwait(false);
        return await inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await ProveAsync(cancellationToken).ConfigureAwait(false);
        await inner.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _gate.Dispose();
        inner.Dispose();
    }

    private async Task ProveAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _proven))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_proven)
            {
                return;
            }

            if (await PreconditionProbe.EnsureAsync(inner, fingerprint, cancellationToken)
                .ConfigureAwait(false) is { } problem)
            {
                await onUnsafe(problem).ConfigureAwait(false);
            }

            Volatile.Write(ref _proven, true);
        }
        finally
        {
            _gate.Release();
        }
    }
}
