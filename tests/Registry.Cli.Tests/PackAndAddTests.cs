using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary><c>registry pack</c> (reproducible archives checked by publish's rules) and <c>registry add</c> (cargo
/// add).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PackAndAddTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private string Source(string name, string manifest, params (string Path, string Content)[] files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_registry.Root, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "registry.json"), manifest);
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), content);
        }

        return folder;
    }

    private const string Hello = """{"name": "hello", "version": "1.0.0", "description": "says hello"}""";

    [Fact]
    public async Task Pack_twice_gives_identical_bytes_whatever_the_file_times_and_creation_order()
    {
        var deep = string.Join('/', Enumerable.Repeat("a-long-folder-name", 8)) + "/file.txt";
        var first = Source(
            "a",
            Hello,
            ("lib/z.txt", "z"),
            ("lib/a.txt", "a"),
            ("bin/run.sh", "#!/bin/sh\n"),
            (deep, "deep"));
        var second = Source(
            "b",
            Hello,
            ("bin/run.sh", "#!/bin/sh\n"),
            (deep, "deep"),
            ("lib/a.txt", "a"),
            ("lib/z.txt", "z"));
        File.SetLastWriteTimeUtc(
            Path.Combine(second, "lib", "a.txt"),
            new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        File.SetUnixFileMode(Path.Combine(first, "bin", "run.sh"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(second, "bin", "run.sh"), (UnixFileMode)0b111_000_000);

        var one = await RegistryCli.RunAsync("pack", first, "--output", Path.Combine(_registry.Root, "one.tgz"));
        var two = await RegistryCli.RunAsync("pack", second, "-o", Path.Combine(_registry.Root, "two.tgz"));
        // Another process: nothing of the packing process (its id, its clock) may reach the bytes.
        var again = await RegistryCli.RunProcessAsync(["pack", first, "-o", Path.Combine(_registry.Root, "again.tgz")]);

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(two.ExitCode == 0, two.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Matches("^packed hello 1.0.0 sha256:[0-9a-f]{64} ", one.Out);
        var bytes = File.ReadAllBytes(Path.Combine(_registry.Root, "one.tgz"));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_registry.Root, "two.tgz")));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_registry.Root, "again.tgz")));
    }

    [Fact]
    public async Task Pack_sorts_entries_fixes_times_owners_and_modes_and_leaves_out_vcs_and_install_state()
    {
        var folder = Source(
            "a",
            Hello,
            ("lib/b.txt", "b"),
            ("README.md", "# hello"),
            (".git/HEAD", "ref"),
            ("packages/dep/x.txt", "x"),
            ("registry.lock", "{}"),
            ("old-0.9.0.tgz", "old"),
            ("lib/packages/kept.txt", "kept"));
        File.SetUnixFileMode(Path.Combine(folder, "lib", "b.txt"), (UnixFileMode)0b111_000_000);

        var result = await RegistryCli.RunAsync("pack", folder, "-o", Path.Combine(_registry.Root, "out", "hello.tgz"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var entries = ReadEntries(Path.Combine(_registry.Root, "out", "hello.tgz"));
        Assert.Equal(["README.md", "lib/b.txt", "lib/packages/kept.txt", "registry.json"], entries.Select(e => e.Name));
        Assert.All(entries, e =>
        {
            Assert.Equal(TarEntryType.RegularFile, e.EntryType);
            Assert.Equal(new DateTimeOffset(1985, 10, 26, 8, 15, 0, TimeSpan.Zero), e.ModificationTime);
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
        });
        Assert.Equal((UnixFileMode)0b111_101_101, entries.Single(e => e.Name == "lib/b.txt").Mode);
        Assert.Equal((UnixFileMode)0b110_100_100, entries.Single(e => e.Name == "README.md").Mode);
    }

    [Fact]
    public async Task What_pack_makes_publishes_long_paths_included()
    {
        await _registry.InitAsync();
        var folder = Source(
            "a",
            Hello,
            ("lib/hello.txt", "hello, team\n"),
            (string.Join('/', Enumerable.Repeat("a-long-folder-name", 8)) + "/file.txt", "deep"));
        var pack = await RegistryCli.RunProcessAsync(["pack", folder], null);
        Assert.True(pack.ExitCode == 0, pack.ToString());

        var publish = await _registry.PublishAsync(Path.Combine(Environment.CurrentDirectory, "hello-1.0.0.tgz"));
        File.Delete(Path.Combine(Environment.CurrentDirectory, "hello-1.0.0.tgz"));

        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.StartsWith("published hello 1.0.0", publish.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name": "Hello World", "version": "1.0.0"}""", "name-invalid")]
    [InlineData("""{"name": "hello", "version": "1.0"}""", "version-invalid")]
    [InlineData("""{"name": "hello", "version": "1.0.0", "dependencies": {"alpha": "^1.0.0"}}""", "dependency-invalid")]
    [InlineData("""{"name": "hello", "version": "1.0.0", "colour": "blue"}""", "manifest-unknown-field")]
    public async Task Pack_refuses_what_publish_refuses_with_the_same_rule_and_writes_nothing(
        string manifest,
        string rule)
    {
        var folder = Source("bad", manifest, ("lib/x.txt", "x"));
        var output = Path.Combine(_registry.Root, "bad.tgz");

        var result = await RegistryCli.RunAsync("pack", folder, "-o", output);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"[rule: {rule}]", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_registry.Root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Pack_of_a_folder_without_registry_json_is_an_environment_error()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_registry.Root, "empty")).FullName;
        var result = await RegistryCli.RunAsync("pack", folder, "-o", Path.Combine(_registry.Root, "x.tgz"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has no registry.json", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_writes_the_latest_versions_caret_range_keeping_the_other_fields()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(
            _registry.Package("alpha", "1.2.0"),
            _registry.Package("alpha", "1.4.2"),
            _registry.Package("alpha", "2.0.0-beta.1"),
            _registry.Package("beta", "0.3.1"))).ExitCode);
        await using var project = await ClientProject.StartAsync(_registry);
        File.WriteAllText(
            Path.Combine(project.Folder, "registry.json"),
            """{"name": "app", "version": "1.0.0", "dependencies": {"beta": "0.1.0"}, "license": "MIT"}""");

        var alpha = await project.RunAsync("add", "alpha", "--project", project.Folder);
        var beta = await project.RunAsync("add", "beta@~0.3", "--project", project.Folder);

        Assert.True(alpha.ExitCode == 0, alpha.ToString());
        Assert.True(beta.ExitCode == 0, beta.ToString());
        Assert.Contains("added alpha \"[1.4.2, 2.0.0)\"", alpha.Out, StringComparison.Ordinal);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Folder, "registry.json")));
        Assert.Equal(
            ["name", "version", "dependencies", "license"],
            manifest.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            [("beta", "[0.3.0, 0.4.0)"), ("alpha", "[1.4.2, 2.0.0)")],
            manifest.RootElement.GetProperty("dependencies").EnumerateObject()
                .Select(p => (p.Name, p.Value.GetString()!)));

        var install = await project.RunAsync("install", "--project", project.Folder);
        Assert.True(install.ExitCode == 0, install.ToString());
    }

    [Fact]
    public async Task Add_refuses_an_unknown_name_with_did_you_mean_and_leaves_registry_json_alone()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        await using var project = await ClientProject.StartAsync(_registry, """{"alpha": "1.0.0"}""");
        // Suggestions come from the names this client has verified already (it never lists the registry for them).
        Assert.Equal(0, (await project.RunAsync("install", "--project", project.Folder)).ExitCode);
        var before = File.ReadAllBytes(Path.Combine(project.Folder, "registry.json"));

        var result = await project.RunAsync("add", "alpah", "--project", project.Folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did you mean 'alpha'?", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(project.Folder, "registry.json")));
    }

    private static List<TarEntry> ReadEntries(string file)
    {
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (tar.GetNextEntry() is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }
}
