using NuGet.Versioning;
using Registry.Core.Packages;

namespace Registry.Core.Tests.Packages;

/// <summary>An npm or cargo range gets its NuGet spelling; the spelling means what the npm range means.</summary>
public sealed class RangeSyntaxTests
{
    [Theory]
    [InlineData("^2.0.0", "[2.0.0, 3.0.0)")]
    [InlineData("^1.2", "[1.2.0, 2.0.0)")]
    [InlineData("^0.2.3", "[0.2.3, 0.3.0)")]
    [InlineData("^0.0.3", "[0.0.3, 0.0.4)")]
    [InlineData("^2.0.0-beta.1", "[2.0.0-beta.1, 3.0.0)")]
    [InlineData("~1.2.3", "[1.2.3, 1.3.0)")]
    [InlineData("~1", "[1.0.0, 2.0.0)")]
    [InlineData(">=2.0.0", "2.0.0")]
    [InlineData(">2.0.0", "(2.0.0, )")]
    [InlineData("<=2.0.0", "(, 2.0.0]")]
    [InlineData("<2", "(, 2.0.0)")]
    [InlineData("=1.2.3", "[1.2.3]")]
    [InlineData(">=1.0.0 <2.0.0", "[1.0.0, 2.0.0)")]
    [InlineData(">=1.0.0, <2.0.0", "[1.0.0, 2.0.0)")]
    [InlineData(">1.0 <=2.0", "(1.0.0, 2.0.0]")]
    [InlineData("1.x", "[1.0.0, 2.0.0)")]
    [InlineData("1.2.x", "[1.2.0, 1.3.0)")]
    [InlineData("1.0.0 - 2.0.0", "[1.0.0, 2.0.0]")]
    public void An_npm_or_cargo_range_gets_the_NuGet_range_that_means_the_same(string npm, string nuget)
    {
        Assert.Equal(nuget, RangeSyntax.NuGetEquivalentOrNull(npm));
        Assert.True(VersionRange.TryParse(nuget, allowFloating: false, out _), $"{nuget} is a NuGet range");
        Assert.Contains($"{npm} is written {nuget}", RangeSyntax.Hint(npm), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 || 2")]
    [InlineData("latest")]
    [InlineData("<2.0.0 >=1.0.0")]
    [InlineData("^")]
    public void Anything_else_gets_the_NuGet_syntax_by_example(string text)
    {
        Assert.Null(RangeSyntax.NuGetEquivalentOrNull(text));
        Assert.Equal("ranges use NuGet's syntax: 2.0.0 means at least 2.0.0, [2.0.0, 3.0.0) from 2.0.0 up to but not "
            + "3.0.0, [2.0.0] exactly 2.0.0", RangeSyntax.Hint(text));
    }

    [Fact]
    public void A_package_manifest_with_a_caret_range_is_refused_with_the_NuGet_spelling()
    {
        var error = Refusal.Of(
            Registry.Testing.PackageBuilder.Create("pkg", "1.0.0").DependsOn("alpha", "^2.0.0").Build(),
            Rules.DependencyInvalid);
        Assert.Contains("'^2.0.0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2.0.0, 3.0.0)", error.Message, StringComparison.Ordinal);
    }
}
