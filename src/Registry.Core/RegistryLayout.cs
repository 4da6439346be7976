using NuGet.Versioning;

namespace Registry.Core;

/// <summary>
/// Where every file of a registry lives. Store keys equal URL paths on the CDN.
/// Metadata: <c>metadata/N.ROLE.json</c> (consistent snapshots) and the one mutable
/// <c>metadata/timestamp.json</c>. Targets: <c>targets/DIR/SHA256.BASENAME</c> for a target
/// path <c>DIR/BASENAME</c>.
/// </summary>
public static class RegistryLayout
{
    public const string TimestampKey = "metadata/timestamp.json";

    /// <summary>
    /// The web site's folders (docs/site.md), served from the registry's root; declared before
    /// <see cref="ViewRoots"/>, which includes it. Its fixed-URL files
    /// (<see cref="IsSitePage"/>) change; its <c>assets/</c> are content-addressed and written once.
    /// </summary>
    public static readonly IReadOnlyList<string> SiteViewRoots = ["packages/", "search/", "assets/", "site/"];

    /// <summary>
    /// Where the derived views live (docs/protocol.md, "Derived views"): files computed from the
    /// signed index after each commit, for readers that cannot verify TUF. A view's entry points,
    /// its <c>index.json</c> files (NuGet's service index, versions lists and registration
    /// indexes), sit at fixed URLs and change; every other file of a view is written once.
    /// </summary>
    public static readonly IReadOnlyList<string> ViewRoots = [NuGetViewRoot, SearchViewRoot, .. SiteViewRoots];

    /// <summary>The NuGet v3 feed's folder (docs/nuget.md).</summary>
    public const string NuGetViewRoot = "nuget/v3/";

    /// <summary>The search index's folder (docs/search.md): every file in it is a fixed URL that changes.</summary>
    public const string SearchViewRoot = "search/";

    /// <summary>The NuGet search answers (docs/search.md): fixed URLs that change.</summary>
    public const string NuGetSearchRoot = NuGetViewRoot + "search/";

    /// <summary>Whether a key is a derived view's fixed-URL entry point (see <see cref="ViewRoots"/>).</summary>
    public static bool IsViewEntryPoint(string key) =>
        (key.EndsWith("/index.json", StringComparison.Ordinal)
            && ViewRoots.Any(root => key.StartsWith(root, StringComparison.Ordinal)))
        || (key.EndsWith(".json", StringComparison.Ordinal) && (key.StartsWith(SearchViewRoot, StringComparison.Ordinal)
            || key.StartsWith(NuGetSearchRoot, StringComparison.Ordinal)))
        || IsSitePage(key);

    /// <summary>
    /// Whether a key is one of the web site's fixed-URL files: the home page, the Atom feed, the
    /// pages and badges under <c>packages/</c> and <c>search/</c>, the site's own state under <c>site/</c>.
    /// </summary>
    public static bool IsSitePage(string key) =>
        key is "index.html" or "feed.xml"
        || key.StartsWith("site/", StringComparison.Ordinal)
        || ((key.StartsWith("packages/", StringComparison.Ordinal)
            || key.StartsWith("search/", StringComparison.Ordinal))
            && (key.EndsWith("/index.html", StringComparison.Ordinal)
                || key.EndsWith("/badge.svg", StringComparison.Ordinal)));

    public static string MetadataKey(string role, long version) => $"metadata/{version}.{role}.json";

    public static string RootKey(long version) => MetadataKey("root", version);

    /// <summary>The store key of a target with the given path and sha256 (consistent snapshot naming).</summary>
    public static string TargetKey(string targetPath, string sha256)
    {
        var slash = targetPath.LastIndexOf('/');
        return slash < 0
            ? $"targets/{sha256}.{targetPath}"
            : $"targets/{targetPath[..slash]}/{sha256}.{targetPath[(slash + 1)..]}";
    }

    /// <summary>
    /// Target path of a package's index document, keyed by the normalised name
    /// (<c>index/NORMALISED.json</c>): names that collide share one path, so one lookup answers
    /// both "which versions does NAME have" and "who owns this name".
    /// </summary>
    public static string IndexPath(string name) => $"index/{NameKey.Normalize(name)}.json";

    /// <summary>
    /// Path of an artifact: <c>packages/NAME/VERSION/NAME-VERSION.EXT</c>. Not a TUF target: its
    /// index entry pins its length and sha256, and it is stored at <see cref="TargetKey"/> of this path.
    /// </summary>
    public static string ArtifactPath(string name, NuGetVersion version, string extension) =>
        $"packages/{name}/{VersionText(version)}/{name}-{VersionText(version)}{extension}";

    /// <summary>The store key of an artifact named by an index entry.</summary>
    public static string ArtifactKey(string artifactPath, string sha256) => TargetKey(artifactPath, sha256);

    /// <summary>The artifact file extensions a registry accepts.</summary>
    public static IReadOnlyList<string> ArtifactExtensions { get; } = [".tgz", ".nupkg"];

    /// <summary>The version as it appears in paths: normalised SemVer 2.0 without build metadata, lowercase.</summary>
    public static string VersionText(NuGetVersion version) => version.ToNormalizedString().ToLowerInvariant();
}
