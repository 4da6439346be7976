namespace Registry.Core.Packages;

/// <summary>
/// An adapter from one package file format to the common <see cref="PackageManifest"/>.
/// The gzip tar with <c>registry.json</c> is the native format; others (a NuGet .nupkg)
/// plug in here without touching validation or publishing.
/// </summary>
public interface IPackageFormat
{
    /// <summary>The artifact file extension this format publishes under, e.g. <c>.tgz</c>.</summary>
    string FileExtension { get; }

    /// <summary>Whether a file looks like this format (by name and leading bytes).</summary>
    bool Matches(string fileName, ReadOnlySpan<byte> head);

    /// <summary>
    /// Reads and checks the archive structure and the manifest. Throws
    /// <see cref="ValidationException"/> naming the rule broken; never writes anything.
    /// </summary>
    PackageManifest Read(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits);

    /// <summary>
    /// Checks the package exactly as <see cref="Read"/> does, then writes its files into
    /// <paramref name="directory"/> (an existing, empty folder): whatever <see cref="Read"/>
    /// accepts extracts byte for byte, and whatever it refuses is refused here with the same rule.
    /// </summary>
    PackageManifest Extract(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits, string directory);
}
