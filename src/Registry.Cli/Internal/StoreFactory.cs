using Registry.Core.Storage;
using Registry.Store.S3;

namespace Registry.Cli.Internal;

/// <summary>Opens the store a command names (<see cref="StoreLocation"/>), the one place every command's store comes
/// from.</summary>
internal static class StoreFactory
{
    /// <summary>
    /// Test seam: a wrapper around every store opened in this asynchronous flow (the crash
    /// tests wrap stores in one that dies after N writes). Set only by code in the test
    /// assemblies (internal, <c>InternalsVisibleTo</c>); no option, environment variable or
    /// file of the shipped tool reaches it, so fault injection is not in its code paths.
    /// </summary>
    internal static readonly AsyncLocal<Func<IObjectStore, IObjectStore>?> TestWrapper = new();

    /// <inheritdoc cref="StoreLocation.OpenAsync"/>
    public static async Task<IObjectStore> OpenAsync(
        string location,
        string? s3Endpoint,
        bool? publicRead,
        CancellationToken cancellationToken)
    {
        var store = await StoreLocation.OpenAsync(location, s3Endpoint, publicRead, cancellationToken)
            .ConfigureAwait(false);
        return TestWrapper.Value is { } wrap ? wrap(store) : store;
    }
}
