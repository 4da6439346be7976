using System.Globalization;
using Registry.Core;
using Registry.Core.Packages;

namespace Registry.Client;

/// <summary>
/// The sizes a client accepts, each raised by an environment variable that every refusal names.
/// An artifact or index document is read up to the length its signed entry pins, never more
/// and with no other cap; <see cref="MaxMetadataBytes"/> bounds every root, snapshot, targets and
/// bin document (besides the length a parent signs for it); <see cref="Packages"/> are the limits
/// <c>install</c> extracts with, the publish rules with publish's default limits.
/// </summary>
public sealed record ClientLimits
{
    public const string MaxMetadataBytesVariable = "REGISTRY_MAX_METADATA_BYTES";

    /// <summary>What raises each package limit on a client.</summary>
    public static LimitSettings PackageVariables { get; } = new(
        "REGISTRY_MAX_PACKAGE_BYTES",
        "REGISTRY_MAX_UNPACKED_BYTES",
        "REGISTRY_MAX_ENTRIES",
        "REGISTRY_MAX_COMPRESSION_RATIO");

    /// <summary>Largest root, snapshot, targets or bin document: 32 MiB.</summary>
    public long MaxMetadataBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The limits <c>install</c> extracts a package with: publish's defaults.</summary>
    public PackageLimits Packages { get; init; } = PackageLimits.Default with { Settings = PackageVariables };

    public static ClientLimits Default { get; } = new();

    /// <summary>The defaults, overridden by <c>REGISTRY_MAX_METADATA_BYTES</c> and the <see cref="PackageVariables"/>
    /// when set.</summary>
    public static ClientLimits FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var defaults = Default;
        return defaults with
        {
            MaxMetadataBytes = Read(MaxMetadataBytesVariable, 1024, Array.MaxLength) ?? defaults.MaxMetadataBytes,
            Packages = defaults.Packages with
            {
                MaxCompressedBytes = Read(PackageVariables.PackageBytes, 1, Array.MaxLength)
                    ?? defaults.Packages.MaxCompressedBytes,
                MaxUnpackedBytes = Read(PackageVariables.UnpackedBytes, 1, long.MaxValue)
                    ?? defaults.Packages.MaxUnpackedBytes,
                MaxEntries = (int?)Read(PackageVariables.Entries, 1, int.MaxValue) ?? defaults.Packages.MaxEntries,
                MaxCompressionRatio = (int?)Read(PackageVariables.CompressionRatio, 1, int.MaxValue)
                    ?? defaults.Packages.MaxCompressionRatio,
            },
        };

        long? Read(string name, long least, long most)
        {
            var text = environment(name);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= least
                && value <= most
                ? value
                : throw new EnvironmentException(
                    $"{name}={text} is not a whole number from {least} to {most}; fix or unset it");
        }
    }
}
