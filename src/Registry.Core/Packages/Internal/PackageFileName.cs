using NuGet.Versioning;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// The file-name rule of both formats, in one place: a package file must not be named for another
/// package or version than its manifest gives. A .nupkg always carries its id and version
/// (<c>ID.VERSION.nupkg</c>, as dotnet pack names it; rule <c>nupkg-file-name</c>). A .tgz may carry
/// none (<c>tar czf pkg.tgz .</c>), but one named <c>NAME-VERSION.tgz</c> (or <c>.tar.gz</c>, or
/// <c>NAME.VERSION</c>) must carry its <c>registry.json</c>'s (rule <c>tgz-file-name</c>). Both accept
/// the registry's own artifact name <c>NAME-VERSION.EXT</c>, under which a client installs the file.
/// Names compare in any case; a version as written in the manifest or normalised.
/// </summary>
internal static class PackageFileName
{
    /// <summary>Refuses a .nupkg name other than <c>ID.VERSION.nupkg</c> or <c>NAME-VERSION.nupkg</c>.</summary>
    public static void CheckNupkg(string fileName, string id, string name, NuGetVersion version)
    {
        var expected = $"{id}.{version.ToNormalizedString()}.nupkg";
        string[] accepted =
        [
            expected,
            $"{id}.{version.OriginalVersion}.nupkg",
            $"{name}-{RegistryLayout.VersionText(version)}.nupkg",
        ];
        if (!accepted.Contains(fileName, StringComparer.OrdinalIgnoreCase))
        {
            throw Refuse(
                fileName,
                Rules.NupkgFileName,
                "the id and version of its .nuspec",
                id,
                version,
                $"name the file {expected}, as dotnet pack does");
        }
    }

    /// <summary>Refuses a .tgz name that carries a name and version (<c>NAME-VERSION.tgz</c>) other than the
    /// manifest's.</summary>
    public static void CheckTgz(string fileName, string name, NuGetVersion version)
    {
        var claims = Claims(Stem(fileName)).ToList();
        string[] spellings = [version.OriginalVersion ?? "", version.ToNormalizedString(), version.ToFullString()];
        if (claims.Count > 0 && !claims.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            && spellings.Contains(c.Version, StringComparer.OrdinalIgnoreCase)))
        {
            throw Refuse(fileName, Rules.TgzFileName, "the name and version of its registry.json", name, version,
                $"name the file {name}-{version.ToNormalizedString()}.tgz (or with no version, e.g. {name}.tgz)");
        }
    }

    private static ValidationException Refuse(
        string fileName,
        string rule,
        string what,
        string name,
        NuGetVersion version,
        string fix) =>
        Reject.Because(fileName, rule, $"does not carry {what} ({Reject.Quote(name)} "
            + $"{Reject.Quote(version.OriginalVersion ?? version.ToNormalizedString())})", fix);

    private static string Stem(string fileName)
    {
        foreach (var extension in new[] { ".tgz", ".tar.gz" })
        {
            if (fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return fileName[..^extension.Length];
            }
        }

        return fileName;
    }

    /// <summary>Every reading of <paramref name="stem"/> as NAME, '-' or '.', then a SemVer 2.0 VERSION
    /// (<c>my-lib-1.2.0-rc.1</c>).</summary>
    private static IEnumerable<(string Name, string Version)> Claims(string stem)
    {
        for (var i = 1; i < stem.Length - 1; i++)
        {
            if (stem[i] is '-' or '.' && SemanticVersion.TryParse(stem[(i + 1)..], out _))
            {
                yield return (stem[..i], stem[(i + 1)..]);
            }
        }
    }
}
