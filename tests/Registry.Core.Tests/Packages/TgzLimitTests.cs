using System.Formats.Tar;
using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public class TgzLimitTests
{
    private static PackageBuilder Valid() => PackageBuilder.Create("beta", "1.0.0");

    [Fact]
    public void Read_refuses_a_package_over_the_compressed_size_limit()
    {
        var package = Valid().WithFile("lib/noise.bin", MaliciousPackages.Noise(8192)).Build();
        Refusal.Of(package, "limit-compressed-size", new PackageLimits { MaxCompressedBytes = 4096 });
    }

    [Fact]
    public void Read_refuses_a_package_that_unpacks_past_the_limit()
    {
        var limits = new PackageLimits { MaxUnpackedBytes = 1024 * 1024, MaxCompressionRatio = int.MaxValue };
        Refusal.Of(MaliciousPackages.GzipBomb(4L * 1024 * 1024), "limit-unpacked-size", limits);
    }

    [Fact]
    public void Read_refuses_a_gzip_bomb_by_its_compression_ratio()
    {
        // 256 MiB of zeros (under the 512 MiB unpacked limit) is about 256 KiB of gzip: refused by
        // ratio after some 25 MiB, long before the whole file is read.
        var bomb = MaliciousPackages.GzipBomb(256L * 1024 * 1024);
        var error = Refusal.Of(bomb, "limit-ratio");
        Assert.Contains("100 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_accepts_a_compressible_package_below_the_ratio_floor() =>
        Refusal.Accepted(MaliciousPackages.GzipBomb(512 * 1024));

    [Fact]
    public void Read_counts_header_bytes_so_a_huge_pax_record_cannot_pass_the_unpacked_limit()
    {
        // The data is empty; the bytes hide in a PAX header record, which no data count would see.
        var records = new Dictionary<string, string> { ["comment"] = new string('x', 4 * 1024 * 1024) };
        var package = Valid().WithEntry(new PaxTarEntry(TarEntryType.RegularFile, "lib/empty.txt", records)).Build();
        var limits = new PackageLimits {
            MaxUnpackedBytes = 64 * 1024,
            MaxEntries = 10,
            MaxCompressionRatio = int.MaxValue };
        Refusal.Of(package, "limit-unpacked-size", limits);
    }

    [Fact]
    public void Read_refuses_more_entries_than_the_limit()
    {
        var builder = Valid();
        for (var i = 0; i < 5; i++)
        {
            builder.WithFile($"lib/{i}.txt", "x");
        }

        Refusal.Of(builder.Build(), "limit-entries", new PackageLimits { MaxEntries = 5 });
        Refusal.Accepted(builder.Build(), new PackageLimits { MaxEntries = 6 });
    }

    [Fact]
    public void Read_refuses_a_manifest_over_the_size_limit()
    {
        var package = Valid().WithField("description", new string('d', 2000)).Build();
        Refusal.Of(package, "limit-manifest-size", new PackageLimits { MaxManifestBytes = 1024 });
    }
}
