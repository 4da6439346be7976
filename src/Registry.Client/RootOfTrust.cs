using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// Where a source's trust comes from: a root metadata file obtained out of band, or trust on
/// first use of the registry's <c>1.root.json</c> pinned by its sha256. Both together must
/// agree. A fetched root is read up to <see cref="RootChain.MaxRootBytes"/> and no further.
/// </summary>
public static class RootOfTrust
{
    /// <summary>
    /// The trust anchor in a root metadata file obtained out of band (<c>--root FILE</c> of
    /// <c>registry mirror</c>): it must exist, parse, and sign itself (<see cref="RootChain.ParseAnchor"/>).
    /// </summary>
    public static async Task<SignedDocument<RootMetadata>> LoadAnchorAsync(
        string rootFile,
        CancellationToken cancellationToken) =>
        RootChain.ParseAnchor(await ReadRootFileAsync(rootFile, cancellationToken).ConfigureAwait(false), rootFile);

    /// <summary>The root bytes to trust for <paramref name="baseUri"/>, from a file, a pinned hash, or both (checked
    /// against each other).</summary>
    public static async Task<byte[]> ObtainAsync(
        Uri baseUri,
        string? rootFile,
        string? pinnedSha256,
        HttpPolicy? policy,
        CancellationToken cancellationToken,
        ReadCredential? credential = null)
    {
        if (pinnedSha256 is not null && (pinnedSha256.Length != 64 || !pinnedSha256.All(char.IsAsciiHexDigit)))
        {
            throw new EnvironmentException($"--root-sha256 '{pinnedSha256}': not a sha256 (64 hex digits)");
        }

        byte[] bytes;
        string what;
        if (rootFile is not null)
        {
            bytes = await ReadRootFileAsync(rootFile, cancellationToken).ConfigureAwait(false);
            what = rootFile;
        }
        else if (pinnedSha256 is not null)
        {
            using var reader = new HttpObjectReader(baseUri, policy: policy) { Credential = credential };
            var fetched = await reader.GetCappedOrNullAsync(
                RegistryLayout.RootKey(1),
                RootChain.MaxRootBytes,
                cancellationToken).ConfigureAwait(false)
                ?? throw new RegistryException($"{baseUri}{RegistryLayout.RootKey(1)}: not found");
            bytes = fetched.Content;
            what = $"{baseUri}{RegistryLayout.RootKey(1)}";
        }
        else
        {
            throw new EnvironmentException("pass --root FILE or --root-sha256 HASH: the client needs a root of trust");
        }

        if (pinnedSha256 is not null && !Hashing.HexEquals(Hashing.Sha256Hex(bytes), pinnedSha256))
        {
            throw new VerificationException(Rules.RootPin, $"{what}: sha256 is {Hashing.Sha256Hex(bytes)}, not the "
                + $"pinned {pinnedSha256.ToLowerInvariant()}; refusing to trust it");
        }

        return bytes;
    }

    private static async Task<byte[]> ReadRootFileAsync(string rootFile, CancellationToken cancellationToken) =>
        File.Exists(rootFile)
            ? await File.ReadAllBytesAsync(rootFile, cancellationToken).ConfigureAwait(false)
            : throw new EnvironmentException($"{rootFile}: no such root file");
}
