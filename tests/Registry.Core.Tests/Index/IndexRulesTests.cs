using Registry.Core.Index;

namespace Registry.Core.Tests.Index;

/// <summary>A signed index that breaks the index rules is refused by every reader (it comes through <see cref="IndexJson.ParseIndex"/>).</summary>
public sealed class IndexRulesTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static IndexEntry Entry(string version, string? artifact = null, string sha256 = Sha, long length = 10) => new()
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
        Assert.Contains("not its canonical path packages/alpha/1.0.0/alpha-1.0.0.tgz", message, StringComparison.Ordinal);
        Assert.Contains("[rule: index-format]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_at_another_names_path_is_refused() =>
        Assert.Contains("belongs at index/beta.json", Refusal(new PackageIndex { Name = "beta", Versions = [] }), StringComparison.Ordinal);

    [Fact]
    public void The_path_is_the_normalised_name() =>
        Assert.Empty(IndexJson.ParseIndex(IndexJson.Serialize(new PackageIndex { Name = "str_util", Versions = [] }), "index/str-util.json").Versions);

    [Fact]
    public void Versions_out_of_order_or_repeated_are_refused()
    {
        Assert.Contains("out of order or repeated", Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.1.0"), Entry("1.0.0")] }), StringComparison.Ordinal);
        Assert.Contains("out of order or repeated", Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0"), Entry("1.0.0+build")] }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("../x456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_malformed_sha256_is_refused(string sha256) =>
        Assert.Contains("malformed sha256", Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0", sha256: sha256)] }), StringComparison.Ordinal);

    [Fact]
    public void A_negative_length_is_refused() =>
        Assert.Contains("impossible length", Refusal(new PackageIndex { Name = "alpha", Versions = [Entry("1.0.0", length: -1)] }), StringComparison.Ordinal);

    [Fact]
    public void A_null_field_is_a_malformed_document_not_a_crash()
    {
        var json = """{"name":"alpha","versions":[{"version":"1.0.0","dependencies":null,"yanked":false,"artifact":"packages/alpha/1.0.0/alpha-1.0.0.tgz","length":1,"sha256":null,"published":"2026-01-01T00:00:00Z"}]}"""u8.ToArray();
        Assert.Contains("malformed document", Assert.Throws<VerificationException>(() => IndexJson.ParseIndex(json, "index/alpha.json")).Message, StringComparison.Ordinal);
    }
}
