using System.Security.Cryptography;

using System.Text.Json;

namespace Registry.Core.Tuf;

/// <summary>
/// An ECDSA P-256 private key (<c>ecdsa-sha2-nistp256</c>): signs canonical JSON with SHA-256
/// and DER signatures, as TUF clients (python-tuf, tuf-js, go-tuf) verify them.
/// </summary>
public sealed class SigningKey : IDisposable
{
    public const string KeyType = "ecdsa";
    public const string Scheme = "ecdsa-sha2-nistp256";

    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        Public = PublicKeyOf(key);
        KeyId = KeyIdOf(Public);
    }

    /// <summary>The public half as it appears in root and targets metadata.</summary>
    public TufKey Public { get; }

    /// <summary>The hex SHA-256 of the public key's canonical JSON.</summary>
    public string KeyId { get; }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a PKCS#8 or SEC1 PEM private key; refuses any curve but P-256.</summary>
    public static SigningKey FromPem(string pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new EnvironmentException($"{source}: not a PEM ECDSA private key ({e.Message})", e);
        }

        var curve = key.ExportParameters(false).Curve;
        if (curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            key.Dispose();
            throw new EnvironmentException($"{source}: the key is not on curve P-256; registry keys are ecdsa-sha2-nistp256");
        }

        return new SigningKey(key);
    }

    public string ExportPrivatePem() => _key.ExportPkcs8PrivateKeyPem() + "\n";

    public Signature Sign(ReadOnlySpan<byte> canonicalSigned) =>
        new(KeyId, Convert.ToHexStringLower(_key.SignData(canonicalSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    public void Dispose() => _key.Dispose();

    public static TufKey PublicKeyOf(ECDsa key) =>
        new(KeyType, Scheme, new KeyValue(key.ExportSubjectPublicKeyInfoPem() + "\n"));

    public static string KeyIdOf(TufKey key) =>
        Hashing.Sha256Hex(CanonicalJson.Serialize(JsonSerializer.SerializeToElement(key, TufJsonContext.Default.TufKey)));

    /// <summary>Whether <paramref name="signature"/> (hex DER) is a valid signature of the data by the key.</summary>
    public static bool Verify(TufKey key, ReadOnlySpan<byte> data, string signature)
    {
        if (key.Scheme != Scheme || key.KeyType is not (KeyType or Scheme))
        {
            return false;
        }

        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(key.KeyVal.Public);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }

        return ecdsa.VerifyData(data, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

}
