using System.Text.Json.Nodes;
using NuGet.Versioning;
using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public class ManifestTests
{
    private static byte[] WithManifest(string json)
        => PackageBuilder.Create("beta", "1.0.0").WithManifestJson(json).Build();

    private static byte[] WithField(string field, JsonNode? value)
        => PackageBuilder.Create("beta", "1.0.0").WithField(field, value).Build();

    [Fact]
    public void Read_returns_every_manifest_field()
    {
        var package = PackageBuilder.Create("beta", "1.2.3-rc.1+build.5")
            .DependsOn("gamma", "[2.0.0, 3.0.0)")
            .DependsOn("alpha", "[1.0.0, )")
            .WithField("description", "A package.")
            .WithField("license", "MIT")
            .WithField("authors", new JsonArray("Ada", "Grace"))
            .WithField("homepage", "https://example.org/beta")
            .WithField("repository", "http://git.example.org/beta")
            .Build();

        var manifest = Refusal.Accepted(package);

        Assert.Equal(NuGetVersion.Parse("1.2.3-rc.1+build.5"), manifest.Version);
        Assert.Equal(["alpha", "gamma"], manifest.Dependencies.Keys);
        Assert.Equal(VersionRange.Parse("[1.0.0, )"), manifest.Dependencies["alpha"]);
        Assert.Equal("A package.", manifest.Description);
        Assert.Equal("MIT", manifest.License);
        Assert.Equal(["Ada", "Grace"], manifest.Authors);
        Assert.Equal("https://example.org/beta", manifest.Homepage);
        Assert.Equal("http://git.example.org/beta", manifest.Repository);
    }

    [Fact]
    public void Read_gives_empty_dependencies_and_authors_when_absent()
    {
        var manifest = Refusal.Accepted(PackageBuilder.Create("beta", "1.0.0").Build());
        Assert.Empty(manifest.Dependencies);
        Assert.Empty(manifest.Authors);
        Assert.Null(manifest.Description);
    }

    [Theory]
    [InlineData("{\"name\": \"beta\",")]
    [InlineData("not json")]
    [InlineData("{\"name\": \"beta\", \"version\": \"1.0.0\",}")]
    [InlineData("{\"name\": \"beta\", \"name\": \"gamma\", \"version\": \"1.0.0\"}")]
    public void Read_refuses_a_manifest_that_is_not_valid_json(string json) =>
        Refusal.Of(WithManifest(json), "manifest-json");

    [Theory]
    [InlineData("[]", "the top level")]
    [InlineData("{\"name\": 1, \"version\": \"1.0.0\"}", "'name'")]
    [InlineData("{\"name\": \"beta\", \"version\": 1.0}", "'version'")]
    [InlineData("{\"name\": \"beta\", \"version\": \"1.0.0\", \"dependencies\": [\"alpha\"]}", "'dependencies'")]
    [InlineData(
        "{\"name\": \"beta\", \"version\": \"1.0.0\", \"dependencies\": {\"alpha\": 1}}",
        "'dependencies.alpha'")]
    [InlineData("{\"name\": \"beta\", \"version\": \"1.0.0\", \"description\": null}", "'description'")]
    [InlineData("{\"name\": \"beta\", \"version\": \"1.0.0\", \"authors\": \"Ada\"}", "'authors'")]
    [InlineData("{\"name\": \"beta\", \"version\": \"1.0.0\", \"authors\": [\"Ada\", 7]}", "'authors[1]'")]
    public void Read_refuses_a_field_of_the_wrong_type_and_names_it(string json, string field)
    {
        var error = Refusal.Of(WithManifest(json), "manifest-type");
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_an_unknown_field_and_names_it()
    {
        var error = Refusal.Of(
            WithField("dependecies", new JsonObject { ["alpha"] = "1.0.0" }),
            "manifest-unknown-field");
        Assert.Contains("'dependecies'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Beta")]
    [InlineData("-beta")]
    [InlineData("beta-")]
    [InlineData("be ta")]
    [InlineData("")]
    public void Read_refuses_a_name_that_breaks_the_name_rule(string name)
    {
        var error = Refusal.Of(PackageBuilder.Create(name, "1.0.0").Build(), "name-invalid");
        Assert.Contains(PackageName.Rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_manifest_without_a_name() =>
        Refusal.Of(WithManifest("{\"version\": \"1.0.0\"}"), "name-invalid");

    [Fact]
    public void Read_refuses_a_manifest_without_a_version() =>
        Refusal.Of(WithManifest("{\"name\": \"beta\"}"), "version-invalid");

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.0.0.0")]
    [InlineData("v1.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0-01")]
    [InlineData(" 1.0.0")]
    [InlineData("1")]
    public void Read_refuses_a_version_that_is_not_strict_semver(string version) =>
        Refusal.Of(PackageBuilder.Create("beta", version).Build(), "version-invalid");

    [Theory]
    [InlineData("0.0.0")]
    [InlineData("1.2.3-alpha.1")]
    [InlineData("1.2.3+sha.abc")]
    [InlineData("10.20.30-rc-1.x+b")]
    public void Read_accepts_semver_versions(string version) =>
        Assert.Equal(
            NuGetVersion.Parse(version),
            Refusal.Accepted(PackageBuilder.Create("beta", version).Build()).Version);

    [Theory]
    [InlineData("alpha", "not a range")]
    [InlineData("alpha", "1.*")]
    [InlineData("alpha", "[2.0.0, 1.0.0]")]
    [InlineData("Alpha", "1.0.0")]
    [InlineData("al pha", "1.0.0")]
    public void Read_refuses_an_invalid_dependency(string name, string range) =>
        Refusal.Of(PackageBuilder.Create("beta", "1.0.0").DependsOn(name, range).Build(), "dependency-invalid");

    [Theory]
    [InlineData("my-pkg")]
    [InlineData("my_pkg")]
    [InlineData("my..pkg")]
    public void Read_refuses_a_dependency_on_itself_even_when_spelled_differently(string dependency) =>
        Refusal.Of(
            PackageBuilder.Create("my-pkg", "1.0.0").DependsOn(dependency, "1.0.0").Build(),
            "dependency-invalid");

    private static byte[] WithDependencyJson(string json) =>
        WithManifest($"{{\"name\": \"beta\", \"version\": \"1.0.0\", \"dependencies\": {{\"alpha\": \"1.0.0\", "
            + $"\"left-pad\": {json}}}}}");

    [Fact]
    public void Read_takes_a_dependency_in_another_registry_as_range_and_registry()
    {
        var manifest = Refusal.Accepted(WithDependencyJson("{\"range\": \"[1.0.0, )\", \"registry\": \"public\"}"));
        Assert.Equal(["alpha", "left-pad"], manifest.Dependencies.Keys);
        Assert.Equal(VersionRange.Parse("[1.0.0, )"), manifest.Dependencies["left-pad"]);
        Assert.Equal(new Dictionary<string, string> { ["left-pad"] = "public" }, manifest.DependencyRegistries);
    }

    [Theory]
    [InlineData("{\"range\": \"[1.0.0, )\"}", "dependency-invalid")]
    [InlineData("{\"registry\": \"public\"}", "dependency-invalid")]
    [InlineData("{\"range\": \"[1.0.0, )\", \"registry\": \"\"}", "dependency-invalid")]
    [InlineData("{\"range\": \"[1.0.0, )\", \"registry\": 7}", "dependency-invalid")]
    [InlineData("{\"range\": \"1.*\", \"registry\": \"public\"}", "dependency-invalid")]
    [InlineData("{\"range\": \"[1.0.0, )\", \"registry\": \"public\", \"regsitry\": \"x\"}", "manifest-unknown-field")]
    [InlineData("{\"range\": \"[1.0.0, )\", \"registry\": \"pub\\nlic\"}", "dependency-invalid")]
    [InlineData("[\"[1.0.0, )\", \"public\"]", "manifest-type")]
    public void Read_refuses_a_malformed_dependency_object(string json, string rule) =>
        Refusal.Of(WithDependencyJson(json), rule);

    [Fact]
    public void Read_refuses_two_dependencies_on_the_same_normalised_name() =>
        Refusal.Of(
            PackageBuilder.Create("beta", "1.0.0").DependsOn("foo-bar", "1.0.0").DependsOn("foo_bar", "2.0.0").Build(),
            "dependency-invalid");

    [Theory]
    [InlineData("homepage", "ftp://example.org")]
    [InlineData("homepage", "example.org")]
    [InlineData("repository", "/srv/git/beta")]
    [InlineData("repository", "javascript:alert(1)")]
    public void Read_refuses_a_url_that_is_not_absolute_http(string field, string url) =>
        Refusal.Of(WithField(field, url), "metadata-invalid");

    [Theory]
    [InlineData("description", 4097)]
    [InlineData("license", 257)]
    public void Read_refuses_metadata_over_its_length(string field, int length)
    {
        Refusal.Of(WithField(field, new string('x', length)), "metadata-invalid");
        Refusal.Accepted(WithField(field, new string('x', length - 1)));
    }

    [Fact]
    public void Read_refuses_an_empty_author() =>
        Refusal.Of(WithField("authors", new JsonArray("Ada", " ")), "metadata-invalid");
}
