namespace Registry.Core.Packages;

/// <summary>
/// The names of the package rules, as they appear in <see cref="ValidationException.Rule"/> and in
/// error messages (<c>[rule: archive-path]</c>). One place to read them all; docs and scripts key on them.
/// </summary>
public static class PackageRules
{
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

    /// <summary>A .nupkg with more than one <c>.nuspec</c> at its root.</summary>
    public const string NupkgNuspec = "nupkg-nuspec";

    /// <summary>A .nupkg whose file name is not <c>ID.VERSION.nupkg</c> for the id and version in its .nuspec.</summary>
    public const string NupkgFileName = "nupkg-file-name";

    /// <summary>A .tgz named <c>NAME-VERSION.tgz</c> for another name or version than its registry.json's (a name without a version is fine).</summary>
    public const string TgzFileName = "tgz-file-name";

    /// <summary>A .nuspec that is not well-formed XML, has a DTD, or is not a <c>package/metadata</c> document.</summary>
    public const string NuspecXml = "nuspec-xml";
}
