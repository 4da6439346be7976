using FsCheck;
using FsCheck.Fluent;
using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public class PackageNameTests
{
    private const string Allowed = "abcdefghijklmnopqrstuvwxyz0123456789-_.";
    private const string Ends = "abcdefghijklmnopqrstuvwxyz0123456789";

    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("foo-bar")]
    [InlineData("foo_bar.baz9")]
    [InlineData("a--b")]
    public void IsValid_accepts_names_that_follow_the_rule(string name) => Assert.True(PackageName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Foo")]
    [InlineData("-foo")]
    [InlineData("foo.")]
    [InlineData("foo bar")]
    [InlineData("foo/bar")]
    [InlineData("café")]
    [InlineData("foo\0")]
    public void IsValid_refuses_names_that_break_the_rule(string? name)
    {
        Assert.False(PackageName.IsValid(name));
        Assert.NotNull(PackageName.Problem(name));
    }

    [Fact]
    public void IsValid_refuses_a_name_longer_than_64_characters()
    {
        Assert.True(PackageName.IsValid(new string('a', 64)));
        Assert.Contains("65 characters", PackageName.Problem(new string('a', 65)), StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_names_the_uppercase_letter() =>
        Assert.Contains("'F'", PackageName.Problem("Foo"), StringComparison.Ordinal);

    [Theory]
    [InlineData("Foo", "foo")]
    [InlineData("foo_bar", "foo-bar")]
    [InlineData("foo.bar", "foo-bar")]
    [InlineData("foo-bar", "foo-bar")]
    [InlineData("foo-_.-bar", "foo-bar")]
    [InlineData("a__b..c", "a-b-c")]
    public void Normalize_folds_case_and_runs_of_separators(string name, string normalized) =>
        Assert.Equal(normalized, PackageName.Normalize(name));

    [Fact]
    public void Normalize_makes_separator_variants_collide() =>
        Assert.Single(new[] { "foo_bar", "foo-bar", "foo.bar", "Foo__Bar" }.Select(PackageName.Normalize).Distinct());

    [Fact]
    public void Normalize_is_idempotent() =>
        Prop.ForAll(
            ArbMap.Default.ArbFor<string>(),
            name => name is null || PackageName.Normalize(PackageName.Normalize(name)) == PackageName.Normalize(name))
            .QuickCheckThrowOnFailure();

    [Fact]
    public void Every_valid_name_round_trips_through_a_package() =>
        Prop.ForAll(ValidNames().ToArbitrary(), name =>
            {
                var manifest = new TgzPackageFormat().Read(
                    PackageBuilder.Create(name, "1.0.0").Build(),
                    "p.tgz",
                    PackageLimits.Default);
                return manifest.Name == name && PackageName.IsValid(name);
            })
            .QuickCheckThrowOnFailure();

    private static Gen<string> ValidNames() =>
        from length in Gen.Choose(1, PackageName.MaxLength)
        from first in Gen.Elements(Ends.ToCharArray())
        from middle in Gen.ArrayOf(Gen.Elements(Allowed.ToCharArray()), Math.Max(0, length - 2))
        from last in Gen.Elements(Ends.ToCharArray())
        select length == 1 ? first.ToString() : first + new string(middle) + last;

    [Theory]
    [InlineData("My.Lib", "my.lib")]
    [InlineData("my.lib", "my.lib")]
    [InlineData("My Lib", "My Lib")]
    [InlineData("-My", "-My")]
    public void A_name_typed_in_any_case_is_looked_up_lowercased_and_an_invalid_one_stays_as_typed(
        string typed,
        string expected) =>
        Assert.Equal(expected, PackageName.FromUserInput(typed));
}
