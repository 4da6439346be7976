using System.Diagnostics;
using System.Formats.Tar;
using FsCheck;
using FsCheck.Fluent;
using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>
/// Publish-time validation and install-time extraction are one rule set: whatever
/// <see cref="PackageReader"/> accepts, <see cref="PackageExtractor"/> installs byte for byte, and
/// whatever publish refuses, extraction refuses with the same rule, writing nothing.
/// </summary>
public sealed class OneRuleSetTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("registry-rules-");

    private string PackagesFolder => Path.Combine(_root.FullName, "project", "packages");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>Validates as publish does (from a file, through PackageReader), extracts, and compares the
    /// trees.</summary>
    private SortedDictionary<string, string> PublishThenInstall(
        byte[] archive,
        string name,
        string? packagesFolder = null)
    {
        var file = Path.Combine(_root.FullName, $"{name}-{Guid.NewGuid():N}.tgz");
        File.WriteAllBytes(file, archive);
        var published = PackageReader.Read(file, PackageLimits.Default);
        Assert.Equal(name, published.Manifest.Name);

        var folder = packagesFolder ?? PackagesFolder;
        var installed = PackageExtractor.Extract(archive, $"packages/{name}/1.0.0/{name}-1.0.0.tgz", folder, name);
        Assert.Equal((published.Manifest.Name, published.Manifest.Version), (installed.Name, installed.Version));
        Assert.Equal([name], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName)); // no staging left behind
        var expected = PackageTree.OfArchive(archive);
        var actual = PackageTree.OfFolder(Path.Combine(folder, name));
        Assert.Equal(expected, actual);
        return actual;
    }

    [Fact]
    public void A_hard_link_publishes_and_installs_as_a_copy_of_its_target()
    {
        var archive = PackageBuilder.Create("beta", "1.0.0").WithFile("lib/a.txt", "the target")
            .WithEntry(PackageBuilder.Entry(TarEntryType.HardLink, "lib/b.txt", linkName: "lib/a.txt"))
            // case-folded lookup, stored case used
            .WithEntry(PackageBuilder.Entry(TarEntryType.HardLink, "c.txt", linkName: "./LIB/A.TXT"))
            .Build();
        var tree = PublishThenInstall(archive, "beta");
        Assert.Equal(tree["lib/a.txt"], tree["lib/b.txt"]);
        Assert.Equal(tree["lib/a.txt"], tree["c.txt"]);
    }

    [Fact]
    public void A_pax_global_header_publishes_and_installs()
    {
        var archive = PackageBuilder.Create("beta", "1.0.0").WithFile("lib/a.txt", "a")
            .WithEntry(new PaxGlobalExtendedAttributesTarEntry(
                new Dictionary<string, string> { ["comment"] = "8d1e0c7f0b5a9e3c2d4f6a8b0c1e2d3f4a5b6c7d" }))
            .WithEntry(PackageBuilder.File("lib/after-the-global-header.txt", [7, 8, 9]))
            .Build();
        PublishThenInstall(archive, "beta");
    }

    [Fact]
    public void Dot_files_keep_their_names()
    {
        var archive = PackageBuilder.Create("beta", "1.0.0")
            .WithFile(".npmrc", "registry=https://example.invalid/\n")
            .WithFile(".github/workflows/ci.yml", "on: push\n")
            .WithFile("lib/.keep", "")
            .WithFile("..double-dot-prefix", "not a parent segment")
            .WithFile("...", "three dots is a name")
            .Build();
        var tree = PublishThenInstall(archive, "beta");
        Assert.Contains(".npmrc", tree.Keys);
        Assert.DoesNotContain("npmrc", tree.Keys);
        Assert.Contains("..double-dot-prefix", tree.Keys);
    }

    [Fact]
    public void The_layout_of_tar_czf_dot_installs()
    {
        var archive = PackageBuilder.Create("beta", "1.0.0").WithManifestPath("./registry.json")
            .WithEntry(PackageBuilder.Entry(TarEntryType.Directory, "./"))
            .WithEntry(PackageBuilder.Entry(TarEntryType.Directory, "./lib/"))
            .WithEntry(PackageBuilder.File("./lib/a.txt", [1]))
            .WithEntry(PackageBuilder.File("./.npmrc", [2]))
            .WithEntry(PackageBuilder.Entry(TarEntryType.SymbolicLink, "./lib/link.txt", linkName: "a.txt"))
            .WithEntry(PackageBuilder.Entry(TarEntryType.SymbolicLink, "./lib/up.txt", linkName: "../.npmrc"))
            .Build();
        var tree = PublishThenInstall(archive, "beta");
        Assert.Equal("link a.txt", tree["lib/link.txt"]);
        Assert.Equal([2], File.ReadAllBytes(Path.Combine(PackagesFolder, "beta", "lib", "up.txt")));
    }

    [Fact]
    public void Executables_stay_executable_and_nothing_else_of_the_mode_is_kept()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var script = PackageBuilder.File("bin/run.sh", "#!/bin/sh\necho hi\n"u8.ToArray());
        script.Mode = (UnixFileMode)0b111_111_111 | UnixFileMode.SetUser; // 4777 in the archive
        var archive = PackageBuilder.Create("beta", "1.0.0").WithEntry(script).Build();
        PublishThenInstall(archive, "beta");
        var mode = File.GetUnixFileMode(Path.Combine(PackagesFolder, "beta", "bin", "run.sh"));
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute));
        Assert.False(mode.HasFlag(UnixFileMode.SetUser));
        Assert.False(mode.HasFlag(UnixFileMode.OtherWrite));
        Assert.False(File.GetUnixFileMode(Path.Combine(PackagesFolder, "beta", "registry.json"))
            .HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void A_real_git_archive_publishes_and_installs_byte_for_byte()
    {
        var repo = Path.Combine(_root.FullName, "repo");
        Directory.CreateDirectory(Path.Combine(repo, "lib"));
        Directory.CreateDirectory(Path.Combine(repo, "bin"));
        File.WriteAllText(
            Path.Combine(repo, "registry.json"),
            "{\"name\":\"gamma\",\"version\":\"1.0.0\",\"description\":\"from git archive\"}");
        File.WriteAllText(Path.Combine(repo, ".npmrc"), "save-exact=true\n");
        File.WriteAllText(Path.Combine(repo, "lib", "gamma.txt"), "gamma\n");
        File.WriteAllBytes(Path.Combine(repo, "lib", "data.bin"), MaliciousPackages.Noise(10_000));
        File.WriteAllText(Path.Combine(repo, "bin", "gamma.sh"), "#!/bin/sh\necho gamma\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(repo, "bin", "gamma.sh"), (UnixFileMode)0b111_101_101);
        }

        Git(repo, "init", "-q");
        Git(repo, "add", "-A");
        Git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "gamma 1.0.0");
        var output = Path.Combine(_root.FullName, "gamma.tgz");
        Git(repo, "archive", "--format=tar.gz", "-o", output, "HEAD");
        var archive = File.ReadAllBytes(output);

        using (var tar = new TarReader(new System.IO.Compression.GZipStream(
            new MemoryStream(archive),
            System.IO.Compression.CompressionMode.Decompress)))
        {
            // the case that used to fail
            Assert.Equal(TarEntryType.GlobalExtendedAttributes, tar.GetNextEntry()!.EntryType);
        }

        var tree = PublishThenInstall(archive, "gamma");
        Assert.Contains(".npmrc", tree.Keys);
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(PackagesFolder, "gamma", "bin", "gamma.sh"))
                .HasFlag(UnixFileMode.UserExecute));
        }
    }

    public static TheoryData<string, byte[], string> Refused()
    {
        static PackageBuilder Evil() => PackageBuilder.Create("evil", "1.0.0").WithFile("lib/a.txt", "a");
        static PaxTarEntry Link(TarEntryType type, string name, string target)
            => PackageBuilder.Entry(type, name, linkName: target);
        return new()
        {
            { "symlink out of the root", MaliciousPackages.SymlinkOutOfRoot(), Rules.ArchiveLink },
            { "absolute symlink", MaliciousPackages.SymlinkOutOfRoot(target: "/etc/passwd"), Rules.ArchiveLink },
            { "hard link out of the root", MaliciousPackages.HardLinkOutOfRoot(), Rules.ArchiveLink },
            { "hard link to a later file", Evil().WithEntry(Link(TarEntryType.HardLink, "lib/b.txt", "lib/z.txt"))
                .WithEntry(PackageBuilder.File("lib/z.txt", [1]))
                .Build(), Rules.ArchiveLink },
            { "parent segment", MaliciousPackages.ParentPathEntry(), Rules.ArchivePath },
            { "parent segment inside", MaliciousPackages.ParentPathEntry("lib/../../evil"), Rules.ArchivePath },
            { "absolute path", MaliciousPackages.AbsolutePathEntry(), Rules.ArchivePath },
            { "backslash", MaliciousPackages.AbsolutePathEntry("lib\\..\\..\\evil"), Rules.ArchivePath },
            { "entry through a symlink", Evil().WithEntry(Link(TarEntryType.SymbolicLink, "out", "lib"))
                .WithEntry(PackageBuilder.File("out/x.txt", [1]))
                .Build(), Rules.ArchiveLink },
            { "symlink loop", Evil().WithEntry(Link(TarEntryType.SymbolicLink, "l1", "l2"))
                .WithEntry(Link(TarEntryType.SymbolicLink, "l2", "l1"))
                .Build(), Rules.ArchiveLink },
            {
                "file inside a file",
                Evil().WithEntry(PackageBuilder.File("lib/a.txt/b", [1])).Build(),
                Rules.ArchivePath },
            {
                "duplicate by case",
                Evil().WithEntry(PackageBuilder.File("LIB/A.txt", [1])).Build(),
                Rules.ArchiveDuplicate },
            { "character device", MaliciousPackages.CharacterDeviceEntry(), Rules.ArchiveEntryType },
            {
                "fifo",
                Evil().WithEntry(PackageBuilder.Entry(TarEntryType.Fifo, "lib/pipe")).Build(),
                Rules.ArchiveEntryType },
            { "no manifest", MaliciousPackages.ManifestMissing(), Rules.ManifestMissing },
            { "truncated gzip", MaliciousPackages.TruncatedGzip(), Rules.ArchiveReadable },
            {
                "manifest not JSON",
                PackageBuilder.Create("evil", "1.0.0").WithManifestJson("{\"name\":\"evil\",").Build(),
                Rules.ManifestJson },
            { "bad version", PackageBuilder.Create("evil", "v1").Build(), Rules.VersionInvalid },
            { "another package's file name", PackageBuilder.Create("evil", "2.0.0").Build(), Rules.TgzFileName },
        };
    }

    /// <summary>The same attacks in a .nupkg, with the rules only a .nupkg has.</summary>
    public static TheoryData<string, byte[], string> RefusedNupkgs() => new()
    {
        { "parent segment", MaliciousNupkgs.ParentPathEntry(), Rules.ArchivePath },
        {
            "parent segment once %-decoded",
            MaliciousNupkgs.ParentPathEntry("lib/%2E%2E/%2E%2E/evil"),
            Rules.ArchivePath },
        { "absolute path", MaliciousNupkgs.ParentPathEntry("/etc/evil"), Rules.ArchivePath },
        { "backslash", MaliciousNupkgs.ParentPathEntry("lib\\..\\..\\evil"), Rules.ArchivePath },
        { "symlink", MaliciousNupkgs.SymlinkEntry(), Rules.ArchiveLink },
        { "fifo", MaliciousNupkgs.FifoEntry(), Rules.ArchiveEntryType },
        {
            "duplicate by case",
            MaliciousNupkgs.Valid().WithFile("LIB/net8.0/evil.dll", "x").Build(),
            Rules.ArchiveDuplicate },
        { "encrypted entry", MaliciousNupkgs.EncryptedEntry(), Rules.ArchiveReadable },
        { "wrong CRC-32", MaliciousNupkgs.WrongCrc(), Rules.ArchiveReadable },
        { "lying zip bomb", MaliciousNupkgs.LyingZipBomb(4 * 1024 * 1024, 1000), Rules.ArchiveReadable },
        { "no nuspec", MaliciousNupkgs.Valid().WithoutNuspec().Build(), Rules.ManifestMissing },
        { "nuspec not at the root", MaliciousNupkgs.NuspecNotAtRoot(), Rules.ManifestMissing },
        { "two nuspecs", MaliciousNupkgs.TwoNuspecs(), Rules.NupkgNuspec },
        { "external entity", MaliciousNupkgs.ExternalEntityNuspec(), Rules.NuspecXml },
        { "bad version", NupkgBuilder.Create("Evil", "v1").Build(), Rules.VersionInvalid },
        { "another package's file name", NupkgBuilder.Create("Evil", "2.0.0").Build(), Rules.NupkgFileName },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Whatever_publish_refuses_extraction_refuses_with_the_same_rule_and_writes_nothing(
        string attack,
        byte[] archive,
        string rule) =>
        RefusedAtPublishAndInstall(new TgzPackageFormat(), attack, archive, rule);

    [Theory]
    [MemberData(nameof(RefusedNupkgs))]
    public void Whatever_publish_refuses_in_a_nupkg_extraction_refuses_with_the_same_rule_and_writes_nothing(
        string attack,
        byte[] archive,
        string rule) =>
        RefusedAtPublishAndInstall(new NupkgPackageFormat(), attack, archive, rule);

    // Read under the registry's artifact name (evil-1.0.0.EXT), as both publish and install see it.
    private void RefusedAtPublishAndInstall(IPackageFormat format, string attack, byte[] archive, string rule)
    {
        var fileName = "evil-1.0.0" + format.FileExtension;
        var published = Assert.Throws<ValidationException>(() => format.Read(archive, fileName, PackageLimits.Default));
        Assert.Equal(rule, published.Rule);

        // An earlier install of the package is in place: a refused archive must leave it as it was.
        var old = Path.Combine(PackagesFolder, "evil");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "old.txt"), attack);
        var installed = Assert.Throws<ValidationException>(
            () => PackageExtractor.Extract(archive, "packages/evil/1.0.0/" + fileName, PackagesFolder, "evil"));
        Assert.Equal(published.Message, installed.Message);
        Assert.Equal(["evil"], Directory.GetFileSystemEntries(PackagesFolder).Select(Path.GetFileName));
        Assert.Equal(["old.txt"], Directory.GetFileSystemEntries(old).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(_root.FullName, "project", "evil")));
    }

    [Fact]
    public void The_limits_apply_at_extraction_too()
    {
        var archive = PackageBuilder.Create("beta", "1.0.0").WithFile("a", "a").WithFile("b", "b").Build();
        var limits = new PackageLimits { MaxEntries = 2 };
        var error = Assert.Throws<ValidationException>(
            () => PackageExtractor.Extract(archive, "beta-1.0.0.tgz", PackagesFolder, "beta", limits));
        Assert.Equal(Rules.LimitEntries, error.Rule);
        Assert.Empty(Directory.GetFileSystemEntries(PackagesFolder));
    }

    [Fact]
    public void A_package_whose_manifest_names_another_package_is_not_installed()
    {
        var archive = PackageBuilder.Create("other", "1.0.0").Build();
        var named = Assert.Throws<ValidationException>(
            () => PackageExtractor.Extract(archive, "beta-1.0.0.tgz", PackagesFolder, "beta"));
        Assert.Equal(Rules.TgzFileName, named.Rule);
        var unnamed = Assert.Throws<VerificationException>(
            () => PackageExtractor.Extract(archive, "beta.tgz", PackagesFolder, "beta"));
        Assert.Contains("named 'other'", unnamed.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(PackagesFolder));
    }

    [Fact]
    public void Every_random_valid_tree_extracts_to_exactly_that_tree() =>
        Prop.ForAll(Trees().ToArbitrary(), files =>
        {
            var builder = PackageBuilder.Create("tree", "1.0.0");
            var stored = new List<string>();
            foreach (var (path, content, link) in files)
            {
                if (link == 1 && stored.Count > 0)
                {
                    builder.WithEntry(PackageBuilder.Entry(
                        TarEntryType.HardLink,
                        path,
                        linkName: stored[content.Length % stored.Count]));
                }
                else if (link == 2 && stored.Count > 0 && !path.Contains('/', StringComparison.Ordinal))
                {
                    builder.WithEntry(PackageBuilder.Entry(
                        TarEntryType.SymbolicLink,
                        path,
                        linkName: stored[content.Length % stored.Count]));
                }
                else
                {
                    builder.WithEntry(PackageBuilder.File(path, content));
                    stored.Add(path);
                }
            }

            var archive = builder.Build();
            var folder = Path.Combine(_root.FullName, Guid.NewGuid().ToString("N"));
            var tree = PublishThenInstall(archive, "tree", folder);
            Directory.Delete(folder, recursive: true);
            return tree.Count >= files.Length;
        }).QuickCheckThrowOnFailure();

    // Paths that make a valid tree: distinct ignoring case, no path both a file and a directory,
    // segments drawn with dots and case so that normalisation bugs would show.
    private static Gen<(string Path, byte[] Content, int Link)[]> Trees() =>
        from raw in Gen.ListOf(
            from segments in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Segment(), n))
            from length in Gen.Choose(0, 300)
            from content in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
            from link in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
            select (Path: string.Join('/', segments), Content: content, Link: link))
        select Distinct(raw);

    private static Gen<string> Segment() =>
        from length in Gen.Choose(1, 6)
        from chars in Gen.ArrayOf(Gen.Elements("aAbZ09._-".ToCharArray()), length)
        let text = new string(chars)
        select text is "." or ".." ? "x" + text : text;

    private static (string, byte[], int)[] Distinct(IEnumerable<(string Path, byte[] Content, int Link)> files)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "registry.json" };
        var directories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<(string, byte[], int)>();
        foreach (var file in files)
        {
            var ancestors = file.Path.Split('/').SkipLast(1)
                .Select((_, i) => string.Join('/', file.Path.Split('/').Take(i + 1)))
                .ToList();
            if (taken.Contains(file.Path) || directories.Contains(file.Path) || ancestors.Any(taken.Contains))
            {
                continue;
            }

            taken.Add(file.Path);
            directories.UnionWith(ancestors);
            result.Add(file);
        }

        return [.. result];
    }

    private static void Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") {
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["HOME"] = directory;
        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error}");
    }
}
