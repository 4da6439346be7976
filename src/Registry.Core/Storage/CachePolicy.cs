namespace Registry.Core.Storage;

/// <summary>
/// The headers each class of file is served with. Everything but <c>metadata/timestamp.json</c>
/// and the derived views' few files at fixed URLs (<see cref="RegistryLayout.IsViewEntryPoint"/>) is
/// immutable (a new state is new files), so it may be cached for a year; the mutable files get a
/// short max-age so that readers see a new publish within that many seconds.
/// </summary>
public sealed class CachePolicy
{
    public const string Immutable = "public, max-age=31536000, immutable";
    public const string TimestampKey = "metadata/timestamp.json";

    /// <summary>The transparency log's checkpoint: its only mutable file (tiles and entry bundles are written
    /// once).</summary>
    public const string LogCheckpointKey = "log/checkpoint";

    /// <summary>The log's commit records (immutable, content-addressed; the leaf entries are their SHA-256).</summary>
    public const string LogRecordPrefix = "log/record/";

    public CachePolicy(int timestampMaxAgeSeconds = 60)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMaxAgeSeconds);
        TimestampMaxAgeSeconds = timestampMaxAgeSeconds;
    }

    public int TimestampMaxAgeSeconds { get; }

    /// <summary>The headers for a key of the registry layout.</summary>
    public ObjectHeaders For(string key) => new(ContentTypeOf(key), CacheControlOf(key));

    public string CacheControlOf(string key) =>
        IsMutable(key) ? $"public, max-age={TimestampMaxAgeSeconds}" : Immutable;

    /// <summary>
    /// The Cache-Control of a 404 for a key: the root probe's miss (<c>metadata/N.root.json</c>, asked
    /// by every cold client, absent until the next rotation) may be cached as long as the timestamp;
    /// any other miss is not cached (a file may yet appear under that key). The shipped edge
    /// configurations apply the same rule to origins that send nothing on a 404 (S3).
    /// </summary>
    public string CacheControlOfMissing(string key) =>
        IsRootProbe(key) ? $"public, max-age={TimestampMaxAgeSeconds}" : "no-store";

    /// <summary>Whether a key is a versioned root, <c>metadata/N.root.json</c>.</summary>
    public static bool IsRootProbe(string key)
    {
        const string Prefix = "metadata/", Suffix = ".root.json";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !key.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = key.AsSpan(Prefix.Length, key.Length - Prefix.Length - Suffix.Length);
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>Whether a key's content may change: the timestamp and the derived views' entry points (the protocol's
    /// rule: the store and the edge need no view to apply it).</summary>
    public static bool IsMutable(string key)
        => key == TimestampKey || key == LogCheckpointKey || RegistryLayout.IsViewEntryPoint(key);

    public static string ContentTypeOf(string key) =>
        key.EndsWith(".json", StringComparison.Ordinal) ? "application/json"
        : key.EndsWith(".html", StringComparison.Ordinal) ? "text/html; charset=utf-8"
        : key.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8"
        : key.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8"
        : key.EndsWith(".svg", StringComparison.Ordinal) ? "image/svg+xml"
        : key == "feed.xml" ? "application/atom+xml; charset=utf-8"
        : key == LogCheckpointKey || key.StartsWith(LogRecordPrefix, StringComparison.Ordinal)
            ? "text/plain; charset=utf-8"
            : key.EndsWith(".tgz", StringComparison.Ordinal) || key.EndsWith(".tar.gz", StringComparison.Ordinal)
            ? "application/gzip"
            : key.EndsWith(".nuspec", StringComparison.Ordinal) ? "application/xml"
        : "application/octet-stream";
}
