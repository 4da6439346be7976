namespace Registry.Core.Storage;

/// <summary>
/// A store that writes files of its own beside the registry's objects (a folder's temporary
/// files and lock files), which a crash can leave behind and <see cref="IObjectStore.ListAsync"/>
/// does not show. Garbage collection lists them here and deletes them with
/// <see cref="IObjectStore.DeleteAsync"/> once they are older than the grace period.
/// </summary>
public interface ILeftoverStore
{
    /// <summary>
    /// The store's own files that are safe to delete once old: temporary files of writes, and
    /// lock files of objects that no longer exist. Never a lock of an existing object (a
    /// writer may hold it).
    /// </summary>
    IAsyncEnumerable<StoredItem> ListLeftoversAsync(CancellationToken cancellationToken);
}
