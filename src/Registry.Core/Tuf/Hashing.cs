using System.Security.Cryptography;

namespace Registry.Core.Tuf;

/// <summary>SHA-256 in the lowercase hex form TUF metadata and target file names use.</summary>
public static class Hashing
{
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static async Task<(string Sha256, long Length)> Sha256HexAsync(
        Stream data,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    /// <summary>Constant-time comparison of two hex digests.</summary>
    public static bool HexEquals(string a, string b) =>
        a.Length == b.Length && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(a.ToLowerInvariant()),
            System.Text.Encoding.ASCII.GetBytes(b.ToLowerInvariant()));

    /// <summary>Whether bytes have exactly the length and sha256 that signed metadata pinned.</summary>
    public static bool ContentMatches(ReadOnlySpan<byte> content, long length, string sha256) =>
        content.Length == length && HexEquals(Sha256Hex(content), sha256);

    /// <summary>
    /// The one content rule every reader applies (publisher, client, mirror, verify): the bytes
    /// have exactly the length and sha256 pinned by signed metadata, or they are refused.
    /// </summary>
    public static void VerifyContent(ReadOnlySpan<byte> content, long length, string sha256, string source)
    {
        VerifyLength(content.Length, length, source);
        VerifySha256(Sha256Hex(content), sha256, source);
    }

    /// <summary>The same rule for content hashed while streaming: its measured length and sha256.</summary>
    public static void VerifyDigest(long actualLength, string actualSha256, long length, string sha256, string source)
    {
        VerifyLength(actualLength, length, source);
        VerifySha256(actualSha256, sha256, source);
    }

    /// <summary>The length half of the rule, for metadata whose parent pins a length but no hash.</summary>
    public static void VerifyLength(long actualLength, long length, string source)
    {
        if (actualLength != length)
        {
            throw new VerificationException($"{source}: length or sha256 differs from the signed metadata "
                + $"({actualLength} bytes, it pins {length}: truncated, padded or tampered)");
        }
    }

    private static void VerifySha256(string actualSha256, string sha256, string source)
    {
        if (!HexEquals(actualSha256, sha256))
        {
            throw new VerificationException($"{source}: length or sha256 differs from the signed metadata (the sha256 "
                + "does not match: tampered or corrupt)");
        }
    }
}
