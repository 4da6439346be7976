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

    /// <summary>Largest unpacked/compressed ratio, applied once the unpacked size passes <see cref="RatioFloorBytes"/>.</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>Below this unpacked size the ratio is not checked (tiny, very compressible packages are fine).</summary>
    public long RatioFloorBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest manifest (<c>registry.json</c>) accepted: 1 MiB.</summary>
    public long MaxManifestBytes { get; init; } = 1024 * 1024;

    public static PackageLimits Default { get; } = new();
}
