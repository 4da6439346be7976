namespace Registry.Core.Packages.Internal;

/// <summary>
/// The limits one read of an archive counts against, the same for every format: the file's size,
/// the number of entries, the unpacked bytes actually read (a header's size is only a hint for an
/// early refusal, never trusted), the compression ratio, and the manifest's size. The first byte
/// past a limit stops the read, so a bomb costs at most the limit.
/// </summary>
internal sealed class ArchiveBudget
{
    private readonly byte[] _buffer = new byte[81920];
    private readonly string _fileName;
    private readonly PackageLimits _limits;
    private readonly long _compressed;
    private long _unpacked;
    private int _entries;

    /// <summary>Starts the count for <paramref name="content"/>; refuses a file over the compressed limit.</summary>
    public ArchiveBudget(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits)
    {
        _fileName = fileName;
        _limits = limits;
        _compressed = content.Length;
        if (_compressed > limits.MaxCompressedBytes)
        {
            throw Reject.Because(
                fileName,
                Rules.LimitCompressedSize,
                $"is {_compressed} bytes, more than the limit of {limits.MaxCompressedBytes}",
                "make the package smaller" + limits.OrRaise(s => s.PackageBytes));
        }
    }

    /// <summary>Counts one entry of any kind.</summary>
    public void CountEntry()
    {
        if (++_entries > _limits.MaxEntries)
        {
            throw TooManyEntries(_fileName, _limits);
        }
    }

    /// <summary>
    /// Copies one file's bytes from <paramref name="data"/> to <paramref name="output"/>, counting
    /// them; when <paramref name="manifestName"/> is given the file is the manifest, and its bytes are returned.
    /// </summary>
    public byte[]? Copy(Stream data, long declaredLength, string? manifestName, Stream? output)
    {
        if (declaredLength > _limits.MaxUnpackedBytes - _unpacked)
        {
            throw UnpackedTooLarge();
        }

        if (manifestName is not null && declaredLength > _limits.MaxManifestBytes)
        {
            throw ManifestTooLarge(manifestName);
        }

        using var manifest = manifestName is null ? null : new MemoryStream();
        int read;
        while ((read = data.Read(_buffer)) > 0)
        {
            _unpacked += read;
            if (_unpacked > _limits.MaxUnpackedBytes)
            {
                throw UnpackedTooLarge();
            }

            if (_unpacked > _limits.RatioFloorBytes && _unpacked > (long)_limits.MaxCompressionRatio * _compressed)
            {
                throw Reject.Because(_fileName, Rules.LimitRatio, $"unpacks to more than {_limits.MaxCompressionRatio} "
                    + "times its compressed size", "do not ship highly compressible filler; this looks like a "
                        + "compression bomb" + _limits.OrRaise(s => s.CompressionRatio));
            }

            manifest?.Write(_buffer, 0, read);
            output?.Write(_buffer, 0, read);
            if (manifest?.Length > _limits.MaxManifestBytes)
            {
                throw ManifestTooLarge(manifestName!);
            }
        }

        return manifest?.ToArray();
    }

    public static ValidationException TooManyEntries(string fileName, PackageLimits limits) =>
        Reject.Because(
            fileName,
            Rules.LimitEntries,
            $"has more than {limits.MaxEntries} entries",
            "package fewer files" + limits.OrRaise(s => s.Entries));

    private ValidationException UnpackedTooLarge() =>
        Reject.Because(
            _fileName,
            Rules.LimitUnpackedSize,
            $"unpacks to more than {_limits.MaxUnpackedBytes} bytes",
            "make the package smaller" + _limits.OrRaise(s => s.UnpackedBytes));

    private ValidationException ManifestTooLarge(string manifestName) =>
        Reject.Because(
            _fileName,
            Rules.LimitManifestSize,
            $"has a {manifestName} larger than {_limits.MaxManifestBytes} bytes",
            "keep the manifest to metadata; put content in other files");
}
