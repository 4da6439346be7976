using System.Xml;
using System.Xml.Linq;
using NuGet.Versioning;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Turns a .nupkg's root <c>.nuspec</c> into a <see cref="PackageManifest"/>. The XML is read with
/// DTDs prohibited and no resolver (no external entities, no entity expansion); elements are matched
/// by local name, so every nuspec schema namespace (or none) reads the same. Descriptive metadata
/// goes through the same limits as <c>registry.json</c>'s (<see cref="MetadataRules"/>).
/// </summary>
internal static class NuspecParser
{
    private const string NuspecNamespacePrefix = "http://schemas.microsoft.com/packaging/";

    public static PackageManifest Parse(byte[] nuspec, string nuspecPath, string fileName)
    {
        var metadata = Metadata(Load(nuspec, nuspecPath, fileName), nuspecPath, fileName);
        string? Text(string element) => Single(metadata, element, nuspecPath, fileName)?.Value.Trim();

        var id = Text("id") ?? throw Reject.Because(
            fileName,
            Rules.NameInvalid,
            $"{nuspecPath} has no <id>",
            "add the package id to <metadata>");
        if (NuGetNames.Problem(id) is { } idProblem)
        {
            throw Reject.Because(
                fileName,
                Rules.NameInvalid,
                $"package id {Reject.Quote(id)} {idProblem}",
                NuGetNames.Rules);
        }

        var versionText = Text("version") ?? throw Reject.Because(
            fileName,
            Rules.VersionInvalid,
            $"{nuspecPath} has no <version>",
            "add the package version to <metadata>");
        if (!NuGetVersion.TryParse(versionText, out var version))
        {
            throw Reject.Because(
                fileName,
                Rules.VersionInvalid,
                $"version {Reject.Quote(versionText)} is not a NuGet version",
                "write a version such as 1.2.3, 1.2.3-beta.1 or 1.2.3.4");
        }

        var name = id.ToLowerInvariant();
        var (groups, dependencies) = NuspecDependencies.Read(
            Single(metadata, "dependencies", nuspecPath, fileName),
            name,
            fileName);
        var repository = Single(metadata, "repository", nuspecPath, fileName);
        return new PackageManifest
        {
            Name = name,
            Version = version,
            Dependencies = dependencies,
            Description = MetadataRules.Text(
                fileName,
                "description",
                Text("description"),
                MetadataRules.MaxDescription),
            License = MetadataRules.Text(
                fileName,
                "license",
                License(Single(metadata, "license", nuspecPath, fileName), fileName) ?? Text("licenseUrl"),
                MetadataRules.MaxLicense),
            Authors = Authors(Text("authors"), fileName),
            Homepage = MetadataRules.Url(fileName, "projectUrl", Text("projectUrl")),
            Repository = MetadataRules.Url(fileName, "repository url", repository?.Attribute("url")?.Value.Trim()),
            NuGet = new NuGetManifest { Id = id, DependencyGroups = groups, Nuspec = nuspec },
        };
    }

    private static XDocument Load(byte[] nuspec, string nuspecPath, string fileName)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(nuspec, writable: false), settings);
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw Reject.Because(
                fileName,
                Rules.NuspecXml,
                $"{nuspecPath} is not well-formed XML without a DTD ({e.Message.TrimEnd('.')})",
                "write the .nuspec as plain XML (no <!DOCTYPE>, no entities)");
        }
    }

    // The <metadata> of a <package> root in no namespace or a nuspec schema namespace.
    private static XElement Metadata(XDocument document, string nuspecPath, string fileName)
    {
        var root = document.Root!;
        var space = root.Name.NamespaceName;
        var isNuspec = root.Name.LocalName == "package"
            && (space.Length == 0 || (space.StartsWith(NuspecNamespacePrefix, StringComparison.Ordinal)
                && space.EndsWith("/nuspec.xsd", StringComparison.Ordinal)));
        return (isNuspec ? Single(root, "metadata", nuspecPath, fileName) : null)
            ?? throw Reject.Because(
                fileName,
                Rules.NuspecXml,
                $"{nuspecPath} is not a <package> with <metadata> in a nuspec namespace",
                "build the package with dotnet pack or nuget pack");
    }

    /// <summary>The one child element named <paramref name="localName"/> (any namespace), or null; twice is
    /// refused.</summary>
    private static XElement? Single(XElement parent, string localName, string nuspecPath, string fileName)
    {
        XElement? found = null;
        foreach (var element in parent.Elements().Where(e => e.Name.LocalName == localName))
        {
            if (found is not null)
            {
                throw Reject.Because(
                    fileName,
                    Rules.NuspecXml,
                    $"{nuspecPath} has <{localName}> twice in <{parent.Name.LocalName}>",
                    "keep one of them");
            }

            found = element;
        }

        return found;
    }

    // <license type="expression">MIT</license> is "MIT"; type="file" is "file:PATH".
    private static string? License(XElement? license, string fileName) =>
        license is null ? null : license.Attribute("type")?.Value switch
        {
            "expression" => license.Value.Trim(),
            "file" => "file:" + license.Value.Trim(),
            var type => throw Reject.Because(
                fileName,
                Rules.MetadataInvalid,
                $"<license> has the type {Reject.Quote(type ?? "")}",
                "use type=\"expression\" or type=\"file\""),
        };

    // NuGet's authors are one comma-separated string.
    private static IReadOnlyList<string> Authors(string? authors, string fileName) =>
        authors is null ? [] : [.. authors.Split(',')
            .Select((author, i) => MetadataRules.Author(fileName, $"authors[{i}]", author.Trim()))];
}
