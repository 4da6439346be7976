using System.Security.Cryptography;

namespace Registry.Core.Tuf;

/// <summary>SHA-256 in the lowercase hex form TUF metadata and target file names use.</summary>
public static class Hashing
{
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static async Task<(string Sha256, long Length)> Sha256HexAsync(Stream data, CancellationToken cancellationToken)
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
}
