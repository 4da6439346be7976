using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>
/// The .tgz twin of <c>nupkg-file-name</c>: a file named for a package and version must be named
/// for its own; a name that carries no version claims nothing.
/// </summary>
public sealed class TgzFileNameTests
{
    private static readonly byte[] Beta = PackageBuilder.Create("beta", "1.0.0").WithFile("lib/a.txt", "a").Build();

    [Theory]
    [InlineData("alpha-1.0.0.tgz")]
    [InlineData("beta-2.0.0.tgz")]
    [InlineData("beta-1.0.0-7.tgz")]
    [InlineData("beta-1.0.1.tar.gz")]
    [InlineData("beta.2.0.0.tgz")]
    public void A_tgz_named_for_another_package_or_version_is_refused(string fileName)
    {
        var error = Assert.Throws<ValidationException>(
            () => new TgzPackageFormat().Read(Beta, fileName, PackageLimits.Default));
        Assert.Equal(Rules.TgzFileName, error.Rule);
        Assert.Equal($"{fileName}: does not carry the name and version of its registry.json ('beta' '1.0.0'); name the "
            + "file beta-1.0.0.tgz (or with no version, e.g. beta.tgz) [rule: tgz-file-name]", error.Message);
    }

    [Theory]
    [InlineData("beta-1.0.0.tgz")]
    [InlineData("BETA-1.0.0.TGZ")]
    [InlineData("beta-1.0.0.tar.gz")]
    [InlineData("beta.1.0.0.tgz")]
    [InlineData("pkg.tgz")]
    [InlineData("build-output.tgz")]
    [InlineData("upload")]
    public void A_tgz_named_for_its_manifest_or_for_no_version_is_taken(string fileName) =>
        Assert.Equal("beta", new TgzPackageFormat().Read(Beta, fileName, PackageLimits.Default).Name);

    [Theory]
    [InlineData("my-lib", "1.2.0-rc.1", "my-lib-1.2.0-rc.1.tgz")]
    [InlineData("my.lib", "1.0.0+build.7", "my.lib-1.0.0.tgz")]
    [InlineData("my.lib", "1.0.0+build.7", "my.lib-1.0.0+build.7.tgz")]
    [InlineData("lib-2", "3.0.0", "lib-2-3.0.0.tgz")]
    public void Names_and_versions_with_dashes_and_dots_are_read_as_the_manifest_gives_them(
        string name,
        string version,
        string fileName) =>
        Assert.Equal(name, new TgzPackageFormat().Read(
            PackageBuilder.Create(name, version).Build(),
            fileName,
            PackageLimits.Default).Name);

    [Fact]
    public void Publish_reads_the_file_name_from_disk_with_the_same_rule()
    {
        var folder = Directory.CreateTempSubdirectory("tgz-file-name-");
        try
        {
            var path = Path.Combine(folder.FullName, "alpha-1.0.0.tgz");
            File.WriteAllBytes(path, Beta);
            var error = Assert.Throws<ValidationException>(() => PackageReader.Read(path, PackageLimits.Default));
            Assert.Equal(Rules.TgzFileName, error.Rule);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
