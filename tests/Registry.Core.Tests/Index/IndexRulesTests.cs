using Registry.Core.Index;

namespace Registry.Core.Tests.Index;

/// <summary>A signed index that breaks the index rules is refused by every reader (it comes through
/// <see cref="IndexJson.ParseIndex"/>).</summary>
public sealed class IndexRulesTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static IndexEntry Entry(
        string version,
        string? artifact = null,
        string sha256 = Sha,
        long length = 10) => new()
    {
        Version = version,
        Dependencies = new Dictionary<string, string>(),
        Artifact = artifact ?? $"packages/alpha/{version}/alpha-{version}.tgz",
        Length = length,
        Sha256 = sha256,
        Published = DateTimeOffset.UnixEpoch,
    };

    private static string Refusal(PackageIndex index, string path = "index/alpha.json") =>
        Assert.Throws<VerificationException>(() => IndexJson.ParseIndex(IndexJson.Serialize(index), path)).Message;

    [Fact]
    public void A_well_formed_index_round_trips()
    {
        var index = new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0"), Entry("1.1.0-rc.1")] };
        Assert.Equal(2, IndexJson.ParseIndex(IndexJson.Serialize(index), "index/alpha.json").Versions.Count);
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("packages/other/1.0.0/other-1.0.0.tgz")]
    [InlineData("packages/alpha/1.0.0/../../../x.tgz")]
    [InlineData("https://evil.example/alpha.tgz")]
    [InlineData("packages/alpha/1.0.0/alpha-1.0.0.exe")]
    public void An_artifact_path_other_than_the_canonical_one_is_refused(string artifact)
    {
        var message = Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0", artifact)] });
        Assert.Contains(
            "not its canonical path packages/alpha/1.0.0/alpha-1.0.0.tgz",
            message,
            StringComparison.Ordinal);
        Assert.Contains("[rule: index-format]", message, StringComparison.Ordinal);
    }

    private static IndexEntry WithPin(string url, string sha256, string dependency = "left-pad") => Entry("1.0.0") with
    {
        Dependencies = new Dictionary<string, string> { ["left-pad"] = "[1.0.0, )" },
        DependencyRegistries = new Dictionary<string, RegistryPin> {
            [dependency] = new() { Url = url, RootSha256 = sha256 } },
    };

    [Theory]
    [InlineData("https://registry.example/")]
    [InlineData("https://registry.example/sub/path/")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://[::1]:8080/")]
    public void A_dependency_pinned_to_another_registry_round_trips(string url)
    {
        var entry = IndexJson.ParseIndex(
            IndexJson.Serialize(new PackageIndex { Name = "alpha", Versions = [WithPin(url, Sha)] }),
            "index/alpha.json").Versions.Single();
        Assert.Equal(url, entry.DependencyRegistries!["left-pad"].Url);
    }

    [Fact]
    public void An_index_without_dependency_registries_has_no_such_field_in_its_bytes() =>
        Assert.DoesNotContain(
            "dependency_registries",
            System.Text.Encoding.UTF8.GetString(
                IndexJson.Serialize(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0")] })),
            StringComparison.Ordinal);

    [Theory]
    [InlineData("http://registry.example/", Sha, "not an https URL")]
    [InlineData("ftp://registry.example/", Sha, "not an https URL")]
    [InlineData("https://registry.example", Sha, "not an https URL")]
    [InlineData("https://user:pw@registry.example/", Sha, "not an https URL")]
    [InlineData("https://registry.example/?x=1", Sha, "not an https URL")]
    [InlineData("registry.example/", Sha, "not an https URL")]
    [InlineData(
        "https://registry.example/",
        "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "not 64 lowercase hex digits")]
    [InlineData("https://registry.example/", "0123", "not 64 lowercase hex digits")]
    public void A_malformed_registry_pin_is_refused(string url, string sha256, string expected)
    {
        var message = Refusal(new PackageIndex { Name = "alpha", Versions = [WithPin(url, sha256)] });
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("[rule: index-format]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_pin_for_a_name_that_is_not_a_dependency_is_refused() =>
        Assert.Contains(
            "which is not one of its dependencies",
            Refusal(new PackageIndex { Name = "alpha", Versions = [WithPin("https://r.example/", Sha, "other")] }),
            StringComparison.Ordinal);

    [Fact]
    public void An_index_at_another_names_path_is_refused() =>
        Assert.Contains(
            "belongs at index/beta.json",
            Refusal(new PackageIndex { Name = "beta", Versions = [] }),
            StringComparison.Ordinal);

    [Fact]
    public void The_path_is_the_normalised_name() =>
        Assert.Empty(IndexJson.ParseIndex(
            IndexJson.Serialize(new PackageIndex { Name = "str_util", Versions = [] }),
            "index/str-util.json").Versions);

    [Fact]
    public void Versions_out_of_order_or_repeated_are_refused()
    {
        Assert.Contains(
            "out of order or repeated",
            Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.1.0"), Entry("1.0.0")] }),
            StringComparison.Ordinal);
        Assert.Contains(
            "out of order or repeated",
            Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0"), Entry("1.0.0+build")] }),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("../x456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_malformed_sha256_is_refused(string sha256) =>
        Assert.Contains(
            "malformed sha256",
            Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0", sha256: sha256)] }),
            StringComparison.Ordinal);

    [Fact]
    public void A_negative_length_is_refused() =>
        Assert.Contains(
            "impossible length",
            Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0", length: -1)] }),
            StringComparison.Ordinal);

    [Fact]
    public void A_null_field_is_a_malformed_document_not_a_crash()
    {
        var json = System.Text.Encoding.UTF8.GetBytes(
            """{"name":"alpha","versions":[{"version":"1.0.0","dependencies":"""
            + """null,"yanked":false,"artifact":"packages/alpha/1.0.0/alpha-1.0.0.tgz","length":"""
            + """1,"sha256":null,"published":"2026-01-01T00:00:00Z"}]}""");
        Assert.Contains(
            "malformed document",
            Assert.Throws<VerificationException>(() => IndexJson.ParseIndex(json, "index/alpha.json")).Message,
            StringComparison.Ordinal);
    }
}
