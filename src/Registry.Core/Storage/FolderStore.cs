using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Registry.Core.Storage;

/// <summary>
/// The embedded default store: a local folder. A create-only write goes to a temporary file
/// in the same folder, is flushed to disk, then hard-linked under its key (<c>link(2)</c>
/// fails when the key exists), so an object appears whole or not at all. The compare-and-swap
/// takes an exclusive lock on a lock file beside the object, compares the content hash, and
/// renames a flushed temporary file over the object (atomic for readers).
/// </summary>
public sealed class FolderStore : IObjectStore, ILeftoverStore
{
    private const string TempSuffix = ".tmp";
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public FolderStore(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string Location => Root;

    public async Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(PathOf(key), cancellationToken).ConfigureAwait(false);
            // A folder's version tag is its content's sha256 (what an S3 ETag is to a single-part upload).
            return new StoredObject(
                bytes,
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            // Unbuffered (buffer size 0): readers read in large blocks, and a FileStream buffer would be
            // a fresh 80 KB allocation and an extra copy per small artifact (verify's CPU, docs/performance.md).
            return Task.FromResult<Stream?>(
                new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 0, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
        => Task.FromResult(File.Exists(PathOf(key)));

    public async Task<PutResult> PutIfAbsentAsync(
        string key,
        Stream content,
        long length,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return PutResult.AlreadyExists;
        }

        var temp = await WriteTempAsync(path, content, cancellationToken).ConfigureAwait(false);
        try
        {
            return Internal.NativeLink.TryLink(temp, path) ? PutResult.Created : PutResult.AlreadyExists;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<SwapResult> SwapAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string? expectedVersionTag,
        ObjectHeaders headers,
        CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var lockFile = await AcquireLockAsync(
            Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.lock"),
            cancellationToken).ConfigureAwait(false);
        var current = await GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        if (current?.VersionTag != expectedVersionTag)
        {
            return SwapResult.Conflict;
        }

        using var source = new MemoryStream(content.ToArray(), writable: false);
        var temp = await WriteTempAsync(path, source, cancellationToken).ConfigureAwait(false);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return SwapResult.Swapped;
    }

    public async IAsyncEnumerable<StoredItem> ListAsync(
        string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        // Walk only the folder the prefix names (a listing of one package's files must not cost the whole store).
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? Root : Path.Combine(Root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || IsInternal(key))
            {
                continue;
            }

            if (ItemOrNull(file, key) is { } item)
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Temporary files (<c>.NAME.GUID.tmp</c>, left when a process dies between writing and
    /// linking or renaming) and lock files (<c>.NAME.lock</c>) whose object is gone (the
    /// precondition probe's keys). The lock of an existing object, <c>timestamp.json</c>'s, is
    /// never listed: deleting it while a writer holds it would let a second writer lock a new file.
    /// </summary>
    public async IAsyncEnumerable<StoredItem> ListLeftoversAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            var name = Path.GetFileName(file);
            var isTemp = name.EndsWith(TempSuffix, StringComparison.Ordinal);
            var isOrphanLock = name.EndsWith(".lock", StringComparison.Ordinal)
                && !File.Exists(Path.Combine(Path.GetDirectoryName(file)!, name[1..^".lock".Length]));
            if (!IsInternal(key) || !(isTemp || isOrphanLock))
            {
                continue;
            }

            if (ItemOrNull(file, key) is { } item)
            {
                yield return item;
            }
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }

    /// <summary>Temporary and lock files a crash may leave behind; never part of the registry.</summary>
    public static bool IsInternal(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.StartsWith('.') && (name.EndsWith(TempSuffix, StringComparison.Ordinal)
            || name.EndsWith(".lock", StringComparison.Ordinal));
    }

    /// <summary>A listed file's size and time, or null when it vanished since it was listed (a temporary file, a probe
    /// key).</summary>
    private static StoredItem? ItemOrNull(string file, string key)
    {
        try
        {
            var info = new FileInfo(file);
            return new StoredItem(key, info.Length, info.LastWriteTimeUtc);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

        private string PathOf(string key)
    {
        if (string.IsNullOrEmpty(key) || key.StartsWith('/') || key.Contains('\\', StringComparison.Ordinal)
            || key.Contains('\0', StringComparison.Ordinal)
            || key.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException($"invalid store key '{key}'", nameof(key));
        }

        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static async Task<string> WriteTempAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            // A content stream that fails (a transfer cut short, bytes that are not the pinned
            // ones) leaves no temporary behind: the write may be retried at once.
            File.Delete(temp);
            throw;
        }

        return temp;
    }

    private static async Task<FileStream> AcquireLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        // FileShare.None takes an exclusive advisory lock (flock) on Unix; the OS releases it
        // when the process dies, so a killed publisher never leaves the registry locked.
        // A timeout, not a date: the monotonic clock (a wall-clock step cannot stretch or cut the wait).
        var started = Stopwatch.GetTimestamp();
        var delay = 5;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockWait)
            {
                await Task.Delay(Random.Shared.Next(delay, delay * 2), cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 200);
            }
        }
    }
}
