using Registry.Log;

namespace Registry.Core.Tests.Log;

/// <summary>RFC 6962 hashing and proofs against the Certificate Transparency reference vectors.</summary>
public sealed class MerkleTests
{
    internal static readonly byte[][] Entries = [.. new[] {
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f" }.Select(Convert.FromHexString)];

    private static readonly string[] Roots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static byte[] H(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void Roots_match_the_RFC_6962_reference_for_every_size()
    {
        var leaves = Entries.Select(e => Merkle.LeafHash(e)).ToList();
        for (var n = 0; n <= 8; n++)
        {
            Assert.Equal(Roots[n], Convert.ToHexStringLower(Merkle.RootOfLeafHashes(leaves, 0, n)));
        }
    }

    [Fact]
    public void The_reference_inclusion_proof_verifies_and_a_changed_one_does_not()
    {
        byte[][] proof =
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ];
        Assert.True(Merkle.VerifyInclusion(Merkle.LeafHash(Entries[0]), 0, 8, proof, H(Roots[8])));
        Assert.False(Merkle.VerifyInclusion(Merkle.LeafHash(Entries[1]), 0, 8, proof, H(Roots[8])));
        Assert.False(Merkle.VerifyInclusion(Merkle.LeafHash(Entries[0]), 1, 8, proof, H(Roots[8])));
        Assert.False(Merkle.VerifyInclusion(Merkle.LeafHash(Entries[0]), 0, 8, proof[..2], H(Roots[8])));
    }

    [Fact]
    public void The_reference_consistency_proofs_verify()
    {
        Assert.True(Merkle.VerifyConsistency(
            1,
            8,
            [
                H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            ],
            H(Roots[1]),
            H(Roots[8])));
        Assert.True(Merkle.VerifyConsistency(
            6,
            8,
            [
                H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            ],
            H(Roots[6]),
            H(Roots[8])));
        Assert.True(Merkle.VerifyConsistency(
            2,
            5,
            [
                H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            ],
            H(Roots[2]),
            H(Roots[5])));
        Assert.False(Merkle.VerifyConsistency(
            2,
            5,
            [H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e")],
            H(Roots[2]),
            H(Roots[5])));
        Assert.False(Merkle.VerifyConsistency(5, 2, [], H(Roots[5]), H(Roots[2])));
        Assert.True(Merkle.VerifyConsistency(8, 8, [], H(Roots[8]), H(Roots[8])));
        Assert.False(Merkle.VerifyConsistency(8, 8, [], H(Roots[7]), H(Roots[8])));
    }
}
