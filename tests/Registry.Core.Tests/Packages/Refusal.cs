using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>Reads a package and asserts what the user would see: the rule and a message naming the file.</summary>
internal static class Refusal
{
    /// <summary>A name that carries no version, so any package may be read under it (tgz-file-name).</summary>
    public const string FileName = "pkg.tgz";

    public static ValidationException Of(byte[] package, string rule, PackageLimits? limits = null) =>
        Check(() => new TgzPackageFormat().Read(package, FileName, limits ?? PackageLimits.Default), FileName, rule);

    public static PackageManifest Accepted(byte[] package, PackageLimits? limits = null) =>
        new TgzPackageFormat().Read(package, FileName, limits ?? PackageLimits.Default);

    /// <summary>As <see cref="Of"/>, for a .nupkg read as <paramref name="fileName"/>.</summary>
    public static ValidationException OfNupkg(
        byte[] package,
        string rule,
        PackageLimits? limits = null,
        string fileName = MaliciousNupkgs.FileName) =>
        Check(() => new NupkgPackageFormat().Read(package, fileName, limits ?? PackageLimits.Default), fileName, rule);

    public static PackageManifest AcceptedNupkg(
        byte[] package,
        string fileName = MaliciousNupkgs.FileName,
        PackageLimits? limits = null) =>
        new NupkgPackageFormat().Read(package, fileName, limits ?? PackageLimits.Default);

    private static ValidationException Check(Func<PackageManifest> read, string fileName, string rule)
    {
        var error = Assert.Throws<ValidationException>(() => read());
        Assert.Equal(rule, error.Rule);
        Assert.StartsWith($"{fileName}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"[rule: {rule}]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(1, error.ExitCode);
        return error;
    }
}
