namespace Registry.Core.Packages;

/// <summary>
/// The package rules' names under their old class, for code written against it: each is the
/// constant of the one list, <see cref="Rules"/>. New code names <see cref="Rules"/>.
/// </summary>
public static class PackageRules
{
    public const string FormatUnknown = Rules.FormatUnknown;
    public const string ArchiveReadable = Rules.ArchiveReadable;
    public const string ArchivePath = Rules.ArchivePath;
    public const string ArchiveLink = Rules.ArchiveLink;
    public const string ArchiveEntryType = Rules.ArchiveEntryType;
    public const string ArchiveDuplicate = Rules.ArchiveDuplicate;
    public const string LimitCompressedSize = Rules.LimitCompressedSize;
    public const string LimitUnpackedSize = Rules.LimitUnpackedSize;
    public const string LimitEntries = Rules.LimitEntries;
    public const string LimitRatio = Rules.LimitRatio;
    public const string LimitManifestSize = Rules.LimitManifestSize;
    public const string ManifestMissing = Rules.ManifestMissing;
    public const string ManifestJson = Rules.ManifestJson;
    public const string ManifestType = Rules.ManifestType;
    public const string ManifestUnknownField = Rules.ManifestUnknownField;
    public const string NameInvalid = Rules.NameInvalid;
    public const string VersionInvalid = Rules.VersionInvalid;
    public const string DependencyInvalid = Rules.DependencyInvalid;
    public const string MetadataInvalid = Rules.MetadataInvalid;
    public const string NupkgNuspec = Rules.NupkgNuspec;
    public const string NupkgFileName = Rules.NupkgFileName;
    public const string TgzFileName = Rules.TgzFileName;
    public const string NuspecXml = Rules.NuspecXml;
}
