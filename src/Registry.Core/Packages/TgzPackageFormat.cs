using Registry.Core.Packages.Internal;

namespace Registry.Core.Packages;

/// <summary>
/// The native package format: a gzip-compressed tar whose root holds <c>registry.json</c>.
/// Every archive rule and limit is checked while reading, before the manifest is trusted.
/// </summary>
public sealed class TgzPackageFormat : IPackageFormat
{
    public const string ManifestName = "registry.json";

    public string FileExtension => ".tgz";

    public bool Matches(string fileName, ReadOnlySpan<byte> head) =>
        fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)
        || (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b);

    public PackageManifest Read(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits)
    {
        if (content.Length > limits.MaxCompressedBytes)
        {
            throw new ValidationException("limit-compressed-size", $"{fileName}: {content.Length} bytes; packages may be at most {limits.MaxCompressedBytes} bytes (--max-package-bytes)");
        }

        var manifest = SafeTarReader.ReadManifest(content, fileName, limits, ManifestName)
            ?? throw new ValidationException("manifest-missing", $"{fileName}: no {ManifestName} at the root of the archive; add one with name, version and dependencies");
        return ManifestParser.Parse(manifest, fileName);
    }
}
