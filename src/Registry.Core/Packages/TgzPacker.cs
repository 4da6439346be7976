using System.Formats.Tar;
using System.IO.Compression;

namespace Registry.Core.Packages;

/// <summary>A package built by <see cref="TgzPacker"/>: its checked manifest, the archive's bytes, the files in
/// it.</summary>
public sealed record PackedPackage(PackageManifest Manifest, byte[] Content, IReadOnlyList<string> Files)
{
    /// <summary><c>NAME-VERSION.tgz</c>: the name publish and clients expect.</summary>
    public string FileName => $"{Manifest.Name}-{RegistryLayout.VersionText(Manifest.Version)}.tgz";
}

/// <summary>
/// <c>registry pack</c>: a reproducible gzip tar of a folder that holds <c>registry.json</c>.
/// The same folder gives the same bytes on any machine and at any time: regular-file entries
/// only, sorted by path (ordinal), every entry stamped <see cref="EntryTime"/>, owner and group
/// 0 with no names, mode 0644 (0755 where the owner may execute the file), gzip without a file
/// name or time. The archive is then checked by <see cref="TgzPackageFormat.Read"/>, the rules
/// publish applies to the file, so what packs publishes (as long as its dependencies do).
/// </summary>
public static class TgzPacker
{
    /// <summary>The time every entry carries (npm's choice for reproducible tarballs, 1985-10-26 08:15 UTC).</summary>
    public static readonly DateTimeOffset EntryTime = new(1985, 10, 26, 8, 15, 0, TimeSpan.Zero);

    /// <summary>Folders never packed: version control, and what <c>registry install</c> writes into a
    /// project.</summary>
    public static IReadOnlyList<string> ExcludedFolders { get; } = [".git", ".hg", ".svn", "packages"];

    /// <summary>Files of the folder's root never packed: the project's lock (install state, not content) and earlier
    /// packs (<c>*.tgz</c>).</summary>
    public static IReadOnlyList<string> ExcludedRootFiles { get; } = ["registry.lock", "*.tgz"];

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
        | UnixFileMode.OtherRead;

    private const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute
        | UnixFileMode.OtherExecute;

    /// <summary>
    /// Packs <paramref name="directory"/>, leaving out <paramref name="skipFile"/> (the output, when it
    /// lies inside). Throws <see cref="EnvironmentException"/> when the folder or its
    /// <c>registry.json</c> is missing or unreadable, <see cref="ValidationException"/> when the
    /// package breaks a rule (a symbolic link: rule <c>archive-link</c>).
    /// </summary>
    public static PackedPackage Pack(string directory, PackageLimits limits, string? skipFile = null)
    {
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new EnvironmentException($"{directory}: folder not found");
        }

        if (!File.Exists(Path.Combine(root, "registry.json")))
        {
            throw new EnvironmentException($"{directory}: has no registry.json; write one with at least \"name\" and "
                + "\"version\" (docs/package-format.md)");
        }

        var skip = skipFile is null ? null : Path.GetFullPath(skipFile);
        var files = new List<string>();
        try
        {
            Collect(root, root, skip, files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EnvironmentException($"{directory}: cannot read the folder ({e.Message.TrimEnd('.')})", e);
        }

        files.Sort(StringComparer.Ordinal);
        var content = Write(root, files);
        if (content.Length > limits.MaxCompressedBytes)
        {
            throw new ValidationException(Rules.LimitCompressedSize, $"{directory}: packs to {content.Length} bytes, "
                + $"more than the {limits.MaxCompressedBytes} a package may have{limits.OrRaise(s => s.PackageBytes)}");
        }

        var manifest = new TgzPackageFormat().Read(content, "package.tgz", limits);
        var packed = new PackedPackage(manifest, content, files);
        new TgzPackageFormat().Read(content, packed.FileName, limits);
        return packed;
    }

    private static void Collect(string root, string folder, string? skip, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (entry.LinkTarget is not null)
            {
                throw new ValidationException(Rules.ArchiveLink, $"{relative}: is a symbolic link; pack copies regular "
                    + "files only (copy the target into the folder, or remove the link)");
            }

            if (entry is DirectoryInfo)
            {
                if (!(folder == root && ExcludedFolders.Contains(entry.Name, StringComparer.Ordinal))
                    && entry.Name is not (".git" or ".hg" or ".svn"))
                {
                    Collect(root, entry.FullName, skip, files);
                }
            }
            else if (entry.FullName != skip && !(folder == root
                && (entry.Name == "registry.lock" || entry.Name.EndsWith(".tgz", StringComparison.Ordinal))))
            {
                files.Add(relative);
            }
        }
    }

    private static byte[] Write(string root, IReadOnlyList<string> files)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        // GNU format: a long path is a fixed "././@LongLink" entry, where PAX would name its extended
        // header after the process id (PaxHeaders.PID) and the same folder would pack differently.
        using (var tar = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var path = Path.Combine(root, file);
                using var data = File.OpenRead(path);
                var executable = !OperatingSystem.IsWindows()
                    && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
                tar.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, file)
                {
                    DataStream = data,
                    ModificationTime = EntryTime,
                    AccessTime = EntryTime,
                    ChangeTime = EntryTime,
                    Mode = executable ? ExecutableMode : FileMode,
                    Uid = 0,
                    Gid = 0,
                });
            }
        }

        return buffer.ToArray();
    }
}
