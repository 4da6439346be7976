namespace Registry.Core.Packages;

/// <summary>Reads a package file from disk and checks it with the format it is in.</summary>
public static class PackageReader
{
    private const int HeadLength = 512;

    /// <summary>The formats tried, in order, when the caller gives none.</summary>
    public static IReadOnlyList<IPackageFormat> DefaultFormats { get; }
        = [new TgzPackageFormat(), new NupkgPackageFormat()];

    /// <summary>
    /// Reads and validates the package at <paramref name="path"/>. Throws
    /// <see cref="EnvironmentException"/> when the file cannot be read and
    /// <see cref="ValidationException"/> when the package breaks a rule.
    /// </summary>
    public static PackageFile Read(string path, PackageLimits limits, IReadOnlyList<IPackageFormat>? formats = null)
    {
        var fileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new EnvironmentException($"{path}: package file not found; check the path");
        }

        byte[] content;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > limits.MaxCompressedBytes)
            {
                throw TooLarge(fileName, stream.Length, limits);
            }

            // Read at most one byte past the limit: the file may grow between the check and the read.
            using var buffer = new MemoryStream((int)stream.Length);
            var read = CopyAtMost(stream, buffer, limits.MaxCompressedBytes + 1);
            if (read > limits.MaxCompressedBytes)
            {
                throw TooLarge(fileName, read, limits);
            }

            content = buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EnvironmentException($"{path}: cannot read the package file ({e.Message.TrimEnd('.')})", e);
        }

        var format = FormatOf(content, fileName, formats);
        var manifest = format.Read(content, fileName, limits);
        return new PackageFile(manifest, path, format.FileExtension, content);
    }

    /// <summary>
    /// The format of a package file, picked by its name and first bytes: the same choice for
    /// publish and for extraction. Throws <see cref="ValidationException"/> (format-unknown) when none matches.
    /// </summary>
    public static IPackageFormat FormatOf(
        ReadOnlySpan<byte> content,
        string fileName,
        IReadOnlyList<IPackageFormat>? formats = null) =>
        Pick(formats ?? DefaultFormats, fileName, content[..Math.Min(HeadLength, content.Length)])
        ?? throw new ValidationException(Rules.FormatUnknown, $"{fileName}: is not a package format this registry "
            + "knows; publish a gzip tar (.tgz) with registry.json at its root, or a NuGet package (.nupkg)");

    private static IPackageFormat? Pick(IReadOnlyList<IPackageFormat> formats, string fileName, ReadOnlySpan<byte> head)
    {
        foreach (var format in formats)
        {
            if (format.Matches(fileName, head))
            {
                return format;
            }
        }

        return null;
    }

    private static long CopyAtMost(Stream source, Stream destination, long most)
    {
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while (total < most && (read = source.Read(chunk, 0, (int)Math.Min(chunk.Length, most - total))) > 0)
        {
            destination.Write(chunk, 0, read);
            total += read;
        }

        return total;
    }

    private static ValidationException TooLarge(string fileName, long size, PackageLimits limits) =>
        new(Rules.LimitCompressedSize, $"{fileName}: is {size} bytes, more than the limit of "
            + $"{limits.MaxCompressedBytes}; make the package smaller{limits.OrRaise(s => s.PackageBytes)}");
}
