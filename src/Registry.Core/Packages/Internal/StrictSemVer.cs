using System.Text.RegularExpressions;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// SemVer 2.0 exactly as semver.org writes it (its own regular expression): major.minor.patch,
/// optional prerelease and build. NuGetVersion alone would also take "1.0", "1.0.0.0" and "v1.0.0".
/// </summary>
internal static partial class StrictSemVer
{
    // semver.org's expression in four parts, concatenated unchanged.
    private const string MajorMinorPatch = @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)";

    // A number without leading zeros, or letters, digits and '-' with at least one non-digit.
    private const string Identifier = @"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)";

    private const string Prerelease = @"(?:-(" + Identifier + @"(?:\." + Identifier + ")*))?";

    private const string Build = @"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$";

    [GeneratedRegex(
        MajorMinorPatch + Prerelease + Build,
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Shape();

    public static bool IsValid(string version) => version.Length <= 256 && Shape().IsMatch(version);
}
