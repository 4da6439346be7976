using Registry.Core.Packages.Internal;

namespace Registry.Core.Packages;

/// <summary>
/// A NuGet package: a zip with one <c>.nuspec</c> at its root, named <c>ID.VERSION.nupkg</c>.
/// <see cref="Read"/> checks the whole zip in memory with the rules and limits of the native format
/// (paths, duplicates, sizes counted while inflating, ratio), then the .nuspec, then the file name.
/// The registry name is the id in lowercase; <see cref="PackageManifest.NuGet"/> keeps what NuGet
/// clients need (the id as spelt, the dependency groups, the .nuspec's bytes).
/// </summary>
public sealed class NupkgPackageFormat : IPackageFormat
{
    public string FileExtension => ".nupkg";

    /// <summary>A <c>.nupkg</c> name, or a zip head under a name that is not another format's (<c>.tgz</c>).</summary>
    public bool Matches(string fileName, ReadOnlySpan<byte> head) =>
        fileName.EndsWith(FileExtension, StringComparison.OrdinalIgnoreCase)
        || (head is [0x50, 0x4b, 0x03, 0x04, ..] && !TgzPackageFormat.HasExtension(fileName));

    public PackageManifest Read(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits)
    {
        var (path, nuspec) = ZipArchiveScanner.ReadNuspec(content, fileName, limits);
        var manifest = NuspecParser.Parse(nuspec, path, fileName);
        PackageFileName.CheckNupkg(fileName, manifest.NuGet!.Id, manifest.Name, manifest.Version);
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
        ZipArchiveScanner.ReadNuspec(content, fileName, limits, new FolderSink(directory));
        return manifest;
    }
}
