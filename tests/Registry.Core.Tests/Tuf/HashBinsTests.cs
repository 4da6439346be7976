using Registry.Core.Tuf;

namespace Registry.Core.Tests.Tuf;

public sealed class HashBinsTests
{
    [Theory]
    [InlineData(8, 255, "bin-ff")]
    [InlineData(8, 0, "bin-00")]
    [InlineData(4, 10, "bin-a")]
    [InlineData(12, 1, "bin-001")]
    public void Bin_names_are_zero_padded_lowercase_hex(int bits, long bin, string expected) =>
        Assert.Equal(expected, new HashBins(bits, "bin").NameOf(bin));

    [Fact]
    public void A_target_falls_into_the_bin_of_the_top_bits_of_its_path_hash()
    {
        // sha256("index/alpha.json") starts with these bytes; the top 8 bits name the bin.
        var hash = Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes("index/alpha.json"));
        Assert.Equal("bin-" + hash[..2], new HashBins(8, "bin").BinFor("index/alpha.json"));
        var nibble = Convert.ToInt32(hash[..1], 16);
        Assert.Equal(
            "bin-" + nibble.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
            new HashBins(4, "bin").BinFor("index/alpha.json"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(100)]
    public void Bin_counts_must_be_powers_of_two(int count) =>
        Assert.Equal("bins", Assert.Throws<ValidationException>(() => HashBins.BitLengthFor(count)).Rule);

    [Fact]
    public void Every_bin_name_is_recognised_and_others_are_not()
    {
        var bins = new HashBins(8, "bin");
        Assert.All(bins.AllNames(), name => Assert.True(bins.IsBinName(name)));
        Assert.Equal(256, bins.AllNames().Count());
        Assert.False(bins.IsBinName("bin-100"));
        Assert.False(bins.IsBinName("bin-FF"));
        Assert.False(bins.IsBinName("targets"));
    }
}
