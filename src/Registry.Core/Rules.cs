namespace Registry.Core;

/// <summary>
/// Every rule a refusal names, as it appears in <see cref="RegistryException.Rule"/> and at the end of
/// the message (<c>[rule: archive-path]</c>): one list, so that docs and scripts that key on a name
/// have one place to find it. docs/package-format.md documents the package rules and docs/protocol.md
/// ("Rule names") the others; a test keeps this list and those tables equal.
/// </summary>
public static class Rules
{
    // The package rules (docs/package-format.md).
    public const string FormatUnknown = "format-unknown";
    public const string ArchiveReadable = "archive-readable";
    public const string ArchivePath = "archive-path";
    public const string ArchiveLink = "archive-link";
    public const string ArchiveEntryType = "archive-entry-type";
    public const string ArchiveDuplicate = "archive-duplicate";
    public const string LimitCompressedSize = "limit-compressed-size";
    public const string LimitUnpackedSize = "limit-unpacked-size";
    public const string LimitEntries = "limit-entries";
    public const string LimitRatio = "limit-ratio";
    public const string LimitManifestSize = "limit-manifest-size";
    public const string ManifestMissing = "manifest-missing";
    public const string ManifestJson = "manifest-json";
    public const string ManifestType = "manifest-type";
    public const string ManifestUnknownField = "manifest-unknown-field";
    public const string NameInvalid = "name-invalid";
    public const string VersionInvalid = "version-invalid";
    public const string DependencyInvalid = "dependency-invalid";
    public const string MetadataInvalid = "metadata-invalid";
    public const string NupkgNuspec = "nupkg-nuspec";
    public const string NupkgFileName = "nupkg-file-name";
    public const string TgzFileName = "tgz-file-name";
    public const string NuspecXml = "nuspec-xml";

    // Publishing and yanking.
    public const string AlreadyInitialized = "already-initialized";
    public const string NameCollision = "name-collision";
    public const string VersionImmutable = "version-immutable";
    public const string DependencySpelling = "dependency-spelling";
    public const string DependencyUnknown = "dependency-unknown";
    public const string DependencyUnsatisfiable = "dependency-unsatisfiable";
    public const string PackageUnknown = "package-unknown";
    public const string VersionUnknown = "version-unknown";
    public const string IndexFormat = "index-format";
    public const string Bins = "bins";

    // Settings, expiry, keys and roots.
    public const string ExpiryBounds = "expiry-bounds";
    public const string ExpiredRole = "expired-role";
    public const string NuGetUrl = "nuget-url";
    public const string ViewName = "view-name";
    public const string ViewOff = "view-off";
    public const string RootInvalid = "root-invalid";
    public const string RootDuplicateKey = "root-duplicate-key";
    public const string RootExpired = "root-expired";
    public const string RootThreshold = "root-threshold";
    public const string RootVersion = "root-version";
    public const string RootRotations = "root-rotations";
    public const string RotationWait = "rotation-wait";

    // The client: roots, the log, the lock file, redirects.
    public const string RootPin = "root-pin";
    public const string Log = "log";
    public const string LockInvalid = "lock-invalid";
    public const string LockOutdated = "lock-outdated";
    public const string UpdateUnknown = "update-unknown";

    // Dependencies across registries.
    public const string DependencyRegistryUnknown = "dependency-registry-unknown";
    public const string DependencyRegistryConflict = "dependency-registry-conflict";
    public const string RegistryPin = "registry-pin";
    public const string RedirectLocation = "redirect-location";
    public const string RedirectScheme = "redirect-scheme";
    public const string RedirectDowngrade = "redirect-downgrade";
    public const string RedirectLimit = "redirect-limit";

    // Read tokens.
    public const string TokenRequired = "token-required";
    public const string TokenExpired = "token-expired";
    public const string TokenRevoked = "token-revoked";
    public const string TokenRegistry = "token-registry";
    public const string TokenInvalid = "token-invalid";
    public const string TokenScope = "token-scope";
    public const string TokenLifetime = "token-lifetime";
    public const string TokenUnknown = "token-unknown";
}
