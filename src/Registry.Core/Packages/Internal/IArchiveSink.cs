namespace Registry.Core.Packages.Internal;

/// <summary>
/// Receives the entries of an archive as <see cref="TarArchiveScanner"/> or
/// <see cref="ZipArchiveScanner"/> reads them, under the same normalised paths the rules were
/// checked on (the root is ""). A zip has no links, so only the tar scanner calls the link methods.
/// </summary>
internal interface IArchiveSink
{
    void Directory(string path);

    /// <summary>A stream the file's bytes are written to, in order; disposed after the last byte.</summary>
    Stream File(string path, UnixFileMode mode);

    /// <summary>A hard link to <paramref name="target"/>, a regular file stored earlier (normalised path).</summary>
    void HardLink(string path, string target);

    /// <summary>A symbolic link with its target as stored (relative; checked to stay inside the root).</summary>
    void SymbolicLink(string path, string target);

    /// <summary>Every entry was read and the whole-archive checks passed.</summary>
    void Complete();
}
