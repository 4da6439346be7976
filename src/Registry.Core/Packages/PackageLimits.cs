namespace Registry.Core.Packages;

/// <summary>
/// Bounds on what a package archive may contain (against zip bombs and resource exhaustion).
/// The defaults follow crates.io and npm: generous for real packages, fatal for bombs.
/// </summary>
public sealed record PackageLimits
{
    /// <summary>Largest package file accepted: 64 MiB.</summary>
    public long MaxCompressedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest total of the archive's unpacked file sizes: 512 MiB.</summary>
    public long MaxUnpackedBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Most entries (files, directories, links) in one archive.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Largest unpacked/compressed ratio, applied once the unpacked size passes
    /// <see cref="RatioFloorBytes"/>.</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>Below this unpacked size the ratio is not checked (tiny, very compressible packages are
    /// fine).</summary>
    public long RatioFloorBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest manifest (<c>registry.json</c>) accepted: 1 MiB.</summary>
    public long MaxManifestBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// What raises each limit where these limits apply (publish's options, a client's environment
    /// variables), named in every refusal for a limit; null: the limits are fixed.
    /// </summary>
    public LimitSettings? Settings { get; init; }

    public static PackageLimits Default { get; } = new();

    /// <summary>
    /// The limits of these that are higher than <paramref name="accepted"/>'s: a package within these
    /// but past one of those is taken here and refused there (publish's limits against a client's).
    /// </summary>
    public IReadOnlyList<LimitGap> Above(PackageLimits accepted)
    {
        var fallback = new LimitSettings(
            nameof(MaxCompressedBytes),
            nameof(MaxUnpackedBytes),
            nameof(MaxEntries),
            nameof(MaxCompressionRatio));
        var (mine, theirs) = (Settings ?? fallback, accepted.Settings ?? fallback);
        return new LimitGap[]
        {
            new(mine.PackageBytes, MaxCompressedBytes, theirs.PackageBytes, accepted.MaxCompressedBytes),
            new(mine.UnpackedBytes, MaxUnpackedBytes, theirs.UnpackedBytes, accepted.MaxUnpackedBytes),
            new(mine.Entries, MaxEntries, theirs.Entries, accepted.MaxEntries),
            new(mine.CompressionRatio, MaxCompressionRatio, theirs.CompressionRatio, accepted.MaxCompressionRatio),
        }.Where(gap => gap.Value > gap.Accepted).ToList();
    }

    /// <summary>", or raise the limit with SETTING" for a refusal's advice, or nothing when the limit is
    /// fixed.</summary>
    internal string OrRaise(Func<LimitSettings, string> setting) =>
        Settings is null ? "" : $", or raise the limit with {setting(Settings)}";
}

/// <summary>The names of what raises each configurable <see cref="PackageLimits"/> limit: options
/// (<c>--max-entries</c>) or environment variables.</summary>
public sealed record LimitSettings(string PackageBytes, string UnpackedBytes, string Entries, string CompressionRatio);

/// <summary>One limit that is higher here (<paramref name="Setting"/> = <paramref name="Value"/>) than where it is
/// <paramref name="Accepted"/>.</summary>
public sealed record LimitGap(string Setting, long Value, string AcceptedSetting, long Accepted);
