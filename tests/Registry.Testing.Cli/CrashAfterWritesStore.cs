using Registry.Core.Storage;

namespace Registry.Testing.Cli;

/// <summary>
/// Fault injection for the crash tests: the store dies right after its N-th completed write
/// (precondition-probe writes are not counted; with N = 0, at the first write): every later call, read or write, throws
/// <see cref="SimulatedCrashException"/>. To the store this is what a SIGKILL at that point
/// looks like: the completed writes stay and nothing else reaches it, whatever clean-up the
/// command would attempt. Installed only through <see cref="RegistryCli.RunCrashingAfterWritesAsync"/>
/// (a test seam of the CLI), never by an option or environment variable of the tool.
/// </summary>
internal sealed class CrashAfterWritesStore(IObjectStore inner, int writes) : IObjectStore
{
    private int _remaining = writes;
    private volatile bool _dead;

    public string Location => inner.Location;

    public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.GetOrNullAsync(key, cancellationToken);
    }

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.OpenReadOrNullAsync(key, cancellationToken);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.ExistsAsync(key, cancellationToken);
    }

    public async Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        BeforeWrite();
        var result = await inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken);
        Written(key);
        return result;
    }

    public async Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        BeforeWrite();
        var result = await inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);
        Written(key);
        return result;
    }

    public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ThrowIfDead();
        return inner.ListAsync(prefix, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        BeforeWrite();
        return inner.DeleteAsync(key, cancellationToken);
    }

    public void Dispose() => inner.Dispose();

    private void BeforeWrite()
    {
        _dead |= Volatile.Read(ref _remaining) <= 0;
        ThrowIfDead();
    }

    private void Written(string key)
    {
        if (!key.StartsWith(PreconditionProbe.Prefix, StringComparison.Ordinal)
            && Interlocked.Decrement(ref _remaining) <= 0)
        {
            _dead = true;
        }
    }

    private void ThrowIfDead()
    {
        if (_dead)
        {
            throw new SimulatedCrashException();
        }
    }
}

/// <summary>The process "died": thrown by every call on a <see cref="CrashAfterWritesStore"/> after its last
/// write.</summary>
public sealed class SimulatedCrashException() : Exception(
    "simulated crash: the store accepts nothing after the planned number of writes");
