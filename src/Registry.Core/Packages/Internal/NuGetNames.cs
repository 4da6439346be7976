using System.Text.RegularExpressions;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// NuGet's naming on top of the registry's: a NuGet id (NuGet's own rule) whose lowercase form is the
/// registry package name (<see cref="PackageName"/>). The file name a .nupkg must carry is
/// <see cref="PackageFileName"/>'s rule, shared with the .tgz format.
/// </summary>
internal static partial class NuGetNames
{
    public const int MaxIdLength = 100;
    public const string IdRule
        = "a NuGet id is ASCII letters, digits and '_' in runs separated by single '.' or '-', at most 100 characters";

    /// <summary>Both rules an id must pass, for refusal messages.</summary>
    public static string Rules => $"{IdRule}, and its lowercase form must be a registry name: {PackageName.Rule}";

    /// <summary>Why <paramref name="id"/> cannot name a package here, or null.</summary>
    public static string? Problem(string id)
    {
        if (id.Length > MaxIdLength)
        {
            return $"is {id.Length} characters long (a NuGet id has at most {MaxIdLength})";
        }

        if (!IdShape().IsMatch(id))
        {
            return "is not a NuGet id";
        }

        return PackageName.Problem(id.ToLowerInvariant()) is { } problem ? $"lowercased {problem}" : null;
    }

    [GeneratedRegex(
        @"^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*\z",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex IdShape();
}
