using System.Text.Encodings.Web;
using System.Text.Json;
using NuGet.Versioning;
using Registry.Core.Index;

namespace Registry.Core.NuGet;

/// <summary>A resource entry of the NuGet service index (<c>@id</c>, <c>@type</c>, <c>comment</c>).</summary>
public sealed record NuGetServiceResource(string Id, string Type, string Comment);

/// <summary>
/// The NuGet v3 view of a registry: where its files live under <c>nuget/v3/</c> and what they
/// hold. Everything here is derived from the signed index documents, so the same index state
/// and base URL always give the same bytes (a writer compares before it writes, and a mirror or
/// <c>verify</c> recomputes them). The view is not signed: NuGet clients do not read TUF; it is
/// checked against the signed index by <c>registry verify</c>.
/// </summary>
public static class NuGetFeed
{
    public const string Root = RegistryLayout.NuGetViewRoot;
    public const string ServiceIndexKey = Root + "index.json";
    public const string FlatContainer = Root + "flatcontainer/";
    public const string Registration = Root + "registration/";

    /// <summary>Versions in one registration page, as nuget.org pages them.</summary>
    public const int PageSize = 64;

    private static readonly JsonWriterOptions WriterOptions = new() {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false };

    /// <summary>The flat container's versions list of a package (mutable: it changes on publish and yank).</summary>
    public static string VersionsKey(string name) => $"{FlatContainer}{name}/index.json";

    /// <summary>The registration index of a package (mutable: it changes on publish and yank).</summary>
    public static string RegistrationKey(string name) => $"{Registration}{name}/index.json";

    /// <summary>The .nupkg where NuGet clients fetch it: <c>{id}/{version}/{id}.{version}.nupkg</c>, all
    /// lowercase.</summary>
    public static string PackageKey(string name, string version)
        => $"{FlatContainer}{name}/{version}/{name}.{version}.nupkg";

    /// <summary>The .nuspec beside it, which restore reads for dependencies.</summary>
    public static string NuspecKey(string name, string version) => $"{FlatContainer}{name}/{version}/{name}.nuspec";

    /// <summary>The version as the flat container spells it: normalised, lowercase, no build metadata.</summary>
    public static string VersionText(string version) => RegistryLayout.VersionText(NuGetVersion.Parse(version));

    /// <summary>The NuGet versions of an index: entries whose artifact is a .nupkg.</summary>
    public static IEnumerable<IndexEntry> NuGetEntries(PackageIndex index)
        => index.Versions.Where(e => e.NuGet is not null);

    /// <summary>The service index: where the flat container and the registrations are.</summary>
    public static byte[] ServiceIndex(string baseUrl, IEnumerable<NuGetServiceResource>? more = null) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("version", "3.0.0");
        writer.WriteStartArray("resources");
        Resource(
            writer,
            baseUrl + FlatContainer,
            "PackageBaseAddress/3.0.0",
            "The .nupkg and .nuspec of every version, and each id's versions list (unlisted versions left out)");
        string[] registrationTypes =
        [
            "RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.0.0-beta",
            "RegistrationsBaseUrl/3.6.0",
        ];
        foreach (var type in registrationTypes)
        {
            Resource(
                writer,
                baseUrl + Registration,
                type,
                "Metadata of every version, with its listed state (SemVer 2.0 included)");
        }

        foreach (var resource in more ?? [])
        {
            Resource(writer, resource.Id, resource.Type, resource.Comment);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>
    /// The flat container's versions list: the listed (unyanked) versions, ascending. NuGet's
    /// restore ignores the listed flag and reads only this list, so a yanked version leaves it:
    /// no new range or floating version picks it, while its files stay where they are.
    /// </summary>
    public static byte[] VersionsList(PackageIndex index) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("versions");
        foreach (var entry in NuGetEntries(index).Where(e => !e.Yanked))
        {
            writer.WriteStringValue(VersionText(entry.Version));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>
    /// The registration index with every page inlined: each version's metadata, dependency
    /// groups and listed state (a yanked version is unlisted), for <c>dotnet add package</c> and
    /// package UIs.
    /// </summary>
    public static byte[] RegistrationIndex(string baseUrl, PackageIndex index) => Write(writer =>
    {
        var name = index.Name;
        var self = baseUrl + RegistrationKey(name);
        var entries = NuGetEntries(index).ToList();
        var pages = entries.Chunk(PageSize).ToList();
        writer.WriteStartObject();
        writer.WriteString("@id", self);
        writer.WriteNumber("count", pages.Count);
        writer.WriteStartArray("items");
        foreach (var page in pages)
        {
            var lower = VersionText(page[0].Version);
            var upper = VersionText(page[^1].Version);
            writer.WriteStartObject();
            writer.WriteString("@id", $"{self}#page/{lower}/{upper}");
            writer.WriteNumber("count", page.Length);
            writer.WriteString("lower", lower);
            writer.WriteString("upper", upper);
            writer.WriteStartArray("items");
            foreach (var entry in page)
            {
                Leaf(writer, baseUrl, name, self, entry);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static void Leaf(Utf8JsonWriter writer, string baseUrl, string name, string registration, IndexEntry entry)
    {
        var nuget = entry.NuGet!;
        var version = VersionText(entry.Version);
        var content = baseUrl + PackageKey(name, version);
        var leaf = $"{baseUrl}{Registration}{name}/{version}.json";
        writer.WriteStartObject();
        writer.WriteString("@id", leaf);
        writer.WriteStartObject("catalogEntry");
        writer.WriteString("@id", leaf + "#entry");
        writer.WriteString("id", nuget.Id);
        writer.WriteString("version", NuGetVersion.Parse(entry.Version).ToNormalizedString());
        writer.WriteBoolean("listed", !entry.Yanked);
        writer.WriteString("published", entry.Published.UtcDateTime
            .ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("authors", string.Join(", ", entry.Authors ?? []));
        writer.WriteString("description", entry.Description ?? "");
        if (entry.License is { } license && !license.StartsWith("file:", StringComparison.Ordinal)
            && !license.Contains("://", StringComparison.Ordinal))
        {
            writer.WriteString("licenseExpression", license);
        }

        if (entry.Homepage is { } homepage)
        {
            writer.WriteString("projectUrl", homepage);
        }

        writer.WriteString("packageContent", content);
        writer.WriteStartArray("dependencyGroups");
        foreach (var group in nuget.DependencyGroups)
        {
            writer.WriteStartObject();
            if (group.TargetFramework is { } framework)
            {
                writer.WriteString("targetFramework", framework);
            }

            writer.WriteStartArray("dependencies");
            foreach (var dependency in group.Dependencies)
            {
                writer.WriteStartObject();
                writer.WriteString("id", dependency.Id);
                writer.WriteString("range", dependency.Range);
                writer.WriteString("registration", baseUrl + RegistrationKey(dependency.Id.ToLowerInvariant()));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteString("packageContent", content);
        writer.WriteString("registration", registration);
        writer.WriteEndObject();
    }

    private static void Resource(Utf8JsonWriter writer, string id, string type, string comment)
    {
        writer.WriteStartObject();
        writer.WriteString("@id", id);
        writer.WriteString("@type", type);
        writer.WriteString("comment", comment);
        writer.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
