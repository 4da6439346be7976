using Registry.Core.Packages.Internal;

namespace Registry.Core.Packages;

/// <summary>
/// The native package format: a gzip-compressed tar with <c>registry.json</c> at its root.
/// <see cref="Read"/> checks the whole archive in memory (paths, links, entry types, duplicates,
/// size and ratio limits) and then the manifest, before anything else may use the package.
/// </summary>
public sealed class TgzPackageFormat : IPackageFormat
{
    public string FileExtension => ".tgz";

    /// <summary>A <c>.tgz</c> or <c>.tar.gz</c> name, or a gzip head under a name that is not another format's
    /// (<c>.nupkg</c>).</summary>
    public bool Matches(string fileName, ReadOnlySpan<byte> head) =>
        HasExtension(fileName)
        || (head is [0x1f, 0x8b, ..] && !fileName.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase));

    internal static bool HasExtension(string fileName) =>
        fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)
            || fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase);

    public PackageManifest Read(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits)
    {
        var manifest = ManifestParser.Parse(TarArchiveScanner.ReadManifest(content, fileName, limits), fileName);
        PackageFileName.CheckTgz(fileName, manifest.Name, manifest.Version);
        return manifest;
    }

    public PackageManifest Extract(
        ReadOnlyMemory<byte> content,
        string fileName,
        PackageLimits limits,
        string directory)
    {
        // Validate completely first, as publish does, so nothing is written for a refused package;
        // then read again with the same scanner, writing what it reads.
        var manifest = Read(content, fileName, limits);
        TarArchiveScanner.ReadManifest(content, fileName, limits, new FolderSink(directory));
        return manifest;
    }
}
