namespace Registry.Core.Packages;

/// <summary>Reads a package file from disk with the first format that recognises it.</summary>
public static class PackageReader
{
    public static IReadOnlyList<IPackageFormat> DefaultFormats { get; } = [new TgzPackageFormat()];

    public static PackageFile Read(string path, PackageLimits limits, IReadOnlyList<IPackageFormat>? formats = null)
    {
        var fileName = Path.GetFileName(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new EnvironmentException($"{path}: no such file");
        }

        if (info.Length > limits.MaxCompressedBytes)
        {
            throw new ValidationException("limit-compressed-size", $"{fileName}: {info.Length} bytes; packages may be at most {limits.MaxCompressedBytes} bytes (--max-package-bytes)");
        }

        var content = File.ReadAllBytes(path);
        var format = (formats ?? DefaultFormats).FirstOrDefault(f => f.Matches(fileName, content.AsSpan(0, Math.Min(16, content.Length))))
            ?? throw new ValidationException("format-unknown", $"{fileName}: not a package format this registry knows (a .tgz with registry.json at its root)");
        return new PackageFile(format.Read(content, fileName, limits), path, format.FileExtension, content);
    }
}
