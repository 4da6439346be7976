using System.Text;
using NuGet.Versioning;
using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>What a valid .nupkg reads as: the registry's manifest and the NuGet side of it.</summary>
public class NupkgFormatTests
{
    private static PackageManifest Read(NupkgBuilder builder)
        => Refusal.AcceptedNupkg(builder.Build(), builder.FileName);

    [Fact]
    public void Read_returns_the_lowercase_name_the_id_as_spelt_and_the_nuspec_bytes()
    {
        var builder = NupkgBuilder.Create("My.Lib", "1.2.0");
        var manifest = Read(builder);

        Assert.Equal("my.lib", manifest.Name);
        Assert.Equal(NuGetVersion.Parse("1.2.0"), manifest.Version);
        Assert.Equal("My.Lib", manifest.NuGet!.Id);
        Assert.Equal(Encoding.UTF8.GetBytes(builder.NuspecXml()), manifest.NuGet.Nuspec);
        Assert.Empty(manifest.Dependencies);
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("1.0.0.0", "1.0.0")]
    [InlineData("2.0.0-beta.1", "2.0.0-beta.1")]
    [InlineData("1.0.0-RC1", "1.0.0-RC1")]
    public void Read_accepts_the_versions_NuGet_accepts_and_normalises_them(string written, string normalised)
    {
        var manifest = Read(NupkgBuilder.Create("My.Lib", written));
        Assert.Equal(normalised, manifest.Version.ToNormalizedString());
    }

    [Fact]
    public void Read_keeps_grouped_dependencies_as_declared_and_flattens_them_by_highest_minimum()
    {
        var manifest = Read(NupkgBuilder.Create("My.App", "1.0.0")
            .DependsOn("net8.0", "Newtonsoft.Json", "13.0.1")
            .DependsOn("net8.0", "My.Lib", "[1.0.0, 2.0.0)")
            .DependsOn(".NETStandard2.0", "Newtonsoft.Json", "[12.0.0, )")
            .DependsOn(".NETStandard2.0", "System.Memory", null)
            .WithGroup("net9.0"));

        var groups = manifest.NuGet!.DependencyGroups;
        Assert.Equal(["net8.0", ".NETStandard2.0", "net9.0"], groups.Select(g => g.TargetFramework));
        Assert.Equal(
            [new NuGetDependency("Newtonsoft.Json", "[13.0.1, )"), new NuGetDependency("My.Lib", "[1.0.0, 2.0.0)")],
            groups[0].Dependencies);
        Assert.Equal(
            [new NuGetDependency("Newtonsoft.Json", "[12.0.0, )"), new NuGetDependency("System.Memory", "(, )")],
            groups[1].Dependencies);
        Assert.Empty(groups[2].Dependencies);

        Assert.Equal(["my.lib", "newtonsoft.json", "system.memory"], manifest.Dependencies.Keys);
        Assert.Equal(VersionRange.Parse("13.0.1"), manifest.Dependencies["newtonsoft.json"]);
        Assert.Equal(VersionRange.Parse("[1.0.0, 2.0.0)"), manifest.Dependencies["my.lib"]);
        Assert.Equal(VersionRange.All, manifest.Dependencies["system.memory"]);
    }

    [Fact]
    public void Read_gives_ungrouped_dependencies_one_group_without_a_framework()
    {
        var manifest = Read(
            NupkgBuilder.Create("My.App", "1.0.0").DependsOn("Serilog", "2.10").DependsOn("Polly", null));

        var group = Assert.Single(manifest.NuGet!.DependencyGroups);
        Assert.Null(group.TargetFramework);
        Assert.Equal(
            [new NuGetDependency("Serilog", "[2.10.0, )"), new NuGetDependency("Polly", "(, )")],
            group.Dependencies);
        Assert.Equal(["polly", "serilog"], manifest.Dependencies.Keys);
    }

    [Fact]
    public void Read_gives_a_nuspec_without_dependencies_one_empty_group_without_a_framework()
    {
        var group = Assert.Single(Read(NupkgBuilder.Create("My.Lib", "1.0.0")).NuGet!.DependencyGroups);
        Assert.Null(group.TargetFramework);
        Assert.Empty(group.Dependencies);
    }

    [Fact]
    public void Read_returns_the_descriptive_metadata()
    {
        var manifest = Read(NupkgBuilder.Create("My.Lib", "1.0.0").WithMetadata(
            "<authors> Ada Lovelace,Grace Hopper </authors><description>A library.</description>"
            + "<license type=\"expression\">MIT OR "
            + "Apache-2.0</license><licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>"
            + "<projectUrl>https://example.org/lib</projectUrl><repository type=\"git\" "
            + "url=\"https://git.example.org/lib.git\" commit=\"abc\" />"));

        Assert.Equal(["Ada Lovelace", "Grace Hopper"], manifest.Authors);
        Assert.Equal("A library.", manifest.Description);
        Assert.Equal("MIT OR Apache-2.0", manifest.License);
        Assert.Equal("https://example.org/lib", manifest.Homepage);
        Assert.Equal("https://git.example.org/lib.git", manifest.Repository);
    }

    [Theory]
    [InlineData("<license type=\"file\">docs/LICENSE.txt</license>", "file:docs/LICENSE.txt")]
    [InlineData("<licenseUrl>https://example.org/license</licenseUrl>", "https://example.org/license")]
    [InlineData("", null)]
    public void Read_gives_a_license_file_or_url_when_there_is_no_expression(string xml, string? license) =>
        Assert.Equal(license, Read(NupkgBuilder.Create("My.Lib", "1.0.0").WithMetadata(xml)).License);

    [Theory]
    [InlineData("")]
    [InlineData("http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd")]
    [InlineData("http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd")]
    [InlineData("http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd")]
    public void Read_accepts_every_nuspec_namespace_or_none(string space)
    {
        var xmlns = space.Length == 0 ? "" : $" xmlns=\"{space}\"";
        var builder = NupkgBuilder.Create("My.Lib", "1.0.0").WithNuspec(
            "<?xml version=\"1.0\" "
            + $"encoding=\"utf-8\"?><package{xmlns}><metadata><id>My.Lib</id><version>1.0.0</version>"
            + "<dependencies><dependency id=\"Dep\" version=\"1.0.0\" /></dependencies></metadata></package>");
        Assert.Equal(["dep"], Read(builder).Dependencies.Keys);
    }

    [Theory]
    [InlineData("My.Lib.1.2.0.nupkg")]
    [InlineData("my.lib.1.2.0.nupkg")]
    [InlineData("MY.LIB.1.2.0.NUPKG")]
    [InlineData("my.lib-1.2.0.nupkg")]
    public void Read_accepts_the_file_names_of_dotnet_pack_a_flat_container_and_the_registry(string fileName) =>
        Assert.Equal("my.lib", Refusal.AcceptedNupkg(NupkgBuilder.Create("My.Lib", "1.2.0").Build(), fileName).Name);

    [Theory]
    [InlineData("1.0", "My.Lib.1.0.nupkg")]
    [InlineData("1.0", "my.lib.1.0.0.nupkg")]
    [InlineData("1.2.3.0", "My.Lib.1.2.3.nupkg")]
    [InlineData("1.0.0+build.5", "My.Lib.1.0.0.nupkg")]
    public void Read_accepts_the_version_as_written_or_normalised_in_the_file_name(string version, string fileName) =>
        Refusal.AcceptedNupkg(NupkgBuilder.Create("My.Lib", version).Build(), fileName);

    [Fact]
    public void Read_accepts_the_layout_dotnet_pack_writes()
    {
        var manifest = Read(NupkgBuilder.DotnetPack("Contoso.Utilities", "1.0.0"));
        Assert.Equal("contoso.utilities", manifest.Name);
        Assert.Equal(["Contoso.Utilities authors"], manifest.Authors);
    }

    [Theory]
    [InlineData("My.Lib.1.0.0.nupkg")]
    [InlineData("UPLOAD.NUPKG")]
    public void Matches_a_nupkg_file_name(string fileName) =>
        Assert.True(new NupkgPackageFormat().Matches(fileName, []));

    [Fact]
    public void Matches_a_zip_head_under_a_name_of_no_other_format()
    {
        Assert.True(new NupkgPackageFormat().Matches("upload", "PK\u0003\u0004"u8));
        Assert.False(new NupkgPackageFormat().Matches("beta-1.0.0.tgz", "PK\u0003\u0004"u8));
        Assert.False(new NupkgPackageFormat().Matches("upload", [0x1f, 0x8b, 8]));
    }

    [Fact]
    public void The_tgz_format_does_not_claim_a_nupkg_even_with_a_gzip_head() =>
        Assert.False(new TgzPackageFormat().Matches("My.Lib.1.0.0.nupkg", [0x1f, 0x8b, 8]));

    [Fact]
    public void PackageReader_reads_a_nupkg_by_default()
    {
        var folder = Directory.CreateTempSubdirectory("registry-nupkg-");
        try
        {
            var builder = NupkgBuilder.Create("My.Lib", "1.0.0");
            var package = PackageReader.Read(builder.WriteTo(folder.FullName), PackageLimits.Default);
            Assert.Equal(".nupkg", package.FileExtension);
            Assert.Equal("my.lib", package.Manifest.Name);
            Assert.Equal(builder.Build(), package.Content);
            Assert.IsType<NupkgPackageFormat>(PackageReader.FormatOf(package.Content, "upload"));
            Assert.IsType<TgzPackageFormat>(
                PackageReader.FormatOf(PackageBuilder.Create("beta", "1.0.0").Build(), "upload"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void PackageReader_names_both_formats_when_it_knows_neither()
    {
        var error = Assert.Throws<ValidationException>(
            () => PackageReader.FormatOf("7z\u00bc\u00af"u8, "beta-1.0.0.7z"));
        Assert.Equal("format-unknown", error.Rule);
        Assert.Contains(".tgz", error.Message, StringComparison.Ordinal);
        Assert.Contains(".nupkg", error.Message, StringComparison.Ordinal);
    }
}
