using System.Formats.Tar;
using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public sealed class TgzPackageFormatTests
{
    private const string File = "pkg.tgz";
    private static readonly TgzPackageFormat Format = new();

    private static PackageManifest Read(byte[] archive, PackageLimits? limits = null)
        => Format.Read(archive, File, limits ?? PackageLimits.Default);

    private static ValidationException Refused(byte[] archive, string rule, PackageLimits? limits = null)
    {
        var error = Assert.Throws<ValidationException>(() => Read(archive, limits));
        Assert.Equal(rule, error.Rule);
        Assert.StartsWith(File + ": ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"[rule: {rule}]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Read_returns_the_manifest_of_a_valid_package()
    {
        var manifest = Read(Package("beta", "2.1.0-rc.1+build.7", ",\"dependencies\":{\"alpha\":\"[1.0.0, "
            + "2.0.0)\",\"gamma\":\"1.2.0\"},\"description\":\"d\",\"license\":\"MIT\",\"authors\":[\"Ann\"],"
            + "\"homepage\":\"https://example.org\"")
            .WithFile("lib/beta.txt", "x").WithEntry(TarEntryType.Directory, "lib/sub/").WithEntry(
                TarEntryType.SymbolicLink,
                "lib/link",
                "beta.txt").Build());
        Assert.Equal("beta", manifest.Name);
        Assert.Equal("2.1.0-rc.1+build.7", manifest.Version.ToFullString());
        Assert.Equal(["alpha", "gamma"], manifest.Dependencies.Keys);
        Assert.Equal("[1.0.0, 2.0.0)", manifest.Dependencies["alpha"].ToNormalizedString());
        Assert.Equal(["Ann"], manifest.Authors);
    }

    [Fact]
    public void Read_accepts_a_manifest_under_dot_slash() =>
        Assert.Equal("alpha", Read(
            PackageBuilder.Create("alpha", "1.0.0").WithManifestPath("./registry.json").Build()).Name);

    [Fact]
    public void Read_refuses_bytes_that_are_not_a_gzip_tar()
        => Refused("this is not gzip"u8.ToArray(), "archive-readable");

    [Fact]
    public void Read_refuses_a_truncated_archive()
    {
        var archive = Package()
            .WithFile("big.bin", new byte[200_000].Select((_, i) => (byte)(i * 7919 % 251)).ToArray())
            .Build();
        Refused(archive[..(archive.Length / 2)], "archive-readable");
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("lib/../../evil")]
    [InlineData("/etc/passwd")]
    [InlineData("lib\\evil")]
    [InlineData("C:evil")]
    public void Read_refuses_an_entry_that_escapes_the_root(string path) =>
        Refused(Package().WithFile(path, "x").Build(), "archive-path");

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "lib/link", "../../etc/passwd")]
    [InlineData(TarEntryType.SymbolicLink, "link", "/etc/passwd")]
    [InlineData(TarEntryType.SymbolicLink, "a/b/link", "../../../x")]
    [InlineData(TarEntryType.HardLink, "lib/hard", "../outside")]
    public void Read_refuses_a_link_pointing_outside_the_root(TarEntryType type, string path, string target) =>
        Refused(Package().WithEntry(type, path, target).Build(), "archive-link");

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Read_refuses_device_and_fifo_entries(TarEntryType type) =>
        Refused(Package().WithEntry(type, "dev/thing").Build(), "archive-entry-type");

    [Fact]
    public void Read_refuses_a_path_that_appears_twice() =>
        Refused(Package().WithFile("a.txt", "1").WithFile("./a.txt", "2").Build(), "archive-duplicate");

    [Fact]
    public void Read_refuses_too_many_entries()
    {
        var builder = Package();
        for (var i = 0; i < 20; i++)
        {
            builder.WithFile($"f{i}", "x");
        }

        Refused(builder.Build(), "limit-entries", PackageLimits.Default with { MaxEntries = 10 });
    }

    [Fact]
    public void Read_refuses_a_package_larger_than_the_compressed_limit() =>
        Refused(
            Package().Build(),
            "limit-compressed-size",
            PackageLimits.Default with { MaxCompressedBytes = 10 });

    [Fact]
    public void Read_refuses_a_package_that_unpacks_past_the_limit() =>
        Refused(
            Package().WithFile("big", RandomBytes(100_000)).Build(),
            "limit-unpacked-size",
            PackageLimits.Default with { MaxUnpackedBytes = 50_000 });

    [Fact]
    public void Read_refuses_a_compression_bomb_and_stops_reading_early()
    {
        var bomb = Package().WithFile("zeros", new byte[64 * 1024 * 1024]).Build();
        Assert.True(bomb.Length < 200_000, $"the bomb compresses to {bomb.Length} bytes");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Refused(bomb, "limit-ratio");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Read_refuses_an_oversized_manifest() =>
        Refused(
            Manifest("{\"name\":\"alpha\",\"version\":\"1.0.0\",\"description\":\"" + new string('x', 3000) + "\"}")
                .Build(),
            "limit-manifest-size",
            PackageLimits.Default with { MaxManifestBytes = 1000 });

    [Fact]
    public void Read_refuses_a_package_without_a_manifest() =>
        Refused(
            PackageBuilder.Create("alpha", "1.0.0").WithoutManifest().WithFile("lib/a.txt", "x").Build(),
            "manifest-missing");

    [Theory]
    [InlineData("{not json", "manifest-json")]
    [InlineData("{\"name\":\"alpha\",\"name\":\"beta\",\"version\":\"1.0.0\"}", "manifest-json")]
    [InlineData("[1,2]", "manifest-type")]
    [InlineData("{\"name\":5,\"version\":\"1.0.0\"}", "manifest-type")]
    [InlineData("{\"name\":\"alpha\",\"version\":\"1.0.0\",\"dependencies\":[\"beta\"]}", "manifest-type")]
    [InlineData("{\"name\":\"alpha\",\"version\":\"1.0.0\",\"authors\":\"Ann\"}", "manifest-type")]
    [InlineData("{\"version\":\"1.0.0\"}", "name-invalid")]
    [InlineData("{\"name\":\"alpha\"}", "version-invalid")]
    [InlineData("{\"name\":\"alpha\",\"version\":\"1.0.0\",\"dependencies\":{\"beta\":5}}", "manifest-type")]
    public void Read_refuses_a_malformed_manifest(string json, string rule) =>
        Refused(Manifest(json).Build(), rule);

    [Fact]
    public void Read_refuses_an_unknown_field_so_a_typo_cannot_drop_dependencies()
    {
        var error = Refused(
            Package(extraManifest: ",\"dependecies\":{\"beta\":\"1.0.0\"}").Build(),
            "manifest-unknown-field");
        Assert.Contains("'dependecies'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Alpha")]
    [InlineData("-alpha")]
    [InlineData("alpha-")]
    [InlineData("al pha")]
    [InlineData("alpha/beta")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Read_refuses_a_name_that_breaks_the_rule(string name)
    {
        var error = Refused(Package(name).Build(), "name-invalid");
        Assert.Contains(PackageName.Rule, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-")]
    [InlineData("latest")]
    public void Read_refuses_a_version_that_is_not_semver(string version) =>
        Refused(Package(version: version).Build(), "version-invalid");

    [Theory]
    [InlineData("{\"beta\":\"not a range\"}")]
    [InlineData("{\"Beta\":\"1.0.0\"}")]
    [InlineData("{\"alpha\":\"1.0.0\"}")]
    public void Read_refuses_an_invalid_dependency(string dependencies) =>
        Refused(
            Package(extraManifest: $",\"dependencies\":{dependencies}").Build(),
            "dependency-invalid");

    [Theory]
    [InlineData(",\"homepage\":\"ftp://example.org\"")]
    [InlineData(",\"repository\":\"not a url\"")]
    [InlineData(",\"license\":\""
        + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "\"")]
    public void Read_refuses_invalid_descriptive_metadata(string extra) =>
        Refused(Package(extraManifest: extra).Build(), "metadata-invalid");

    [Fact]
    public void PackageReader_refuses_an_unknown_format_and_reports_a_missing_file()
    {
        var folder = Directory.CreateTempSubdirectory("registry-reader-");
        try
        {
            var path = Path.Combine(folder.FullName, "pkg.7z");
            System.IO.File.WriteAllBytes(path, "7z\u00bc\u00af\u0027\u001c"u8.ToArray());
            Assert.Equal(
                "format-unknown",
                Assert.Throws<ValidationException>(() => PackageReader.Read(path, PackageLimits.Default)).Rule);
            var missing = Path.Combine(folder.FullName, "missing.tgz");
            Assert.Equal(
                2,
                Assert.Throws<EnvironmentException>(() => PackageReader.Read(missing, PackageLimits.Default)).ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A package whose registry.json is this name and version, then <paramref name="extraManifest"/>.
    /// </summary>
    private static PackageBuilder Package(string name = "alpha", string version = "1.0.0", string extraManifest = "") =>
        Manifest($"{{\"name\":\"{name}\",\"version\":\"{version}\"{extraManifest}}}");

    private static PackageBuilder Manifest(string json) =>
        PackageBuilder.Create("alpha", "1.0.0").WithManifestJson(json);

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
