using Registry.Core.Packages;
using Xunit;

namespace Registry.Core.Tests.Packages;

/// <summary>Reads a package and asserts what the user would see: the rule and a message naming the file.</summary>
internal static class Refusal
{
    public const string FileName = "pkg-1.0.0.tgz";

    public static ValidationException Of(byte[] package, string rule, PackageLimits? limits = null)
    {
        var error = Assert.Throws<ValidationException>(() => new TgzPackageFormat().Read(package, FileName, limits ?? PackageLimits.Default));
        Assert.Equal(rule, error.Rule);
        Assert.StartsWith($"{FileName}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"[rule: {rule}]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(1, error.ExitCode);
        return error;
    }

    public static PackageManifest Accepted(byte[] package, PackageLimits? limits = null) =>
        new TgzPackageFormat().Read(package, FileName, limits ?? PackageLimits.Default);
}
