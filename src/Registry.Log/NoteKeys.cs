using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Registry.Log;

/// <summary>The signature types this log uses (C2SP signed-note): a log's Ed25519 signature, a witness's timestamped
/// cosignature.</summary>
public enum NoteKeyType : byte
{
    Ed25519 = 0x01,
    Cosignature = 0x04,
}

/// <summary>
/// A verifier key, <c>NAME+hex(keyID)+base64(type || public key)</c> (a "vkey"): the public half that
/// clients and witnesses are configured with.
/// </summary>
public sealed record NoteVerifier(string Name, NoteKeyType Type, byte[] PublicKey)
{
    public uint KeyId => ComputeKeyId(Name, Type, PublicKey);

    public string Encoded => $"{Name}+{KeyId:x8}+{Convert.ToBase64String([(byte)Type, .. PublicKey])}";

    public static NoteVerifier Parse(string vkey)
    {
        var parts = vkey.Trim().Split('+', 3);
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length != 8)
        {
            throw new LogException($"'{vkey}' is not a verifier key (NAME+KEYID+BASE64)");
        }

        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            throw new LogException($"verifier key '{parts[0]}': the key is not base64");
        }

        if (raw.Length != 1 + Ed25519.PublicKeySize
            || (raw[0] != (byte)NoteKeyType.Ed25519 && raw[0] != (byte)NoteKeyType.Cosignature))
        {
            throw new LogException($"verifier key '{parts[0]}': only Ed25519 (type 01) and Ed25519 cosignature (type "
                + "04) keys are supported");
        }

        var verifier = new NoteVerifier(parts[0], (NoteKeyType)raw[0], raw[1..]);
        if (!uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id)
            || id != verifier.KeyId)
        {
            throw new LogException(
                $"verifier key '{parts[0]}': key ID {parts[1]} does not match the key ({verifier.KeyId:x8})");
        }

        return verifier;
    }

    /// <summary>SHA-256(name || 0x0A || type || public key)[:4], big-endian.</summary>
    public static uint ComputeKeyId(string name, NoteKeyType type, byte[] publicKey)
    {
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(name), 0x0A, (byte)type, .. publicKey]);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>Whether <paramref name="signature"/> is this key's valid signature of <paramref name="text"/> (for a
    /// cosignature: of its timestamped message).</summary>
    public bool Verifies(string text, NoteSignature signature)
    {
        if (signature.Name != Name || signature.KeyId != KeyId)
        {
            return false;
        }

        var sig = signature.Signature;
        if (Type == NoteKeyType.Cosignature)
        {
            if (sig.Length != 8 + Ed25519.SignatureSize)
            {
                return false;
            }

            var message = NoteSigner.CosignedMessage(text, BinaryPrimitives.ReadUInt64BigEndian(sig));
            return Ed25519.Verify(sig, 8, PublicKey, 0, message, 0, message.Length);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        return sig.Length == Ed25519.SignatureSize && Ed25519.Verify(sig, 0, PublicKey, 0, bytes, 0, bytes.Length);
    }

    /// <summary>The time a valid cosignature states (seconds since the epoch), or null for a plain signature.</summary>
    public static ulong? CosignatureTime(NoteSignature signature) =>
        signature.Signature.Length == 8 + Ed25519.SignatureSize
            ? BinaryPrimitives.ReadUInt64BigEndian(signature.Signature)
            : null;
}

/// <summary>
/// A private note key, <c>PRIVATE+KEY+NAME+hex(keyID)+base64(type || 32-byte seed)</c> (the format of
/// golang.org/x/mod/sumdb/note, which witnesses and logs already use).
/// </summary>
public sealed class NoteSigner
{
    private readonly byte[] _seed;

    private NoteSigner(string name, NoteKeyType type, byte[] seed)
    {
        Name = name;
        Type = type;
        _seed = seed;
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.GeneratePublicKey(seed, 0, publicKey, 0);
        Verifier = new NoteVerifier(name, type, publicKey);
    }

    public string Name { get; }

    public NoteKeyType Type { get; }

    public NoteVerifier Verifier { get; }

    public string Encoded => $"PRIVATE+KEY+{Name}+{Verifier.KeyId:x8}+{Convert.ToBase64String([(byte)Type, .. _seed])}";

    public static NoteSigner Generate(string name, NoteKeyType type)
    {
        CheckName(name);
        return new NoteSigner(name, type, RandomNumberGenerator.GetBytes(Ed25519.SecretKeySize));
    }

    public static NoteSigner FromSeed(string name, NoteKeyType type, byte[] seed)
    {
        CheckName(name);
        return seed.Length == Ed25519.SecretKeySize
            ? new NoteSigner(name, type, seed)
            : throw new LogException("an Ed25519 seed has 32 bytes");
    }

    public static NoteSigner Parse(string encoded)
    {
        var parts = encoded.Trim().Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
        {
            throw new LogException("not a private note key (PRIVATE+KEY+NAME+KEYID+BASE64)");
        }

        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            throw new LogException($"private note key '{parts[2]}': the key is not base64");
        }

        if (raw.Length != 1 + Ed25519.SecretKeySize
            || (raw[0] != (byte)NoteKeyType.Ed25519 && raw[0] != (byte)NoteKeyType.Cosignature))
        {
            throw new LogException($"private note key '{parts[2]}': only Ed25519 keys (type 01 or 04)");
        }

        var signer = new NoteSigner(parts[2], (NoteKeyType)raw[0], raw[1..]);
        if (!string.Equals(
            parts[3],
            signer.Verifier.KeyId.ToString("x8", CultureInfo.InvariantCulture),
            StringComparison.OrdinalIgnoreCase))
        {
            throw new LogException($"private note key '{parts[2]}': key ID {parts[3]} does not match the key");
        }

        return signer;
    }

    /// <summary>Signs note text: an Ed25519 signature, or (for a cosigner key) a cosignature at
    /// <paramref name="time"/>.</summary>
    public NoteSignature Sign(string text, DateTimeOffset time)
    {
        if (Type == NoteKeyType.Cosignature)
        {
            var seconds = (ulong)time.ToUnixTimeSeconds();
            var message = CosignedMessage(text, seconds);
            var signed = new byte[8 + Ed25519.SignatureSize];
            BinaryPrimitives.WriteUInt64BigEndian(signed, seconds);
            Ed25519.Sign(_seed, 0, message, 0, message.Length, signed, 8);
            return new NoteSignature(Name, Verifier.KeyId, signed);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(_seed, 0, bytes, 0, bytes.Length, signature, 0);
        return new NoteSignature(Name, Verifier.KeyId, signature);
    }

    internal static byte[] CosignedMessage(string checkpointText, ulong seconds) =>
        Encoding.UTF8
            .GetBytes("cosignature/v1\ntime " + seconds.ToString(CultureInfo.InvariantCulture) + "\n" + checkpointText);

    private static void CheckName(string name)
    {
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '+'))
        {
            throw new LogException($"key name '{name}' must be non-empty without spaces or '+'");
        }
    }
}
