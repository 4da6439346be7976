using Registry.Core.Packages.Internal;

namespace Registry.Core.Packages;

/// <summary>
/// Installs a package archive as <c>PACKAGES/NAME/</c>. The archive goes through the same format
/// reader and the same rules as publish (<see cref="IPackageFormat.Extract"/>), so whatever
/// publishes installs byte for byte and whatever publish would refuse is refused here. The name
/// must pass <see cref="PackageName"/> and the folder must resolve to a direct child of
/// <c>PACKAGES</c> before anything is written or removed. The package appears whole: it is
/// extracted into a staging folder beside the target, then the old folder (or a link or file in
/// its place, never what a link points to) is removed and the new one renamed into place.
/// </summary>
public static class PackageExtractor
{
    public static PackageManifest Extract(
        byte[] archive,
        string artifactName,
        string packagesDirectory,
        string name,
        PackageLimits? limits = null,
        IReadOnlyList<IPackageFormat>? formats = null)
    {
        var target = PackageFolder(packagesDirectory, name);
        var fileName = Path.GetFileName(artifactName);
        var format = PackageReader.FormatOf(archive, fileName, formats);
        var staging = Path.Combine(Path.GetDirectoryName(target)!, $".{name}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            var manifest = format.Extract(archive, fileName, limits ?? PackageLimits.Default, staging);
            if (manifest.Name != name)
            {
                throw new VerificationException(
                    $"{fileName}: the package inside is named '{manifest.Name}', not '{name}'; refused");
            }

            RemoveEntry(target);
            Directory.Move(staging, target);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    /// <summary>
    /// The full path of <c>PACKAGES/NAME</c>. Throws <see cref="ValidationException"/> (name-invalid)
    /// when the name breaks <see cref="PackageName.Rule"/> or the path would not be a direct child of
    /// <paramref name="packagesDirectory"/> once resolved.
    /// </summary>
    public static string PackageFolder(string packagesDirectory, string name)
    {
        if (PackageName.Problem(name) is { } problem)
        {
            throw new ValidationException(Rules.NameInvalid, $"package name {Reject.Quote(name)} {problem}; refused "
                + $"before it touched a path (a package name is {PackageName.Rule})");
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(packagesDirectory));
        var folder = Path.GetFullPath(Path.Combine(root, name));
        if (!string.Equals(Path.GetDirectoryName(folder), root, StringComparison.Ordinal)
            || !string.Equals(Path.GetFileName(folder), name, StringComparison.Ordinal))
        {
            throw new ValidationException(
                Rules.NameInvalid,
                $"package name {Reject.Quote(name)} resolves to {folder}, outside {root}; refused");
        }

        return folder;
    }

    // Removes what is at 'path': a folder with its content, or a link or file as itself (never
    // following a link, so a planted link cannot turn the removal onto another folder).
    private static void RemoveEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            if (OperatingSystem.IsWindows() && info.Attributes.HasFlag(FileAttributes.Directory))
            {
                Directory.Delete(path);
            }
            else
            {
                File.Delete(path);
            }
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
