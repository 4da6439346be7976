namespace Registry.Core.Storage;

/// <summary>Outcome of a create-only write.</summary>
public enum PutResult
{
    /// <summary>The object did not exist and now holds the given bytes.</summary>
    Created,

    /// <summary>An object already existed under the key; nothing was written.</summary>
    AlreadyExists,
}

/// <summary>Outcome of a compare-and-swap of one object.</summary>
public enum SwapResult
{
    /// <summary>The object held the expected version and now holds the new bytes.</summary>
    Swapped,

    /// <summary>The object changed (or appeared, or vanished) since it was read; nothing was written.</summary>
    Conflict,
}

/// <summary>An object's bytes and the store's version tag for them (a folder: a content hash; S3: the ETag).</summary>
public sealed record StoredObject(byte[] Content, string VersionTag);

/// <summary>An object's key and size, as listed.</summary>
public sealed record StoredItem(string Key, long Length, DateTimeOffset LastModified);

/// <summary>The HTTP headers an object is served with (S3 stores them with the object; a folder derives
/// them).</summary>
public sealed record ObjectHeaders(string ContentType, string CacheControl);

/// <summary>Read access to a registry's files: a store, or a registry read over HTTP (through a CDN).</summary>
public interface IObjectReader : IDisposable
{
    /// <summary>Where the files are, for messages: a folder path, <c>s3://bucket/prefix</c> or a URL.</summary>
    string Location { get; }

    /// <summary>Reads a whole object, or null when it does not exist.</summary>
    Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens an object for streaming (large artifacts), or null when it does not exist.</summary>
    Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken);

    /// <summary>Whether an object exists.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a whole object that may be at most <paramref name="maxBytes"/> long (a length pinned
    /// by signed metadata, or a cap), refusing a longer one; null when it does not exist.
    /// Readers of untrusted sources (HTTP) stop reading at the cap instead of after the body.
    /// </summary>
    async Task<StoredObject?> GetCappedOrNullAsync(string key, long maxBytes, CancellationToken cancellationToken)
    {
        var stored = await GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is not null && stored.Content.LongLength > maxBytes)
        {
            throw new VerificationException(
                $"{Location.TrimEnd('/')}/{key}: {stored.Content.LongLength} bytes, more than the {maxBytes} allowed");
        }

        return stored;
    }

    /// <summary>
    /// Reads a whole object whose length signed metadata pins (an artifact, an index document):
    /// <paramref name="length"/> is the cap, whatever cap the reader applies to reads of unknown
    /// length (a client caps metadata at 32 MiB, not a 40 MB artifact); null when it does not exist.
    /// </summary>
    Task<StoredObject?> GetPinnedOrNullAsync(string key, long length, CancellationToken cancellationToken) =>
        GetCappedOrNullAsync(key, length, cancellationToken);

    /// <summary>
    /// Streams an object through <paramref name="consume"/> without holding it in memory; false
    /// when it does not exist. Readers of untrusted sources (HTTP) refuse a body longer than
    /// <paramref name="maxBytes"/>, and when a transfer fails part-way they run
    /// <paramref name="consume"/> again on a fresh body: it must leave nothing behind when it
    /// throws (a create-only write does not).
    /// </summary>
    async Task<bool> ReadStreamingAsync(
        string key,
        long maxBytes,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var stream = await OpenReadOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return false;
        }

        await using (stream.ConfigureAwait(false))
        {
            await consume(stream, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}

/// <summary>
/// The origin a registry lives in. Keys are '/'-separated relative paths
/// (<c>metadata/timestamp.json</c>, <c>targets/index/HASH.name.json</c>). Every write is
/// either create-only (<see cref="PutIfAbsentAsync(string, Stream, long, ObjectHeaders, CancellationToken)"/>)
/// or a compare-and-swap (<see cref="SwapAsync"/>): there is no blind overwrite.
/// </summary>
public interface IObjectStore : IObjectReader
{

    /// <summary>
    /// Creates an object only if the key is free. The object appears whole or not at all:
    /// a crash never leaves a partial object under the key.
    /// </summary>
    Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an object only if its current version tag is <paramref name="expectedVersionTag"/>
    /// (null: only if it does not exist). Atomic: readers see the old bytes or the new, never a mix.
    /// </summary>
    Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken);

    /// <summary>Lists objects under a key prefix (for garbage collection and audits).</summary>
    IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes an object; used only by the precondition probe and garbage collection.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Convenience overloads on <see cref="IObjectStore"/>.</summary>
public static class ObjectStoreExtensions
{
    /// <summary>Creates an object from bytes only if the key is free.</summary>
    public static async Task<PutResult> PutIfAbsentAsync(
        this IObjectStore store,
        string key,
        ReadOnlyMemory<byte> content,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        return await store.PutIfAbsentAsync(key, stream, content.Length, headers, cancellationToken)
            .ConfigureAwait(false);
    }
}
