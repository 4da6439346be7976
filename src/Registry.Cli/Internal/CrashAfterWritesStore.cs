using System.Diagnostics;
using Registry.Core.Storage;

namespace Registry.Cli.Internal;

/// <summary>
/// Fault injection for the crash tests: with <c>REGISTRY_FAULT_KILL_AFTER_WRITES=N</c> the
/// process kills itself (SIGKILL, no clean-up) right after its N-th completed write, so every
/// point of a transaction can be crashed deterministically. Never set in normal use.
/// </summary>
internal sealed class CrashAfterWritesStore(IObjectStore inner, int writes) : IObjectStore
{
    public const string Variable = "REGISTRY_FAULT_KILL_AFTER_WRITES";

    private int _remaining = writes;

    public string Location => inner.Location;

    public static IObjectStore Wrap(IObjectStore store) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var n) && n >= 0 ? new CrashAfterWritesStore(store, n) : store;

    public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken) => inner.GetOrNullAsync(key, cancellationToken);

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken) => inner.OpenReadOrNullAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

    public async Task<PutResult> PutIfAbsentAsync(string key, Stream content, long length, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        CrashIfDue();
        var result = await inner.PutIfAbsentAsync(key, content, length, headers, cancellationToken).ConfigureAwait(false);
        Written(key);
        return result;
    }

    public async Task<SwapResult> SwapAsync(string key, ReadOnlyMemory<byte> content, string? expectedVersionTag, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        CrashIfDue();
        var result = await inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken).ConfigureAwait(false);
        Written(key);
        return result;
    }

    public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public void Dispose() => inner.Dispose();

    private void Written(string key)
    {
        if (!key.StartsWith(PreconditionProbe.Prefix, StringComparison.Ordinal))
        {
            Interlocked.Decrement(ref _remaining);
        }

        CrashIfDue();
    }

    private void CrashIfDue()
    {
        if (Volatile.Read(ref _remaining) <= 0)
        {
            Process.GetCurrentProcess().Kill();
        }
    }
}
