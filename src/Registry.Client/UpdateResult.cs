namespace Registry.Client;

/// <summary>How an update went: which URL served it, or why cached metadata was used.</summary>
public sealed record UpdateResult(
    UpdateStatus Status, long TimestampVersion, string? Url, IReadOnlyList<string> Warnings);

public enum UpdateStatus
{
    /// <summary>A newer state was fetched and verified.</summary>
    Updated,

    /// <summary>The registry had not changed (one conditional request).</summary>
    Unchanged,

    /// <summary>No network use: the trusted metadata in the cache was used (offline, or every URL failed).</summary>
    Cached,

    /// <summary>No metadata needed: the lock file pins each package by sha256 and the cache held them all.</summary>
    NotNeeded,
}
