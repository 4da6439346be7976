using Registry.Core.Packages;

namespace Registry.Testing;

/// <summary>Valid .nupkg files as <c>dotnet pack</c> lays them out, read by the real .nupkg adapter into a publishable
/// <see cref="PackageFile"/>.</summary>
public static class NuGetPackages
{
    /// <summary>
    /// <paramref name="id"/> <paramref name="version"/> with its dependencies in a net8.0 group,
    /// authors, a description and an MIT license; <paramref name="payloadBytes"/> adds a lib file
    /// of random, incompressible bytes (for measuring).
    /// </summary>
    public static PackageFile Nupkg(
        string id,
        string version,
        (string Id, string Range)[]? dependencies = null,
        int payloadBytes = 0)
    {
        var builder = NupkgBuilder.Create(id, version)
            .WithMetadata($"<authors>Ada, Grace</authors><description>The {id} library</description><license "
                + "type=\"expression\">MIT</license>")
            .WithGroup("net8.0")
            .WithFile($"lib/net8.0/{id}.dll", payloadBytes > 0
                ? Random.Shared.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), payloadBytes)
                : MaliciousPackages.Noise(64));
        foreach (var (dependency, range) in dependencies ?? [])
        {
            builder.DependsOn("net8.0", dependency, range);
        }

        var content = builder.Build();
        var manifest = new NupkgPackageFormat().Read(content, builder.FileName, PackageLimits.Default);
        return new PackageFile(manifest, builder.FileName, ".nupkg", content);
    }
}
