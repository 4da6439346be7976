using FsCheck;
using FsCheck.Fluent;
using Registry.Core.Packages;

namespace Registry.Core.Tests.Packages;

public sealed class PackageNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("alpha")]
    [InlineData("foo-bar_baz.2")]
    [InlineData("0day")]
    public void Valid_names_pass(string name) => Assert.True(PackageName.IsValid(name));

    [Theory]
    [InlineData("foo_bar", "foo-bar")]
    [InlineData("foo.bar", "foo-bar")]
    [InlineData("foo-_.-bar", "foo-bar")]
    [InlineData("a__b..c", "a-b-c")]
    public void Separators_fold_to_one_dash(string name, string normalized) => Assert.Equal(normalized, PackageName.Normalize(name));

    [Fact]
    public void Normalize_is_idempotent_and_names_equal_after_it_collide()
    {
        var names = ArbMap.Default.ArbFor<NonEmptyString>().Generator
            .Select(s => new string(s.Get.Select(c => "abc-_.9"[Math.Abs(c) % 7]).ToArray()))
            .ToArbitrary();
        Prop.ForAll(names, name =>
        {
            var once = PackageName.Normalize(name);
            return once == PackageName.Normalize(once) && !once.Contains('_', StringComparison.Ordinal) && !once.Contains('.', StringComparison.Ordinal) && !once.Contains("--", StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_valid_name_round_trips_through_a_package_archive()
    {
        var names = ArbMap.Default.ArbFor<NonEmptyString>().Generator
            .Select(s => "a" + new string(s.Get.Take(60).Select(c => "abcxyz0129-_."[Math.Abs(c) % 13]).ToArray()) + "z")
            .ToArbitrary();
        Prop.ForAll(names, name =>
            new TgzPackageFormat().Read(ArchiveBuilder.Package(name).Build(), "p.tgz", PackageLimits.Default).Name == name)
            .QuickCheckThrowOnFailure();
    }
}
