using Registry.Client.Resolution;
using Registry.Core.Packages;

namespace Registry.Client.Internal;

/// <summary>
/// A project's <c>packages/</c> folder, as <see cref="ProjectInstaller"/> fills it: every name checked
/// before anything is touched, each archive extracted into <c>packages/NAME/</c>, and the folders the
/// lock no longer names removed.
/// </summary>
internal static class ProjectPackages
{
    /// <summary>
    /// Removes the folders of <c>packages/</c> that the lock does not name. Only real folders
    /// whose names obey the package name rule are touched: a link is never followed nor
    /// removed, and a file or a folder with another name (hidden, a user's notes) stays.
    /// </summary>
    public static List<string> RemoveUnlisted(string projectDirectory, LockFile lockFile)
    {
        var removed = new List<string>();
        var root = Path.Combine(projectDirectory, ProjectInstaller.PackagesFolder);
        if (!Directory.Exists(root))
        {
            return removed;
        }

        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            var info = new DirectoryInfo(folder);
            if (info.LinkTarget is not null || info.Attributes.HasFlag(FileAttributes.ReparsePoint)
                || PackageName.Problem(name) is not null
                || lockFile.Packages.ContainsKey(name))
            {
                continue;
            }

            Directory.Delete(folder, recursive: true);
            removed.Add(name);
        }

        return removed;
    }

    /// <summary>
    /// Every name is checked (the publish rule, and its folder a direct child of packages/) before
    /// any is fetched, extracted or removed: one bad name leaves the project untouched.
    /// </summary>
    public static void Check(string projectDirectory, List<KeyValuePair<string, LockedPackage>> packages)
    {
        foreach (var (name, _) in packages)
        {
            PackageExtractor.PackageFolder(Path.Combine(projectDirectory, ProjectInstaller.PackagesFolder), name);
        }
    }

    public static void Extract(
        string projectDirectory,
        List<KeyValuePair<string, LockedPackage>> packages,
        byte[][] archives,
        PackageLimits limits)
    {
        Check(projectDirectory, packages);
        for (var i = 0; i < packages.Count; i++)
        {
            PackageExtractor.Extract(
                archives[i],
                packages[i].Value.Artifact,
                Path.Combine(projectDirectory, ProjectInstaller.PackagesFolder),
                packages[i].Key,
                limits);
        }
    }
}
