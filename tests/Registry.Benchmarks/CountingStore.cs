using Registry.Core.Storage;

namespace Registry.Benchmarks;

/// <summary>Counts the requests and bytes that go through a store.</summary>
internal sealed class CountingStore(IObjectStore inner) : IObjectStore
{
    public int Reads;
    public int Writes;
    public long BytesRead;
    public long BytesWritten;

    public string Location => inner.Location;

    /// <summary>The store underneath, for reads that should not count.</summary>
    public IObjectStore Inner => inner;

    public void Reset() => (Reads, Writes, BytesRead, BytesWritten) = (0, 0, 0, 0);

    public async Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Reads);
        var result = await inner.GetOrNullAsync(key, cancellationToken);
        Interlocked.Add(ref BytesRead, result?.Content.LongLength ?? 0);
        return result;
    }

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Reads);
        return inner.OpenReadOrNullAsync(key, cancellationToken);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Reads);
        return inner.ExistsAsync(key, cancellationToken);
    }

    public async Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Writes);
        var result = await inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken);
        if (result == PutResult.Created)
        {
            Interlocked.Add(ref BytesWritten, length);
        }

        return result;
    }

    public async Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Writes);
        var result = await inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);
        if (result == SwapResult.Swapped)
        {
            Interlocked.Add(ref BytesWritten, content.Length);
        }

        return result;
    }

    public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
        => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
        => inner.DeleteAsync(key, cancellationToken);

    public void Dispose() => inner.Dispose();
}
