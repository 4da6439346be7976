using System.IO.Compression;
using System.Text;
using NuGet.Versioning;
using Registry.Core.Packages;

namespace Registry.Testing;

/// <summary>Valid .nupkg files laid out as <c>dotnet pack</c> writes them, with the manifest the .nupkg adapter reads from them.</summary>
public static class NuGetPackages
{
    /// <summary>
    /// A .nupkg of <paramref name="id"/> <paramref name="version"/>: a root .nuspec (dependencies in a
    /// net8.0 group) and a lib file of <paramref name="payloadBytes"/> random, incompressible bytes.
    /// </summary>
    public static PackageFile Nupkg(string id, string version, (string Id, string Range)[]? dependencies = null, int payloadBytes = 0)
    {
        dependencies ??= [];
        var deps = string.Concat(dependencies.Select(d => $"<dependency id=\"{d.Id}\" version=\"{d.Range}\" />"));
        var nuspec = Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>{id}</id><version>{version}</version><authors>Ada, Grace</authors><description>The {id} library</description><license type=\"expression\">MIT</license><dependencies><group targetFramework=\"net8.0\">{deps}</group></dependencies></metadata></package>");
        var payload = payloadBytes > 0 ? RandomNumberGenerator(payloadBytes) : Encoding.UTF8.GetBytes($"pretend assembly {id} {version}");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in new[] { ($"{id}.nuspec", nuspec), ($"lib/net8.0/{id}.dll", payload) })
            {
                using var entry = zip.CreateEntry(path).Open();
                entry.Write(content);
            }
        }

        var manifest = new PackageManifest
        {
            Name = id.ToLowerInvariant(),
            Version = NuGetVersion.Parse(version),
            Dependencies = dependencies.ToDictionary(d => d.Id.ToLowerInvariant(), d => VersionRange.Parse(d.Range)),
            Description = $"The {id} library",
            License = "MIT",
            Authors = ["Ada", "Grace"],
            NuGet = new NuGetManifest
            {
                Id = id,
                DependencyGroups = [new NuGetDependencyGroup("net8.0", dependencies.Select(d => new NuGetDependency(d.Id, VersionRange.Parse(d.Range).ToNormalizedString())).ToList())],
                Nuspec = nuspec,
            },
        };
        return new PackageFile(manifest, $"{id}.{version}.nupkg", ".nupkg", buffer.ToArray());
    }

    private static byte[] RandomNumberGenerator(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
