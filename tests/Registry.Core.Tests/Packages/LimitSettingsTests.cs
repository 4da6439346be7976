using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>Every refusal for a limit names what raises it where the limits apply; publish's limits compare with a
/// client's.</summary>
public sealed class LimitSettingsTests
{
    private static readonly LimitSettings Options = new(
        "--max-package-bytes",
        "--max-unpacked-bytes",
        "--max-entries",
        "--max-compression-ratio");

    public static TheoryData<string, PackageLimits, string> Limits() => new()
    {
        {
            "limit-compressed-size",
            new PackageLimits { MaxCompressedBytes = 100, Settings = Options },
            "make the package smaller, or raise the limit with --max-package-bytes" },
        {
            "limit-unpacked-size",
            new PackageLimits { MaxUnpackedBytes = 1000, Settings = Options },
            "or raise the limit with --max-unpacked-bytes" },
        {
            "limit-entries",
            new PackageLimits { MaxEntries = 2, Settings = Options },
            "package fewer files, or raise the limit with --max-entries" },
        {
            "limit-ratio",
            new PackageLimits { MaxCompressionRatio = 2, RatioFloorBytes = 0, Settings = Options },
            "or raise the limit with --max-compression-ratio" },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void A_refusal_for_a_limit_names_the_setting_that_raises_it(string rule, PackageLimits limits, string advice)
    {
        var package = PackageBuilder.Create("pkg", "1.0.0").WithFile("a.txt", new byte[4096]).WithFile("b.txt", "b")
            .Build();
        var error = Refusal.Of(package, rule, limits);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_a_refusal_names_none()
    {
        var error = Refusal.Of(
            PackageBuilder.Create("pkg", "1.0.0").Build(),
            Rules.LimitCompressedSize,
            new PackageLimits { MaxCompressedBytes = 10 });
        Assert.DoesNotContain("raise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Above_lists_each_limit_higher_than_the_accepted_ones_with_both_settings()
    {
        var client = PackageLimits.Default with { Settings = new LimitSettings("PKG", "UNPACKED", "ENTRIES", "RATIO") };
        var publish = PackageLimits
            .Default with { MaxCompressedBytes = 100_000_000, MaxEntries = 5, Settings = Options };
        Assert.Equal(
            [new LimitGap("--max-package-bytes", 100_000_000, "PKG", PackageLimits.Default.MaxCompressedBytes)],
            publish.Above(client));
        Assert.Empty(PackageLimits.Default.Above(PackageLimits.Default));
    }
}
