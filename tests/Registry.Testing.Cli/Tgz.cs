using System.Text;

namespace Registry.Testing.Cli;

/// <summary>The package archives the CLI tests publish, written by <see cref="PackageBuilder"/>.</summary>
public static class Tgz
{
    public static byte[] Package(
        string name,
        string version,
        string dependenciesJson = "{}",
        string? extraFile = null) =>
        Archive(
            ("registry.json", $"{{\"name\":\"{name}\",\"version\":\"{version}\",\"description\":\"{name} for "
                + $"tests\",\"dependencies\":{dependenciesJson}}}"),
            ($"lib/{name}.txt", extraFile ?? $"{name} {version}\n"));

    /// <summary>These files, in this order, as a package archive.</summary>
    public static byte[] Archive(params (string Path, string Content)[] files) =>
        PackageBuilder.Archive(files.Select(f => PackageBuilder.File(f.Path, Encoding.UTF8.GetBytes(f.Content))));
}
