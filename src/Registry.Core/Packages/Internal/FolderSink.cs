namespace Registry.Core.Packages.Internal;

/// <summary>
/// Writes an archive's entries under a folder that must start empty. Files are created new (never
/// overwriting), hard links become copies of their target's bytes, and symbolic links are created
/// last, so nothing is ever written through one. Every path is checked to stay under the folder
/// after resolution, although the scanner has already refused any that would not.
/// </summary>
internal sealed class FolderSink(string root) : IArchiveSink
{
    // Executables stay executable; nothing else of the archive's mode (owner, setuid, group/world write) is kept.
    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
        | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Plain | UnixFileMode.UserExecute | UnixFileMode.GroupExecute
        | UnixFileMode.OtherExecute;
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute
        | UnixFileMode.OtherExecute;

    private readonly string _root = Path.GetFullPath(root);
    private readonly List<(string Path, string Target)> _symlinks = [];

    public void Directory(string path)
    {
        if (path.Length > 0)
        {
            System.IO.Directory.CreateDirectory(Inside(path));
        }
    }

    public Stream File(string path, UnixFileMode mode)
    {
        var full = Inside(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var options = new FileStreamOptions {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = (mode & AnyExecute) != 0 ? Executable : Plain;
        }

        return new FileStream(full, options);
    }

    public void HardLink(string path, string target)
    {
        var full = Inside(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.Copy(Inside(target), full, overwrite: false);
    }

    public void SymbolicLink(string path, string target) => _symlinks.Add((Inside(path), target));

    public void Complete()
    {
        foreach (var (path, target) in _symlinks)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            System.IO.File.CreateSymbolicLink(path, target);
        }
    }

    private string Inside(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"archive path '{path}' resolves outside {_root}; the scanner should have refused it");
        }

        return full;
    }
}
