using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

/// <summary>The native format's limits hold for a .nupkg, counted from the bytes inflated, not the sizes a zip header
/// claims.</summary>
public class NupkgLimitTests
{
    [Fact]
    public void Read_refuses_a_package_over_the_compressed_size_limit() =>
        Refusal.OfNupkg(
            MaliciousNupkgs.Valid().WithFile("lib/noise.bin", MaliciousPackages.Noise(8192)).Build(),
            Rules.LimitCompressedSize,
            new PackageLimits { MaxCompressedBytes = 4096 });

    [Fact]
    public void Read_refuses_a_zip_bomb_past_the_unpacked_limit_from_its_header_without_inflating_it()
    {
        // 1 GiB of zeros: about 1 MiB of deflate.
        var bomb = MaliciousNupkgs.ZipBomb(1024L * 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Refusal.OfNupkg(bomb, Rules.LimitUnpackedSize);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
    }

    [Fact]
    public void Read_refuses_a_zip_bomb_whose_header_lies_at_the_first_byte_past_the_claimed_size()
    {
        var bomb = MaliciousNupkgs.LyingZipBomb(256L * 1024 * 1024, claimedBytes: 1000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Refusal.OfNupkg(bomb, Rules.ArchiveReadable);
        Assert.Contains("'lib/bomb.bin' does not match the length", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
    }

    [Fact]
    public void Read_counts_inflated_bytes_against_the_unpacked_limit()
    {
        var limits = new PackageLimits { MaxUnpackedBytes = 1024 * 1024, MaxCompressionRatio = int.MaxValue };
        Refusal.OfNupkg(MaliciousNupkgs.ZipBomb(4L * 1024 * 1024), Rules.LimitUnpackedSize, limits);
    }

    [Fact]
    public void Read_refuses_a_zip_bomb_by_its_compression_ratio()
    {
        var error = Refusal.OfNupkg(MaliciousNupkgs.ZipBomb(256L * 1024 * 1024), Rules.LimitRatio);
        Assert.Contains("100 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_accepts_a_compressible_package_below_the_ratio_floor() =>
        Refusal.AcceptedNupkg(MaliciousNupkgs.ZipBomb(512 * 1024));

    [Fact]
    public void Read_refuses_more_entries_than_the_limit()
    {
        // The .nuspec, the library and five files: seven entries.
        var package = MaliciousNupkgs.ManyEntries(5);
        Refusal.OfNupkg(package, Rules.LimitEntries, new PackageLimits { MaxEntries = 6 });
        Refusal.AcceptedNupkg(package, limits: new PackageLimits { MaxEntries = 7 });
    }

    [Fact]
    public void Read_refuses_a_zip_of_many_tiny_entries_before_reading_them()
    {
        var package = MaliciousNupkgs.ManyEntries(20_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Refusal.OfNupkg(package, Rules.LimitEntries);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024);
    }

    [Fact]
    public void Read_counts_the_central_directory_itself_when_the_end_record_understates_it() =>
        Refusal.OfNupkg(
            MaliciousNupkgs.ManyEntriesDeclaredAsOne(20),
            Rules.LimitEntries,
            new PackageLimits { MaxEntries = 10 });

    [Fact]
    public void Read_refuses_a_nuspec_over_the_manifest_size_limit()
    {
        var package = MaliciousNupkgs.Valid().WithMetadata($"<description>{new string('d', 2000)}</description>")
            .Build();
        var error = Refusal.OfNupkg(package, Rules.LimitManifestSize, new PackageLimits { MaxManifestBytes = 1024 });
        Assert.Contains("Evil.nuspec", error.Message, StringComparison.Ordinal);
    }
}
