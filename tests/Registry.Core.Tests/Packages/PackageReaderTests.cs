using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public sealed class PackageReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_returns_the_manifest_extension_and_exact_bytes()
    {
        var builder = PackageBuilder.Create("beta", "1.0.0").DependsOn("alpha", "[1.0.0, )");
        var path = builder.WriteTo(_directory);

        var package = PackageReader.Read(path, PackageLimits.Default);

        Assert.Equal("beta", package.Manifest.Name);
        Assert.Equal(path, package.SourcePath);
        Assert.Equal(".tgz", package.FileExtension);
        Assert.Equal(File.ReadAllBytes(path), package.Content);
    }

    [Fact]
    public void Read_recognises_gzip_by_its_bytes_whatever_the_file_name()
    {
        var path = Path.Combine(_directory, "package.bin");
        File.WriteAllBytes(path, PackageBuilder.Create("beta", "1.0.0").Build());
        Assert.Equal("beta", PackageReader.Read(path, PackageLimits.Default).Manifest.Name);
    }

    [Fact]
    public void Read_reports_a_missing_file_as_an_environment_error()
    {
        var path = Path.Combine(_directory, "absent-1.0.0.tgz");
        var error = Assert.Throws<EnvironmentException>(() => PackageReader.Read(path, PackageLimits.Default));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_file_over_the_compressed_limit()
    {
        var path = Path.Combine(_directory, "big-1.0.0.tgz");
        File.WriteAllBytes(path, new byte[10_000]);
        var error = Assert.Throws<ValidationException>(
            () => PackageReader.Read(path, new PackageLimits { MaxCompressedBytes = 9_999 }));
        Assert.Equal("limit-compressed-size", error.Rule);
        Assert.StartsWith("big-1.0.0.tgz: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_format_it_does_not_know()
    {
        var path = Path.Combine(_directory, "beta-1.0.0.7z");
        File.WriteAllBytes(path, "7z\u00bc\u00af\u0027\u001c"u8.ToArray());
        var error = Assert.Throws<ValidationException>(() => PackageReader.Read(path, PackageLimits.Default));
        Assert.Equal("format-unknown", error.Rule);
        Assert.StartsWith("beta-1.0.0.7z: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_passes_a_package_that_breaks_a_rule_on_as_a_validation_error()
    {
        var path = Path.Combine(_directory, "evil-1.0.0.tgz");
        File.WriteAllBytes(path, MaliciousPackages.ParentPathEntry());
        Assert.Equal(
            "archive-path",
            Assert.Throws<ValidationException>(() => PackageReader.Read(path, PackageLimits.Default)).Rule);
    }
}
