using System.Security.Cryptography;

using System.Text.Json;

namespace Registry.Core.Tuf;

/// <summary>
/// An ECDSA P-256 private key (<c>ecdsa-sha2-nistp256</c>): signs canonical JSON with SHA-256
/// and DER signatures, as TUF clients (python-tuf, tuf-js, go-tuf) verify them.
/// </summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>A key id as messages show it: its first 12 hex digits.</summary>
    public static string ShortId(string keyId) => keyId[..Math.Min(12, keyId.Length)];

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

    /// <summary>Loads an unencrypted PKCS#8 or SEC1 PEM private key; refuses any curve but P-256.</summary>
    public static SigningKey FromPem(string pem, string source) => Import(source, key => key.ImportFromPem(pem));

    /// <summary>Loads an <c>ENCRYPTED PRIVATE KEY</c> PEM (PKCS#8, PBES2); a wrong passphrase is an
    /// <see cref="EnvironmentException"/> naming the file.</summary>
    public static SigningKey FromEncryptedPem(string pem, string passphrase, string source, string passphraseOrigin)
    {
        try
        {
            return Import(source, key => key.ImportFromEncryptedPem(pem, passphrase));
        }
        catch (EnvironmentException e) when (e.InnerException is CryptographicException)
        {
            throw new EnvironmentException($"{source}: cannot decrypt the key with the passphrase from "
                + $"{passphraseOrigin} (wrong passphrase, or a damaged file)", e.InnerException);
        }
    }

    private static SigningKey Import(string source, Action<ECDsa> import)
    {
        var key = ECDsa.Create();
        try
        {
            import(key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new EnvironmentException($"{source}: not a PEM ECDSA private key ({e.Message})", e);
        }

        if (!IsP256(key))
        {
            key.Dispose();
            throw new EnvironmentException(
                $"{source}: the key is not on curve P-256; registry keys are ecdsa-sha2-nistp256");
        }

        return new SigningKey(key);
    }

    public string ExportPrivatePem() => _key.ExportPkcs8PrivateKeyPem() + "\n";

    /// <summary>The private key as an <c>ENCRYPTED PRIVATE KEY</c> PEM: PKCS#8 PBES2, AES-256-CBC,
    /// PBKDF2-HMAC-SHA256.</summary>
    public string ExportEncryptedPrivatePem(string passphrase, int iterations) =>
        _key.ExportEncryptedPkcs8PrivateKeyPem(
            passphrase,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterations)) + "\n";

    /// <summary>Reads a public key PEM (<c>PUBLIC KEY</c>, SubjectPublicKeyInfo) as TUF writes it; refuses any curve
    /// but P-256.</summary>
    public static TufKey PublicKeyFromPem(string pem, string source)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new EnvironmentException($"{source}: not a PEM ECDSA public key ({e.Message})", e);
        }

        if (!IsP256(key))
        {
            throw new EnvironmentException(
                $"{source}: the key is not on curve P-256; registry keys are ecdsa-sha2-nistp256");
        }

        return PublicKeyOf(key);
    }

    public Signature Sign(ReadOnlySpan<byte> canonicalSigned) =>
        new(KeyId, Convert.ToHexStringLower(
            _key.SignData(canonicalSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    public void Dispose() => _key.Dispose();

    private static bool IsP256(ECDsa key)
    {
        var curve = key.ExportParameters(false).Curve;
        return curve.Oid?.Value == ECCurve.NamedCurves.nistP256.Oid.Value
            || curve.Oid?.FriendlyName is "nistP256" or "ECDSA_P256";
    }

    public static TufKey PublicKeyOf(ECDsa key) =>
        new(KeyType, Scheme, new KeyValue(key.ExportSubjectPublicKeyInfoPem() + "\n"));

    public static string KeyIdOf(TufKey key) =>
        Hashing.Sha256Hex(
            CanonicalJson.Serialize(JsonSerializer.SerializeToElement(key, TufJsonContext.Default.TufKey)));

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

        using var ecdsa = ImportPublicOrNull(key);
        return ecdsa is not null
            && ecdsa.VerifyData(data, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>
    /// The key itself, however its PEM is written: the SubjectPublicKeyInfo DER re-encoded from the
    /// decoded key, so line lengths, line endings or another encoding of one point all give the same
    /// bytes. Null when <c>keyval.public</c> holds no EC public key. Thresholds count these, not key ids.
    /// </summary>
    public static byte[]? DecodedPublicKeyOrNull(TufKey key)
    {
        using var ecdsa = ImportPublicOrNull(key);
        return ecdsa?.ExportSubjectPublicKeyInfo();
    }

    private static ECDsa? ImportPublicOrNull(TufKey key)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(key.KeyVal.Public);
            return ecdsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            return null;
        }
    }
}
