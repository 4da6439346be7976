using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>A .nupkg installs byte for byte with the rules it was published with (see also
/// <see cref="OneRuleSetTests"/>).</summary>
public sealed class NupkgExtractTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("registry-nupkg-");

    private string PackagesFolder => Path.Combine(_root.FullName, "packages");

    public void Dispose() => _root.Delete(recursive: true);

    // Publishes from a file as dotnet pack names it, installs as the registry stores it, compares the trees.
    private SortedDictionary<string, string> PublishThenInstall(NupkgBuilder builder)
    {
        var archive = builder.Build();
        var published = PackageReader.Read(builder.WriteTo(_root.FullName), PackageLimits.Default);
        var name = published.Manifest.Name;
        var artifact = RegistryLayout.ArtifactPath(name, published.Manifest.Version, published.FileExtension);

        var installed = PackageExtractor.Extract(archive, artifact, PackagesFolder, name);

        Assert.Equal(
            (published.Manifest.Name, published.Manifest.Version, published.Manifest.Description),
            (installed.Name, installed.Version, installed.Description));
        Assert.Equal(published.Manifest.Dependencies, installed.Dependencies);
        Assert.Equal(published.Manifest.Authors, installed.Authors);
        Assert.Equal(published.Manifest.NuGet!.Nuspec, installed.NuGet!.Nuspec);
        Assert.Equal([name], Directory.GetFileSystemEntries(PackagesFolder).Select(Path.GetFileName));
        var tree = PackageTree.OfFolder(Path.Combine(PackagesFolder, name));
        Assert.Equal(PackageTree.OfZip(archive), tree);
        return tree;
    }

    [Fact]
    public void The_layout_of_dotnet_pack_installs_byte_for_byte_nothing_skipped()
    {
        var tree = PublishThenInstall(NupkgBuilder.DotnetPack("Contoso.Utilities", "1.0.0"));
        Assert.Contains("[Content_Types].xml", tree.Keys);
        Assert.Contains("_rels/.rels", tree.Keys);
        Assert.Contains("package/services/metadata/core-properties/0123456789abcdef0123456789abcdef.psmdcp", tree.Keys);
        Assert.Contains("lib/net8.0/Contoso.Utilities.dll", tree.Keys);
        Assert.Contains("Contoso.Utilities.nuspec", tree.Keys);
    }

    [Fact]
    public void Directory_entries_and_normalised_paths_install_as_the_rules_saw_them()
    {
        var tree = PublishThenInstall(NupkgBuilder.Create("My.Lib", "1.0.0")
            .WithFile("content/", "")
            .WithFile("./content/a.txt", "a")
            .WithFile("content//b.txt", "b")
            .WithFile("lib/My%20Lib.dll", "escaped names are kept as stored"));
        Assert.Equal("dir", tree["content"]);
        Assert.Contains("content/b.txt", tree.Keys);
        Assert.Contains("lib/My%20Lib.dll", tree.Keys);
    }

    [Fact]
    public void Executables_stay_executable_and_nothing_else_of_the_mode_is_kept()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        PublishThenInstall(NupkgBuilder.Create("My.Tool", "1.0.0")
            .WithFile("tools/run.sh", "#!/bin/sh\n", 0x8000 | 0xFFF)
            .WithFile("tools/data.txt", "x", 0x8000 | 0x1B6));
        var folder = Path.Combine(PackagesFolder, "my.tool", "tools");
        var script = File.GetUnixFileMode(Path.Combine(folder, "run.sh"));
        Assert.True(script.HasFlag(UnixFileMode.UserExecute));
        Assert.False(script.HasFlag(UnixFileMode.SetUser) || script.HasFlag(UnixFileMode.OtherWrite));
        Assert.False(File.GetUnixFileMode(Path.Combine(folder, "data.txt")).HasFlag(UnixFileMode.OtherWrite));
    }

    [Fact]
    public void The_limits_apply_at_extraction_too()
    {
        var error = Assert.Throws<ValidationException>(() => PackageExtractor.Extract(
            MaliciousNupkgs.ManyEntries(3),
            "evil-1.0.0.nupkg",
            PackagesFolder,
            "evil",
            new PackageLimits { MaxEntries = 4 }));
        Assert.Equal(Rules.LimitEntries, error.Rule);
        Assert.Empty(Directory.GetFileSystemEntries(PackagesFolder));
    }
}
