using System.Formats.Tar;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public class TgzArchiveTests
{
    private static PackageBuilder Valid() => PackageBuilder.Create("beta", "1.0.0").WithFile("lib/a.txt", "a");

    private static PaxTarEntry Link(TarEntryType type, string name, string target)
        => PackageBuilder.Entry(type, name, linkName: target);

    [Fact]
    public void Read_accepts_a_valid_package()
    {
        var manifest = Refusal.Accepted(
            Valid().WithEntry(Link(TarEntryType.SymbolicLink, "lib/b.txt", "a.txt")).Build());

        Assert.Equal("beta", manifest.Name);
        Assert.Equal("1.0.0", manifest.Version.ToNormalizedString());
    }

    [Fact]
    public void Read_accepts_the_manifest_written_as_dot_slash_registry_json() =>
        Assert.Equal("beta", Refusal.Accepted(Valid().WithManifestPath("./registry.json").Build()).Name);

    [Fact]
    public void Read_accepts_the_layout_of_tar_czf_dot()
    {
        // `tar czf pkg.tgz .` stores the root itself as "./" and every path under "./".
        var package = PackageBuilder.Create("beta", "1.0.0").WithManifestPath("./registry.json")
            .WithEntry(PackageBuilder.Entry(TarEntryType.Directory, "./"))
            .WithEntry(PackageBuilder.Entry(TarEntryType.Directory, "./lib/"))
            .WithEntry(PackageBuilder.File("./lib/a.txt", [1]))
            .Build();
        Assert.Equal("beta", Refusal.Accepted(package).Name);
    }

    [Fact]
    public void Read_refuses_a_file_that_is_not_gzip() =>
        Refusal.Of("registry.json"u8.ToArray(), "archive-readable");

    [Fact]
    public void Read_refuses_a_corrupt_gzip() =>
        Refusal.Of([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6], "archive-readable");

    [Fact]
    public void Read_refuses_a_truncated_gzip() =>
        Refusal.Of(MaliciousPackages.TruncatedGzip(), "archive-readable");

    [Fact]
    public void Read_refuses_gzip_data_that_is_not_a_tar() =>
        Refusal.Of(PackageBuilder.Gzip(MaliciousPackages.Noise(4096)), "archive-readable");

    [Fact]
    public void Read_refuses_an_entry_that_escapes_the_root()
    {
        var error = Refusal.Of(MaliciousPackages.ParentPathEntry("../evil"), "archive-path");
        Assert.Contains("'../evil' escapes the package root", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lib/../../evil")]
    [InlineData("lib/..")]
    public void Read_refuses_an_entry_with_a_parent_segment_anywhere(string name) =>
        Refusal.Of(MaliciousPackages.ParentPathEntry(name), "archive-path");

    [Theory]
    [InlineData("/etc/evil")]
    [InlineData("C:/evil")]
    [InlineData("c:evil")]
    [InlineData("lib\\evil")]
    public void Read_refuses_an_absolute_drive_or_backslash_entry_path(string name) =>
        Refusal.Of(MaliciousPackages.AbsolutePathEntry(name), "archive-path");

    [Fact]
    public void Read_refuses_a_NUL_in_an_entry_name()
    {
        // A PAX 'path' record is length-prefixed, so it can carry a NUL that C tools would cut the name at.
        var error = Refusal.Of(Valid().WithEntry(PackageBuilder.File("lib/x.txt\0.evil", [1])).Build(), "archive-path");
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', error.Message);
    }

    [Theory]
    [InlineData("lib/evil", "../../etc/passwd")]
    [InlineData("lib/evil", "/etc/passwd")]
    [InlineData("evil", "..")]
    [InlineData("lib/evil", "C:/Windows")]
    public void Read_refuses_a_symlink_that_leaves_the_root(string name, string target) =>
        Refusal.Of(MaliciousPackages.SymlinkOutOfRoot(name, target), "archive-link");

    [Fact]
    public void Read_refuses_a_symlink_that_leaves_the_root_through_another_symlink()
    {
        // 'up' points at the root; 'lib/escape' -> '../up/..' looks inside when read as text, but is the root's parent.
        var package = Valid()
            .WithEntry(Link(TarEntryType.SymbolicLink, "up", "lib/.."))
            .WithEntry(Link(TarEntryType.SymbolicLink, "lib/escape", "../up/.."))
            .Build();
        Refusal.Of(package, "archive-link");
    }

    [Fact]
    public void Read_refuses_symlinks_that_loop()
    {
        var package = Valid()
            .WithEntry(Link(TarEntryType.SymbolicLink, "a", "b"))
            .WithEntry(Link(TarEntryType.SymbolicLink, "b", "a"))
            .Build();
        Refusal.Of(package, "archive-link");
    }

    [Fact]
    public void Read_refuses_links_that_branch_exponentially_without_hanging()
    {
        // l0 -> "l1/../l1/../...", l1 -> "l2/../l2/../...", l30 -> "d": each stays inside the root,
        // but resolving l0 the naive way takes 20^30 steps.
        var builder = Valid().WithEntry(Link(TarEntryType.SymbolicLink, "l30", "d"));
        for (var i = 0; i < 30; i++)
        {
            builder.WithEntry(
                Link(TarEntryType.SymbolicLink, $"l{i}", string.Join('/', Enumerable.Repeat($"l{i + 1}/..", 20))));
        }

        Refusal.Of(builder.Build(), "archive-link");
    }

    [Fact]
    public void Read_refuses_an_entry_written_through_a_symlink()
    {
        var package = Valid()
            .WithEntry(Link(TarEntryType.SymbolicLink, "lib/dir", "."))
            .WithEntry(PackageBuilder.File("lib/dir/x.txt", [1]))
            .Build();
        Refusal.Of(package, "archive-link");
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("lib/not-stored.txt")]
    public void Read_refuses_a_hard_link_to_anything_but_a_file_in_the_archive(string target) =>
        Refusal.Of(MaliciousPackages.HardLinkOutOfRoot(target), "archive-link");

    [Fact]
    public void Read_accepts_a_hard_link_to_a_file_in_the_archive() =>
        Refusal.Accepted(Valid().WithEntry(Link(TarEntryType.HardLink, "lib/b.txt", "lib/a.txt")).Build());

    [Fact]
    public void Read_refuses_a_character_device_entry() =>
        Refusal.Of(MaliciousPackages.CharacterDeviceEntry(), "archive-entry-type");

    [Theory]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Read_refuses_block_device_and_fifo_entries(TarEntryType type) =>
        Refusal.Of(Valid().WithEntry(PackageBuilder.Entry(type, "dev/x")).Build(), "archive-entry-type");

    [Theory]
    [InlineData("lib/a.txt")]
    [InlineData("./lib/a.txt")]
    [InlineData("lib//a.txt")]
    [InlineData("LIB/A.txt")]
    public void Read_refuses_a_path_stored_twice(string again) =>
        Refusal.Of(Valid().WithEntry(PackageBuilder.File(again, [2])).Build(), "archive-duplicate");

    [Fact]
    public void Read_refuses_a_second_manifest() =>
        Refusal.Of(
            Valid().WithEntry(PackageBuilder.File("./registry.json", "{}"u8.ToArray())).Build(),
            "archive-duplicate");

    [Fact]
    public void Read_accepts_a_directory_listed_twice() =>
        Refusal.Accepted(Valid()
            .WithEntry(PackageBuilder.Entry(TarEntryType.Directory, "lib/"))
            .WithEntry(PackageBuilder.Entry(TarEntryType.Directory, "./lib"))
            .Build());

    [Fact]
    public void Read_refuses_an_entry_inside_a_file() =>
        Refusal.Of(Valid().WithEntry(PackageBuilder.File("lib/a.txt/b.txt", [1])).Build(), "archive-path");

    [Fact]
    public void Read_refuses_a_package_without_a_manifest()
    {
        var error = Refusal.Of(MaliciousPackages.ManifestMissing(), "manifest-missing");
        Assert.Contains("registry.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_manifest_that_is_not_at_the_root() =>
        Refusal.Of(Valid().WithManifestPath("package/registry.json").Build(), "manifest-missing");
}
