using Registry.Core.Packages;
using Registry.Testing;

namespace Registry.Core.Tests.Packages;

public class TgzFormatTests
{
    [Theory]
    [InlineData("beta-1.0.0.tgz")]
    [InlineData("beta-1.0.0.tar.gz")]
    [InlineData("BETA-1.0.0.TGZ")]
    public void Matches_a_tgz_file_name(string fileName) =>
        Assert.True(new TgzPackageFormat().Matches(fileName, []));

    [Fact]
    public void Matches_gzip_magic_bytes_under_any_name() =>
        Assert.True(new TgzPackageFormat().Matches("upload", [0x1f, 0x8b, 8]));

    [Fact]
    public void Does_not_match_other_files() =>
        Assert.False(new TgzPackageFormat().Matches("beta.nupkg", "PK"u8));

    [Fact]
    public void Builder_output_is_byte_for_byte_repeatable()
    {
        static byte[] Build() => PackageBuilder.Create("beta", "1.0.0")
            .WithFile("lib/b.txt", "b").WithFile("lib/a.txt", "a").DependsOn("alpha", "[1.0.0, )").Build();

        var first = Build();
        Thread.Sleep(1100); // a builder that stamped the clock would differ now
        Assert.Equal(first, Build());
    }

    [Fact]
    public void Read_refuses_a_package_whose_gzip_trailer_is_cut_off()
    {
        var whole = PackageBuilder.Create("beta", "1.0.0").Build();
        Refusal.Of(whole[..^4], "archive-readable");
    }
}
