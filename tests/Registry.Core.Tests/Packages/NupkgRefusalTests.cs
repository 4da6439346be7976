using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>Every rule a .nupkg can break, with the rule name a user would see.</summary>
public class NupkgRefusalTests
{
    private static ValidationException Refused(NupkgBuilder builder, string rule)
        => Refusal.OfNupkg(builder.Build(), rule, fileName: builder.FileName);

    private static NupkgBuilder WithNuspec(string metadata) =>
        NupkgBuilder.Create("My.Lib", "1.0.0").WithNuspec(
            "<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\">"
            + $"<metadata>{metadata}</metadata></package>");

    [Theory]
    [InlineData("../evil")]
    [InlineData("lib/../../evil")]
    [InlineData("/etc/evil")]
    [InlineData("C:/evil")]
    [InlineData("lib\\..\\..\\evil")]
    [InlineData("lib/\u0001evil")]
    [InlineData("%2E%2E/evil")]
    [InlineData("lib/%2e%2e/%2e%2e/evil")]
    [InlineData("%2Fetc/evil")]
    public void Read_refuses_an_entry_path_that_leaves_the_package(string name) =>
        Refusal.OfNupkg(MaliciousNupkgs.ParentPathEntry(name), Rules.ArchivePath);

    [Fact]
    public void Read_refuses_a_file_at_a_path_that_is_also_a_file() =>
        Refusal.OfNupkg(MaliciousNupkgs.Valid().WithFile("lib/net8.0/Evil.dll/x", "x").Build(), Rules.ArchivePath);

    [Theory]
    [InlineData("lib/net8.0/Evil.dll")]
    [InlineData("LIB/NET8.0/evil.DLL")]
    [InlineData("./lib/net8.0/Evil.dll")]
    [InlineData("lib//net8.0/Evil.dll")]
    public void Read_refuses_a_path_stored_twice_ignoring_case_and_normalisation(string name) =>
        Refusal.OfNupkg(MaliciousNupkgs.Valid().WithFile(name, "again").Build(), Rules.ArchiveDuplicate);

    [Fact]
    public void Read_refuses_a_symlink_entry()
    {
        var error = Refusal.OfNupkg(MaliciousNupkgs.SymlinkEntry(), Rules.ArchiveLink);
        Assert.Contains("'lib/passwd' is a symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_special_file_entry() =>
        Refusal.OfNupkg(MaliciousNupkgs.FifoEntry(), Rules.ArchiveEntryType);

    [Fact]
    public void Read_refuses_a_directory_entry_with_data() =>
        Refusal.OfNupkg(MaliciousNupkgs.Valid().WithFile("lib/dir/", "data").Build(), Rules.ArchiveEntryType);

    [Fact]
    public void Read_refuses_an_encrypted_entry()
    {
        var error = Refusal.OfNupkg(MaliciousNupkgs.EncryptedEntry(), Rules.ArchiveReadable);
        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_an_entry_whose_bytes_do_not_match_its_crc() =>
        Refusal.OfNupkg(MaliciousNupkgs.WrongCrc(), Rules.ArchiveReadable);

    [Fact]
    public void Read_refuses_an_entry_in_a_compression_method_ZipArchive_cannot_read()
    {
        // Method 14 (LZMA) in both headers of the library.
        var package = MaliciousNupkgs.Patch(
            MaliciousNupkgs.Valid().Build(),
            "lib/net8.0/Evil.dll",
            (header, central) => header[central ? 10 : 8] = 14);
        Refusal.OfNupkg(package, Rules.ArchiveReadable);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(22)]
    public void Read_refuses_a_truncated_or_unreadable_zip(int cut)
    {
        var whole = MaliciousNupkgs.Valid().Build();
        Refusal.OfNupkg(cut == 0 ? "not a zip at all"u8.ToArray() : whole[..^cut], Rules.ArchiveReadable);
    }

    [Fact]
    public void Read_refuses_a_zip_whose_central_directory_is_cut_in_the_middle()
    {
        var whole = MaliciousNupkgs.Valid().Build();
        Refusal.OfNupkg([.. whole[..(whole.Length / 2)], .. whole[^22..]], Rules.ArchiveReadable);
    }

    [Fact]
    public void Read_refuses_a_package_without_a_nuspec() =>
        Refusal.OfNupkg(MaliciousNupkgs.Valid().WithoutNuspec().Build(), Rules.ManifestMissing);

    [Fact]
    public void Read_refuses_a_nuspec_that_is_not_at_the_root() =>
        Refusal.OfNupkg(MaliciousNupkgs.NuspecNotAtRoot(), Rules.ManifestMissing);

    [Fact]
    public void Read_refuses_two_nuspecs_at_the_root()
    {
        var error = Refusal.OfNupkg(MaliciousNupkgs.TwoNuspecs(), Rules.NupkgNuspec);
        Assert.Contains("'Evil.nuspec' and 'Other.nuspec'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_nuspec_with_an_external_entity_without_reading_it()
    {
        var error = Refusal.OfNupkg(MaliciousNupkgs.ExternalEntityNuspec(), Rules.NuspecXml);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_nuspec_with_a_dtd_before_expanding_its_entities() =>
        Refusal.OfNupkg(MaliciousNupkgs.EntityExpansionNuspec(), Rules.NuspecXml);

    [Theory]
    [InlineData("<package><metadata><id>My.Lib</id>")]
    [InlineData("not xml")]
    [InlineData("<other><metadata><id>My.Lib</id><version>1.0.0</version></metadata></other>")]
    [InlineData(
        "<package xmlns=\"urn:something-else\"><metadata><id>My.Lib</id><version>1.0.0</version></metadata></package>")]
    [InlineData("<package><id>My.Lib</id><version>1.0.0</version></package>")]
    [InlineData("<package><metadata><id>My.Lib</id><version>1.0.0</version></metadata><metadata /></package>")]
    [InlineData("<package><metadata><id>My.Lib</id><id>Other</id><version>1.0.0</version></metadata></package>")]
    public void Read_refuses_a_nuspec_that_is_not_a_nuspec_document(string xml) =>
        Refused(NupkgBuilder.Create("My.Lib", "1.0.0").WithNuspec(xml), Rules.NuspecXml);

    [Fact]
    public void Read_refuses_a_nuspec_without_an_id() =>
        Refused(WithNuspec("<version>1.0.0</version>"), Rules.NameInvalid);

    [Fact]
    public void Read_refuses_a_nuspec_without_a_version() =>
        Refused(WithNuspec("<id>My.Lib</id>"), Rules.VersionInvalid);

    [Theory]
    [InlineData("My..Lib")]
    [InlineData("My Lib")]
    [InlineData("My.Lib.")]
    [InlineData("_My.Lib")]
    [InlineData("Mÿ.Lib")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123456789")]
    public void Read_refuses_an_id_that_breaks_the_NuGet_id_rule_or_the_name_rule(string id)
    {
        var error = Refused(NupkgBuilder.Create(id, "1.0.0"), Rules.NameInvalid);
        Assert.Contains("NuGet id", error.Message, StringComparison.Ordinal);
        Assert.Contains(PackageName.Rule, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0.0.0")]
    [InlineData("latest")]
    public void Read_refuses_a_version_NuGet_cannot_parse(string version) =>
        Refused(NupkgBuilder.Create("My.Lib", version), Rules.VersionInvalid);

    [Theory]
    [InlineData("My.Lib.2.0.0.nupkg")]
    [InlineData("Other.1.0.0.nupkg")]
    [InlineData("My.Lib.nupkg")]
    [InlineData("my.lib-1.0.nupkg")]
    [InlineData("upload")]
    public void Read_refuses_a_file_name_that_does_not_match_the_id_and_version(string fileName)
    {
        var error = Refusal.OfNupkg(
            NupkgBuilder.Create("My.Lib", "1.0").Build(),
            Rules.NupkgFileName,
            fileName: fileName);
        Assert.Contains("My.Lib.1.0.0.nupkg", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad Id", "1.0.0")]
    [InlineData("_Dep", "1.0.0")]
    [InlineData("Dep", "not a range")]
    [InlineData("Dep", "1.*")]
    [InlineData("Dep", "[2.0.0, 1.0.0]")]
    [InlineData("my.lib", "1.0.0")]
    [InlineData("MY_LIB", "1.0.0")]
    public void Read_refuses_an_invalid_dependency(string id, string range) =>
        Refused(NupkgBuilder.Create("My.Lib", "1.0.0").DependsOn(id, range), Rules.DependencyInvalid);

    [Fact]
    public void Read_refuses_a_dependency_listed_twice_in_one_group() =>
        Refused(NupkgBuilder.Create("My.Lib", "1.0.0").DependsOn("net8.0", "Dep", "1.0.0")
            .DependsOn("net8.0", "DEP", "2.0.0"), Rules.DependencyInvalid);

    [Fact]
    public void Read_refuses_two_ids_that_are_one_registry_name() =>
        Refused(NupkgBuilder.Create("My.Lib", "1.0.0").DependsOn("net8.0", "Foo.Bar", "1.0.0")
            .DependsOn("net9.0", "Foo-Bar", "1.0.0"), Rules.DependencyInvalid);

    [Fact]
    public void Read_refuses_a_dependency_without_an_id() =>
        Refused(
            WithNuspec(
                "<id>My.Lib</id><version>1.0.0</version>"
                + "<dependencies><dependency version=\"1.0.0\" /></dependencies>"),
            Rules.DependencyInvalid);

    [Fact]
    public void Read_refuses_groups_mixed_with_ungrouped_dependencies_which_NuGet_would_ignore() =>
        Refused(WithNuspec("<id>My.Lib</id><version>1.0.0</version><dependencies><group><dependency id=\"A\" "
            + "/></group><dependency id=\"B\" /></dependencies>"), Rules.DependencyInvalid);

    [Theory]
    [InlineData("<projectUrl>ftp://example.org</projectUrl>")]
    [InlineData("<repository type=\"git\" url=\"git@example.org:lib.git\" />")]
    [InlineData("<authors>Ada,,Grace</authors>")]
    [InlineData("<license type=\"other\">MIT</license>")]
    public void Read_refuses_invalid_descriptive_metadata(string xml) =>
        Refused(NupkgBuilder.Create("My.Lib", "1.0.0").WithMetadata(xml), Rules.MetadataInvalid);

    [Theory]
    [InlineData("description", 4096)]
    [InlineData("licenseUrl", 256)]
    public void Read_applies_the_registry_json_length_limits(string element, int length)
    {
        var tooLong = new string('x', length + 1);
        Refused(
            NupkgBuilder.Create("My.Lib", "1.0.0").WithMetadata($"<{element}>{tooLong}</{element}>"),
            Rules.MetadataInvalid);
        Refusal.AcceptedNupkg(NupkgBuilder.Create("My.Lib", "1.0.0")
            .WithMetadata($"<{element}>{new string('x', length)}</{element}>")
            .Build(), "My.Lib.1.0.0.nupkg");
    }
}
