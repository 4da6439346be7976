namespace Registry.Core.Storage;

/// <summary>
/// Writes a local file whole: to a uniquely named temporary file beside it, then one rename over
/// the target, so a reader sees the old bytes or the new ones, never a part, and an interrupted
/// write leaves the old file as it was. A write that fails removes its temporary file. The one
/// way the CLI, the client and the writer replace a file of their own (the folder store's
/// objects have their own, conditional, path in <see cref="FolderStore"/>).
/// </summary>
public static class AtomicFile
{
    /// <summary>Mode 0600: for tokens, credentials and other secrets.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; <paramref name="mode"/>, when given,
    /// is the new file's Unix mode from its creation on (never readable by others in between).</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes), mode);
    }

    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
