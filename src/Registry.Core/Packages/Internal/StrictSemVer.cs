using System.Text.RegularExpressions;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// SemVer 2.0 exactly as semver.org writes it (its own regular expression): major.minor.patch,
/// optional prerelease and build. NuGetVersion alone would also take "1.0", "1.0.0.0" and "v1.0.0".
/// </summary>
internal static partial class StrictSemVer
{
    [GeneratedRegex(
        @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Shape();

    public static bool IsValid(string version) => version.Length <= 256 && Shape().IsMatch(version);
}
